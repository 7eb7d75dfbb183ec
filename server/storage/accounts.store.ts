// Staff accounts and their sessions. SQLite rather than the catalogue's JSON file: every signed-in
// request touches its session (idle expiry), and a JSON store would rewrite the whole file for that,
// without fsync; SQLite writes one small row durably, and enforces unique usernames (username-key.ts) for us. The
// interface is async and row-shaped so a larger deployment can put PostgreSQL behind it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Role } from '../auth/permissions.js';
import { isDiskFull } from './disk-space.js';
import { usernameClashes, usernameKey } from './username-key.js';

export interface StoredUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Non-null: township-scoped staff. */
  township: string | null;
  mustChangePassword: boolean;
  disabled: boolean;
  /** `scrypt$logN$salt$key`; never the password. */
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredSession {
  /** SHA-256 of the cookie value: a copy of this database signs nobody in. */
  idHash: string;
  userId: string;
  /** The per-session CSRF secret (tokens are derived from it by @fastify/csrf). */
  csrfSecret: string;
  createdAt: number;
  lastSeenAt: number;
}

export type UserChanges = Partial<Pick<StoredUser, 'displayName' | 'role' | 'township' | 'mustChangePassword' | 'disabled' | 'passwordHash' | 'updatedAt'>>;

export interface AccountsStore {
  countUsers(): Promise<number>;
  listUsers(): Promise<StoredUser[]>;
  getUser(id: string): Promise<StoredUser | undefined>;
  /** Usernames compare case-insensitively. */
  findUser(username: string): Promise<StoredUser | undefined>;
  /** Rejects with `UsernameTakenError` when the name is in use. */
  insertUser(user: StoredUser): Promise<void>;
  updateUser(id: string, changes: UserChanges): Promise<void>;
  deleteUser(id: string): Promise<void>;
  insertSession(session: StoredSession): Promise<void>;
  getSession(idHash: string): Promise<StoredSession | undefined>;
  touchSession(idHash: string, at: number): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of a user but `keepIdHash` (password change, disabling, deletion). */
  deleteSessionsOf(userId: string, keepIdHash?: string): Promise<void>;
  /** Drops sessions idle since `idleBefore` or begun before `createdBefore`. */
  deleteExpiredSessions(idleBefore: number, createdBefore: number): Promise<number>;
  close(): void;
}

export class UsernameTakenError extends Error {}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  username_key TEXT,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  township TEXT,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL,
  disabled INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
