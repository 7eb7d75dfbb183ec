// Staff accounts and sessions: who may sign in, for how long, and as what. Passwords only ever pass
// through scrypt; session ids only ever reach the store hashed.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { RoleSchema, ROLE_PERMISSIONS, type Permission } from '../auth/permissions.js';
import { assertStrongPassword, weakPassword } from '../auth/password-policy.js';
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords.js';
import { AppError, notFound } from '../errors.js';
import { UsernameTakenError, type AccountsStore, type StoredSession, type StoredUser } from '../storage/accounts.store.js';

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  township: z.string().nullable(),
  mustChangePassword: z.boolean(),
  disabled: z.boolean(),
});
export type User = z.infer<typeof UserSchema>;

const PasswordSchema = z.string().min(10, '密码至少 10 个字符 / at least 10 characters').max(200);
const TownshipSchema = z.string().trim().min(1).max(60).nullable();

export const UserInputSchema = z.object({
  username: z.string().trim().regex(/^[A-Za-z0-9._-]{2,40}$/, '2–40 letters, digits, dot, dash or underscore'),
  displayName: z.string().trim().min(1).max(60),
  role: RoleSchema,
  township: TownshipSchema.optional(),
  password: PasswordSchema,
});
export const UserPatchSchema = z.object({
  displayName: z.string().trim().min(1).max(60).optional(),
  role: RoleSchema.optional(),
  township: TownshipSchema.optional(),
  password: PasswordSchema.optional(),
  disabled: z.boolean().optional(),
});
export const PasswordChangeSchema = z.object({ currentPassword: z.string().max(200), newPassword: PasswordSchema });

export const publicUser = (u: StoredUser): User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  township: u.township,
  mustChangePassword: u.mustChangePassword,
  disabled: u.disabled,
});

export const permissionsOf = (u: Pick<User, 'role'>): Permission[] => [...ROLE_PERMISSIONS[u.role]];

const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

export interface AccountsSettings {
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** scrypt cost (log2 N) for new hashes. */
  scryptLogN: number;
}

export interface SignedIn {
  user: StoredUser;
  session: StoredSession;
}

export type AccountsService = Awaited<ReturnType<typeof createAccountsService>>;

