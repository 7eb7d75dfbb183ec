// Shared test scaffolding: a real app on a temporary data directory, and real WebSocket clients.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Test } from 'tap';
import WebSocket from 'ws';
import { buildApp, type BuildOptions, type CrierApp } from '../server/app.js';
import { loadConfig, type Config } from '../server/config.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../player/protocol.js';
import type { Role } from '../server/auth/permissions.js';
import type { PlayerSession } from '../server/gateway/presence.js';

/** The county admin every test app starts with (its password comes from config, as CRIER_ADMIN_PASSWORD would). */
export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' } as const;

export interface TestAppOptions extends BuildOptions {
  /** false: `app.inject` carries no session (login tests, refusal tests). Default: signed in as admin. */
  signedIn?: boolean;
}

const adminHeaderCache = new WeakMap<object, Record<string, string>>();

/** Signs in through the real login route and returns the headers a client of that session sends. */
export async function signIn(app: CrierApp, username: string, password: string): Promise<Record<string, string>> {
  const res = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'crier_session');
  if (!cookie) throw new Error('no session cookie in the login answer');
  return { cookie: `crier_session=${cookie.value}`, 'x-csrf-token': (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

/** The app's own inject, without the admin session buildTestApp adds. */
const rawInjects = new WeakMap<object, CrierApp['inject']>();
export const injectRaw = (app: CrierApp): CrierApp['inject'] => rawInjects.get(app) ?? app.inject.bind(app);

/** Makes every `app.inject` carry the admin's cookie and CSRF token unless the request brings its own. */
export async function actAsAdmin(app: CrierApp): Promise<void> {
  const raw = app.inject.bind(app);
  rawInjects.set(app, raw);
  const headers = await signIn(app, TEST_ADMIN.username, TEST_ADMIN.password);
  adminHeaderCache.set(app, headers);
  const signedInject = (opts?: unknown, callback?: unknown) => {
    if (opts === undefined || typeof opts === 'function') return (raw as (...a: unknown[]) => unknown)(opts, callback);
    const o = (typeof opts === 'string' ? { url: opts } : opts) as { headers?: Record<string, string> };
    return (raw as (...a: unknown[]) => unknown)({ ...o, headers: { ...headers, ...o.headers } }, callback);
  };
  Object.assign(app, { inject: signedInject });
}

export async function buildTestApp(t: Test, overrides: Partial<Config> = {}, options: TestAppOptions = {}): Promise<CrierApp> {
  // t.testdir() empties its folder, so only make one when the caller did not bring a data dir (restart tests).
  // A cheaper scrypt cost keeps the suite fast; the hashing itself is the real one.
  // No default quiet hours unless a test asks: tests run at any hour, and audio must not depend on it.
  // No refusing players after a stall unless a test asks: on a loaded test machine a stall is noise, not overload.
  const defaults = loadConfig({});
  const config: Config = {
    ...defaults, logLevel: 'silent', adminPassword: TEST_ADMIN.password, scryptLogN: 10, stationQuietHours: null,
    shedding: { ...defaults.shedding, lagMs: 0 },
    ...overrides, dataDir: overrides.dataDir ?? t.testdir(),
  };
  const { signedIn = true, ...buildOptions } = options;
  const app = await buildApp(config, { logger: false, ...buildOptions });
  t.teardown(() => app.close());
  if (signedIn) await actAsAdmin(app);
  return app;
}

/** Builds and listens on a free loopback port; returns the app and its base URL. */
export async function startTestServer(t: Test, overrides: Partial<Config> = {}, options: TestAppOptions = {}) {
  const app = await buildTestApp(t, overrides, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws/player` };
}

export interface TestPlayer {
  socket: WebSocket;
  /** Resolves with the next message of that type (already received ones count), or rejects after timeoutMs. */
  next<T extends ServerMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<ServerMessage, { type: T }>>;
  /** Every message received so far, in order. */
  received: ServerMessage[];
  send(message: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

export async function connectPlayer(t: Test, wsUrl: string): Promise<TestPlayer> {
  const socket = new WebSocket(wsUrl);
  const received: ServerMessage[] = [];
  const unread: ServerMessage[] = [];
  const waiters: { type: string; resolve: (m: ServerMessage) => void }[] = [];
  // Listen before awaiting anything, so no early frame is lost.
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    received.push(message);
    const waiter = waiters.findIndex((w) => w.type === message.type);
    if (waiter >= 0) waiters.splice(waiter, 1)[0]!.resolve(message);
    else unread.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  t.teardown(() => socket.close());
  return {
    socket,
    received,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next(type, timeoutMs = 3000) {
      const index = unread.findIndex((m) => m.type === type);
      if (index >= 0) return Promise.resolve(unread.splice(index, 1)[0] as never);
      return new Promise((resolve, reject) => {
        // Cleared once the message came: a pending timer would hold the test process open until it fired.
        const timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) (waiters.splice(i, 1), reject(new Error(`no ${type} message within ${timeoutMs} ms`)));
        }, timeoutMs);
        const waiter = { type, resolve: (m: ServerMessage) => (clearTimeout(timer), resolve(m as never)) };
        waiters.push(waiter);
      });
    },
  };
}

export const helloMessage = (extra: Record<string, unknown> = {}) => ({
  type: 'hello',
  protocol: PROTOCOL_VERSION,
  playerVersion: 'test-1',
  mode: 'screen',
  capabilities: ['text', 'image', 'video', 'audio'],
  screen: { width: 1920, height: 1080, pixelRatio: 1 },
  manifestVersion: null,
  ...extra,
});

/** Connects, says hello and waits for the welcome. */
export async function helloPlayer(t: Test, wsUrl: string, extra: Record<string, unknown> = {}) {
  const player = await connectPlayer(t, wsUrl);
  player.send(helloMessage(extra));
  const welcome = await player.next('welcome');
  return { player, welcome };
}

/** A valid play record of a test player (ids random, one item), starting at `startedAt` (ms). */
export const testPlayRecord = (startedAt: number, lengthMs = 8000) => ({
  id: randomUUID(),
  itemId: 'item-1',
  mediaId: 'media-1',
  hash: 'a'.repeat(64),
  manifestVersion: 'v1',
  startedAt: new Date(startedAt).toISOString(),
  endedAt: new Date(startedAt + lengthMs).toISOString(),
  completed: true,
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Headers that make a test's own HTTP requests (fetch, Playwright's request context, a ws client) act as
 * the county admin: the session cookie and the CSRF token.
 */
export async function adminHeaders(app: CrierApp): Promise<Record<string, string>> {
  const cached = adminHeaderCache.get(app);
  if (cached) return cached;
  const headers = await signIn(app, TEST_ADMIN.username, TEST_ADMIN.password);
  adminHeaderCache.set(app, headers);
  return headers;
}

/** Puts the admin's session cookie into a Playwright browser context, so pages there are signed in. */
export async function signInBrowser(context: { addCookies(cookies: { name: string; value: string; url: string }[]): Promise<void> }, app: CrierApp, baseUrl: string): Promise<void> {
  const { cookie } = await adminHeaders(app);
  const value = cookie!.slice('crier_session='.length);
  await context.addCookies([{ name: 'crier_session', value, url: baseUrl }]);
}

let staffCount = 0;
/**
 * Creates a staff account through the API (as the admin), signs it in and replaces its first password,
 * as its owner would. Returns the headers its requests carry and the user.
 */
export async function signInAs(app: CrierApp, role: Role, township: string | null = null) {
  const username = `${role}-${++staffCount}`;
  const inject = injectRaw(app);
  const created = await inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: await adminHeaders(app),
    payload: { username, displayName: `${role} ${staffCount}`, role, township, password: 'first-password-1' },
  });
  if (created.statusCode !== 201) throw new Error(`creating ${username} failed: ${created.statusCode} ${created.body}`);
  const headers = await signIn(app, username, 'first-password-1');
  const changed = await inject({ method: 'POST', url: '/api/v1/auth/password', headers, payload: { currentPassword: 'first-password-1', newPassword: 'staff-password-1' } });
  if (changed.statusCode !== 204) throw new Error(`password change for ${username} failed: ${changed.statusCode} ${changed.body}`);
  return { headers, user: JSON.parse(created.body) as { id: string; username: string; role: string; township: string | null } };
}

/** A player session as the gateway makes one, without a socket (sends go nowhere, written at once): for presence tests at fleet size. */
let socketlessSessions = 0;
export function socketlessSession(screenId: string, fields: Partial<PlayerSession> = {}): PlayerSession {
  return {
    sessionId: 1_000_000 + ++socketlessSessions,
    screenId,
    connectedAt: new Date(),
    playerVersion: 'socketless',
    mode: 'screen',
    screenSize: { width: 1920, height: 1080 },
    display: { width: 1920, height: 1080 },
    lastHeartbeatAt: null,
    airing: null,
    sentManifestVersion: null,
    appliedManifestVersion: null,
    acceptsSharedManifest: true,
    send: () => undefined,
    sendManifest: (_, written) => written?.(),
    close: () => undefined,
    ...fields,
  };
}

/** A thread's nice value (Linux: the 19th field of /proc/self/task/<tid>/stat, counted after the name's parenthesis). */
export function niceOfThread(tid: string | number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}
/** How many of this process's threads run at `nice` (Linux). */
export const threadsAtNice = (nice: number) => readdirSync('/proc/self/task').filter((tid) => niceOfThread(tid) === nice).length;