`;

/** Rows as both implementations hold them (SQLite stores booleans as 0/1). */
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  township: string | null;
  password_hash: string;
  must_change_password: number | boolean;
  disabled: number | boolean;
  created_at: string;
  updated_at: string;
}
export interface SessionRow {
  id_hash: string;
  user_id: string;
  csrf_secret: string;
  created_at: number;
  last_seen_at: number;
}

export const toUser = (r: UserRow): StoredUser => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  township: r.township,
  passwordHash: r.password_hash,
  mustChangePassword: Boolean(r.must_change_password),
  disabled: Boolean(r.disabled),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
export const toSession = (r: SessionRow): StoredSession => ({
  idHash: r.id_hash,
  userId: r.user_id,
  csrfSecret: r.csrf_secret,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
});

export const COLUMNS: Record<keyof UserChanges, string> = {
  displayName: 'display_name',
  role: 'role',
  township: 'township',
  mustChangePassword: 'must_change_password',
  disabled: 'disabled',
  passwordHash: 'password_hash',
  updatedAt: 'updated_at',
};

export function createAccountsStore(dataDir: string): AccountsStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'accounts.sqlite3'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  keyUsernames(db);

  const s = {
    count: db.prepare('SELECT COUNT(*) AS n FROM users'),
    list: db.prepare('SELECT * FROM users ORDER BY created_at, username'),
    get: db.prepare('SELECT * FROM users WHERE id = ?'),
    // A data dir from before the key may hold two names with one key (usernameClashes): the exact name first, else the oldest.
    find: db.prepare('SELECT * FROM users WHERE username_key = ? ORDER BY username = ? DESC, created_at, rowid LIMIT 1'),
    insert: db.prepare(`INSERT INTO users (id, username, username_key, display_name, role, township, password_hash, must_change_password, disabled, created_at, updated_at)
      VALUES (@id, @username, @username_key, @display_name, @role, @township, @password_hash, @must_change_password, @disabled, @created_at, @updated_at)`),
    remove: db.prepare('DELETE FROM users WHERE id = ?'),
    insertSession: db.prepare(`INSERT INTO sessions (id_hash, user_id, csrf_secret, created_at, last_seen_at)
      VALUES (@id_hash, @user_id, @csrf_secret, @created_at, @last_seen_at)`),
    getSession: db.prepare('SELECT * FROM sessions WHERE id_hash = ?'),
    touch: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?'),
    removeSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    removeSessionsOf: db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?'),
    expire: db.prepare('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?'),
  };

  const writeSession = (x: StoredSession) =>
    void s.insertSession.run({ id_hash: x.idHash, user_id: x.userId, csrf_secret: x.csrfSecret, created_at: x.createdAt, last_seen_at: x.lastSeenAt });
  // Sessions begun while the disk was full (lost by a restart before they are written).
  const unsaved = new Map<string, StoredSession>();
  const persistUnsaved = () => {
    for (const [idHash, kept] of unsaved) {
      try {
        writeSession(kept);
        unsaved.delete(idHash);
      } catch (error) {
        if (isDiskFull(error)) return; // still no room: again at the next sign-in or touch
        unsaved.delete(idHash); // its user is gone meanwhile
      }
    }
  };

  return {
    countUsers: async () => (s.count.get() as { n: number }).n,
    listUsers: async () => (s.list.all() as UserRow[]).map(toUser),
    getUser: async (id) => {
      const row = s.get.get(id) as UserRow | undefined;
      return row && toUser(row);
    },
    findUser: async (username) => {
      const row = s.find.get(usernameKey(username), username) as UserRow | undefined;
      return row && toUser(row);
    },
    insertUser: async (u) => {
      // The unique index is the rule; checked here too for a data dir whose old pairs kept the index from being made.
      if (s.find.get(usernameKey(u.username), u.username)) throw new UsernameTakenError(u.username);
      try {
        s.insert.run({
          id: u.id,
          username: u.username,
          username_key: usernameKey(u.username),
          display_name: u.displayName,
          role: u.role,
          township: u.township,
          password_hash: u.passwordHash,
          must_change_password: u.mustChangePassword ? 1 : 0,
          disabled: u.disabled ? 1 : 0,
          created_at: u.createdAt,
          updated_at: u.updatedAt,
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UsernameTakenError(u.username);
        throw error;
      }
    },
    updateUser: async (id, changes) => {
      const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof UserChanges, unknown][];
      if (entries.length === 0) return;
      const sets = entries.map(([k]) => `${COLUMNS[k]} = @${k}`).join(', ');
      const params = Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 1 : 0) : v]));
      db.prepare(`UPDATE users SET ${sets} WHERE id = @id`).run({ ...params, id });
    },
    deleteUser: async (id) => void s.remove.run(id),
    insertSession: async (x) => {
      persistUnsaved();
      try {
        writeSession(x);
      } catch (error) {
        // A full disk must not stop sign-in: the session lives in memory until it can be written.
        if (!isDiskFull(error)) throw error;
        unsaved.set(x.idHash, { ...x });
      }
    },
    getSession: async (idHash) => {
      const row = s.getSession.get(idHash) as SessionRow | undefined;
      if (row) return toSession(row);
      const kept = unsaved.get(idHash);
      return kept && { ...kept };
    },
    touchSession: async (idHash, at) => {
      const kept = unsaved.get(idHash);
      if (kept) kept.lastSeenAt = at;
      persistUnsaved();
      if (!kept) s.touch.run(at, idHash);
    },
    deleteSession: async (idHash) => {
      unsaved.delete(idHash);
      s.removeSession.run(idHash);
    },
    deleteSessionsOf: async (userId, keepIdHash = '') => {
      for (const [idHash, kept] of unsaved) if (kept.userId === userId && idHash !== keepIdHash) unsaved.delete(idHash);
      s.removeSessionsOf.run(userId, keepIdHash);
    },
    deleteExpiredSessions: async (idleBefore, createdBefore) => {
      for (const [idHash, kept] of unsaved) if (kept.lastSeenAt < idleBefore || kept.createdAt < createdBefore) unsaved.delete(idHash);
      return s.expire.run(idleBefore, createdBefore).changes;
    },
    close: () => db.close(),
  };
}

/**
 * The app's username key on every row (a data dir from before it has none), then the unique index on
 * it; a pair of old accounts with one key keeps the index from being made, and the insert's own check
 * keeps the rule for new accounts (`npm run migrate:pg` refuses such a pair by name).
 */
function keyUsernames(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(users)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'username_key')) db.exec('ALTER TABLE users ADD COLUMN username_key TEXT');
  const rows = db.prepare('SELECT id, username, username_key FROM users').all() as { id: string; username: string; username_key: string | null }[];
  const update = db.prepare('UPDATE users SET username_key = ? WHERE id = ?');
  db.transaction(() => {
    for (const row of rows) if (row.username_key !== usernameKey(row.username)) update.run(usernameKey(row.username), row.id);
  })();
  if (usernameClashes(rows.map((r) => r.username)).length === 0) db.exec('CREATE UNIQUE INDEX IF NOT EXISTS users_username_key ON users (username_key)');
  else db.exec('CREATE INDEX IF NOT EXISTS users_by_username_key ON users (username_key)');
}