export async function createAccountsService(deps: { store: AccountsStore; now: () => number; settings: AccountsSettings }) {
  const { store, now, settings } = deps;
  const iso = () => new Date(now()).toISOString();
  const hash = (password: string) => hashPassword(password, settings.scryptLogN);

  async function requireUser(id: string): Promise<StoredUser> {
    const user = await store.getUser(id);
    if (!user) throw notFound('用户 / user', id);
    return user;
  }

  /** Refuses a change that would leave nobody able to manage accounts. */
  async function keepAnAdmin(changing: StoredUser, after: { role: string; disabled: boolean } | null): Promise<void> {
    if (changing.role !== 'admin' || changing.disabled) return;
    if (after && after.role === 'admin' && !after.disabled) return;
    const others = (await store.listUsers()).filter((u) => u.id !== changing.id && u.role === 'admin' && !u.disabled);
    if (others.length === 0) throw new AppError(422, 'last-admin', '至少要保留一名可用的县级管理员 / at least one active admin must remain');
  }

  async function startSession(user: StoredUser): Promise<{ sessionId: string; session: StoredSession }> {
    const sessionId = randomBytes(32).toString('base64url');
    const at = now();
    const session: StoredSession = { idHash: hashSessionId(sessionId), userId: user.id, csrfSecret: randomBytes(18).toString('base64url'), createdAt: at, lastSeenAt: at };
    await store.insertSession(session);
    return { sessionId, session };
  }

  return {
    async ensureFirstAdmin(password: string, mustChangePassword: boolean): Promise<StoredUser | null> {
      if ((await store.countUsers()) > 0) return null;
      const at = iso();
      const admin: StoredUser = {
        id: randomUUID(),
        username: 'admin',
        displayName: '县级管理员',
        role: 'admin',
        township: null,
        mustChangePassword,
        disabled: false,
        passwordHash: await hash(password),
        createdAt: at,
        updatedAt: at,
      };
      await store.insertUser(admin);
      return admin;
    },

    /** The user and a new session, or null for a wrong name or password (same time either way). */
    async login(username: string, password: string): Promise<{ user: StoredUser; sessionId: string; session: StoredSession } | null> {
      const user = await store.findUser(username.trim());
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash(settings.scryptLogN)));
      if (!user || !ok || user.disabled) return null;
      return { user, ...(await startSession(user)) };
    },

    /** The session behind a cookie value, if it exists and has not expired; refreshes its idle clock. */
    async resolveSession(sessionId: string | undefined): Promise<SignedIn | null> {
      if (!sessionId) return null;
      const idHash = hashSessionId(sessionId);
      const session = await store.getSession(idHash);
      if (!session) return null;
      const at = now();
      if (at - session.lastSeenAt > settings.sessionIdleMs || at - session.createdAt > settings.sessionMaxMs) {
        // Expired either way; a failed delete (full disk) is tidied by the hourly pruning.
        await store.deleteSession(idHash).catch(() => {});
        return null;
      }
      const user = await store.getUser(session.userId);
      if (!user || user.disabled) return null;
      // One write a minute at most: the idle clock does not need millisecond precision.
      // Reading a session needs no write: a failed touch (full disk) only leaves the idle clock a little behind.
      if (at - session.lastSeenAt > 60_000) await store.touchSession(idHash, at).catch(() => {});
      return { user, session };
    },

    async logout(sessionId: string | undefined): Promise<void> {
      if (sessionId) await store.deleteSession(hashSessionId(sessionId));
    },

    async changePassword(signedIn: SignedIn, currentPassword: string, newPassword: string): Promise<void> {
      if (!(await verifyPassword(currentPassword, signedIn.user.passwordHash))) {
        throw new AppError(403, 'bad-credentials', '当前密码不正确 / the current password is wrong');
      }
      assertStrongPassword(newPassword, signedIn.user.username);
      // A one-time (must-change) password "changed" to itself would stay for good.
      if (await verifyPassword(newPassword, signedIn.user.passwordHash)) throw weakPassword('unchanged');
      await store.updateUser(signedIn.user.id, { passwordHash: await hash(newPassword), mustChangePassword: false, updatedAt: iso() });
      // Anyone else holding this account's sessions is signed out.
      await store.deleteSessionsOf(signedIn.user.id, signedIn.session.idHash);
    },

    async list(): Promise<User[]> {
      return (await store.listUsers()).map(publicUser);
    },
    async get(id: string): Promise<User> {
      return publicUser(await requireUser(id));
    },
    async findByUsername(username: string): Promise<StoredUser | undefined> {
      return store.findUser(username.trim());
    },
    async getStored(id: string): Promise<StoredUser | undefined> {
      return store.getUser(id);
    },

    async create(input: z.infer<typeof UserInputSchema>): Promise<User> {
      assertStrongPassword(input.password, input.username);
      const at = iso();
      const user: StoredUser = {
        id: randomUUID(),
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        township: input.role === 'admin' ? null : (input.township ?? null),
        // Someone else chose this password: its owner replaces it at first sign-in.
        mustChangePassword: true,
        disabled: false,
        passwordHash: await hash(input.password),
        createdAt: at,
        updatedAt: at,
      };
      try {
        await store.insertUser(user);
      } catch (error) {
        if (error instanceof UsernameTakenError) throw new AppError(409, 'username-taken', `用户名已被使用 / username already taken: ${input.username}`);
        throw error;
      }
      return publicUser(user);
    },

    async update(id: string, patch: z.infer<typeof UserPatchSchema>): Promise<User> {
      const user = await requireUser(id);
      if (patch.password) assertStrongPassword(patch.password, user.username);
      const role = patch.role ?? user.role;
      const disabled = patch.disabled ?? user.disabled;
      await keepAnAdmin(user, { role, disabled });
      await store.updateUser(id, {
        displayName: patch.displayName,
        role: patch.role,
        // The county admin is county-wide by definition.
        township: role === 'admin' ? null : patch.township,
        disabled: patch.disabled,
        ...(patch.password ? { passwordHash: await hash(patch.password), mustChangePassword: true } : {}),
        updatedAt: iso(),
      });
      // A new password, a lost right or a disabled account takes effect now, not at the next login.
      if (patch.password || patch.disabled || (patch.role && patch.role !== user.role) || (patch.township !== undefined && patch.township !== user.township)) {
        await store.deleteSessionsOf(id);
      }
      return publicUser(await requireUser(id));
    },

    /** A township renamed in the register: its staff keep their scope under the new name (same sessions). */
    async renameTownship(from: string, to: string): Promise<void> {
      for (const user of await store.listUsers()) if (user.township === from) await store.updateUser(user.id, { township: to, updatedAt: iso() });
    },

    async remove(id: string): Promise<User> {
      const user = await requireUser(id);
      await keepAnAdmin(user, null);
      await store.deleteSessionsOf(id);
      await store.deleteUser(id);
      return publicUser(user);
    },

    async pruneSessions(): Promise<number> {
      const at = now();
      return store.deleteExpiredSessions(at - settings.sessionIdleMs, at - settings.sessionMaxMs);
    },
  };
}
