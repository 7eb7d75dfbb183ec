// Who is asking, and may they: the session cookie, CSRF on every change, and the route's permission,
// checked in one onRequest hook before any body is read (an upload from a viewer is refused unread).
import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import { namedLoginStore } from './login-limit.store.js';
import type { Redis } from 'ioredis';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { AccountsService, SignedIn } from '../services/accounts.service.js';
import { accessFor, can, isMutating } from './permissions.js';

export const SESSION_COOKIE = 'crier_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user and session, or null. */
    signedIn: SignedIn | null;
    /** What @fastify/csrf-protection reads the per-session CSRF secret from ('@fastify/session' mode). */
    session: { _csrf: string } | null;
  }
}

export const notSignedIn = () => new AppError(401, 'not-signed-in', '请先登录 / please sign in');
export const forbidden = () => new AppError(403, 'forbidden', '没有权限执行此操作 / you may not do this');
const csrfInvalid = () => new AppError(403, 'csrf-invalid', '安全令牌无效，请刷新页面 / missing or invalid x-csrf-token');

export interface AuthSettings {
  secureCookies: 'auto' | 'always';
  sessionMaxMs: number;
}

/** Every route of the app as registered, for the route-table test and the docs. */
export type RouteList = { method: string; url: string }[];

/** `limits.redis`: the cluster's Redis, so failed logins count on every node together (server/cluster/); while it is away staff can still sign in, unlimited. */
export async function installAuth(app: FastifyInstance, accounts: AccountsService, limits: { redis?: Redis; nameSpace?: string } = {}): Promise<RouteList> {
  const routes: RouteList = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await app.register(fastifyCookie);
  // CSRF: the plugin's '@fastify/session' mode reads the secret from `request.session._csrf`, which we
  // fill from our own server-side session row. So the secret never travels in a cookie; the token the
  // client sends in `x-csrf-token` is derived from it (salted, a fresh one per issue).
  await app.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/session',
    getToken: (req) => {
      const header = req.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
    logLevel: 'debug',
  });
  // Limiters are used by the login route only (global: false): it counts failures, not every request.
  await app.register(fastifyRateLimit, { global: false, ...(limits.redis ? { store: namedLoginStore(limits.redis, limits.nameSpace ?? 'crier:login:'), skipOnError: true } : {}) });
  app.decorateRequest('signedIn', null);
  app.decorateRequest('session', null);

  const csrfOk = (request: FastifyRequest) =>
    new Promise<boolean>((resolve) => {
      // The plugin answers a bad token through reply.send; we want our own error body, so it gets a stand-in.
      const stub = { send: () => resolve(false) } as unknown as FastifyReply;
      app.csrfProtection(request, stub, () => resolve(true));
    });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url) return; // 404s answer as before
    const access = accessFor(request.method, url);
    if (access.kind === 'public') return;
    const signedIn = await accounts.resolveSession(request.cookies[SESSION_COOKIE]);
    if (!signedIn) throw notSignedIn();
    request.signedIn = signedIn;
    request.session = { _csrf: signedIn.session.csrfSecret };
    if (!isMutating(request.method)) {
      if (access.kind === 'permission' && !can(signedIn.user.role, access.permission)) throw forbidden();
      return;
    }
    if (!(await csrfOk(request))) throw csrfInvalid();
    if (access.kind === 'signed-in') return;
    if (!can(signedIn.user.role, access.permission)) throw forbidden();
    if (signedIn.user.mustChangePassword) {
      throw new AppError(403, 'password-change-required', '请先修改初始密码 / change your one-time password first');
    }
  });
  return routes;
}

/** Cookie options for the session: HttpOnly, SameSite=Lax, Secure over HTTPS (or always, when configured). */
export function sessionCookieOptions(request: FastifyRequest, settings: AuthSettings) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: settings.secureCookies === 'always' || request.protocol === 'https',
    maxAge: Math.floor(settings.sessionMaxMs / 1000),
  };
}
