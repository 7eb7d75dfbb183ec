// Signing in and out: /api/v1/auth/*. Failed logins are rate-limited per address and per username
// (@fastify/rate-limit's store, counted on failure only, so staff who sign in often are never locked out).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERMISSIONS } from '../auth/permissions.js';
import { notSignedIn, SESSION_COOKIE, sessionCookieOptions, type AuthSettings } from '../auth/auth.hooks.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import { PasswordChangeSchema, permissionsOf, publicUser, UserSchema, type AccountsService } from '../services/accounts.service.js';
import type { AuditService } from '../services/audit.service.js';
import { usernameKey } from '../storage/username-key.js';

const tags = ['accounts'];
export const SignedInSchema = z.object({ user: UserSchema, csrfToken: z.string(), permissions: z.array(z.enum(PERMISSIONS)) });

export const LOGIN_LIMITS = { perUsername: 5, perAddress: 20, windowMs: 15 * 60_000 };

export function registerAuthRoutes(app: FastifyInstance, deps: { accounts: AccountsService; settings: AuthSettings; audit: AuditService }): void {
  const { accounts, audit } = deps;
  /** Sign-ins and failures go to the audit trail; a failure names the account tried, if it exists. */
  const recordLogin = (req: FastifyRequest, user: { id: string; username: string } | undefined, outcome: 'login' | 'login-failed', extra: object = {}) =>
    audit.record({
      actor: user ? { id: user.id, username: user.username } : null,
      action: outcome,
      entity: 'session',
      entityId: user?.id ?? null,
      summary:
        outcome === 'login'
          ? `登录 / signed in`
          : `登录失败：${(req.body as { username: string }).username.slice(0, 60)} / failed sign-in as ${(req.body as { username: string }).username.slice(0, 60)}`,
      before: null,
      after: { ip: req.ip, ...extra },
    });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const nameOf = (req: FastifyRequest) => usernameKey(String((req.body as { username?: unknown } | undefined)?.username ?? '').trim());
  const limiters = [
    app.createRateLimit({ max: LOGIN_LIMITS.perAddress, timeWindow: LOGIN_LIMITS.windowMs, keyGenerator: (req) => `ip:${req.ip}` }),
    app.createRateLimit({ max: LOGIN_LIMITS.perUsername, timeWindow: LOGIN_LIMITS.windowMs, keyGenerator: (req) => `user:${nameOf(req)}` }),
  ];

  const signedInBody = (reply: FastifyReply, user: Parameters<typeof publicUser>[0]) => ({
    user: publicUser(user),
    csrfToken: reply.generateCsrf(),
    permissions: permissionsOf(user),
  });

  r.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in; sets the HttpOnly session cookie and returns the CSRF token for changes',
        body: z.object({ username: z.string().max(100), password: z.string().max(200) }),
        response: { 200: SignedInSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 429: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      for (const limiter of limiters) {
        const state = await limiter(req, { increment: false });
        if (!state.isAllowed && state.remaining === 0) {
          recordLogin(req, await accounts.findByUsername(req.body.username), 'login-failed', { limited: true });
          const seconds = Math.max(1, state.ttlInSeconds);
          reply.header('retry-after', String(seconds));
          throw new AppError(429, 'too-many-attempts', `尝试次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试 / too many attempts, try again in ${seconds} s`);
        }
      }
      const result = await accounts.login(req.body.username, req.body.password);
      if (!result) {
        for (const limiter of limiters) await limiter(req);
        recordLogin(req, await accounts.findByUsername(req.body.username), 'login-failed');
        throw new AppError(401, 'bad-credentials', '用户名或密码错误 / wrong username or password');
      }
      req.session = { _csrf: result.session.csrfSecret };
      reply.setCookie(SESSION_COOKIE, result.sessionId, sessionCookieOptions(req, deps.settings));
      recordLogin(req, result.user, 'login');
      return signedInBody(reply, result.user);
    },
  );

  r.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'Sign out: the session ends on the server and the cookie is cleared', response: { 204: z.null() } } },
    async (req, reply) => {
      await accounts.logout(req.cookies[SESSION_COOKIE]);
      const user = req.signedIn?.user;
      if (user) audit.record({ actor: { id: user.id, username: user.username }, action: 'logout', entity: 'session', entityId: user.id, summary: '退出登录 / signed out', before: null, after: null });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/auth/me',
    { schema: { tags, summary: 'Who is signed in, what they may do, and a CSRF token', response: { 200: SignedInSchema, 401: ErrorBodySchema } } },
    (req, reply) => {
      if (!req.signedIn) throw notSignedIn();
      return signedInBody(reply, req.signedIn.user);
    },
  );

  r.post(
    '/api/v1/auth/password',
    {
      schema: {
        tags,
        summary: 'Change your own password (other sessions of the account are signed out)',
        body: PasswordChangeSchema,
        response: { 204: z.null(), 400: ErrorBodySchema, 403: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      if (!req.signedIn) throw notSignedIn();
      await accounts.changePassword(req.signedIn, req.body.currentPassword, req.body.newPassword);
      const { user } = req.signedIn;
      audit.record({ actor: { id: user.id, username: user.username }, action: 'password-change', entity: 'user', entityId: user.id, summary: '修改了自己的密码 / changed own password', before: null, after: null });
      return reply.code(204).send(null);
    },
  );
}
