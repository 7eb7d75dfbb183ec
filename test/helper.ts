// Shared test scaffolding: a real app on a temporary data directory, and real WebSocket clients.
import type { Test } from 'tap';
import WebSocket from 'ws';
import { buildApp, type BuildOptions, type CrierApp } from '../server/app.js';
import { loadConfig, type Config } from '../server/config.js';
import { PROTOCOL_VERSION, type ServerMessage } from '../player/protocol.js';

export async function buildTestApp(t: Test, overrides: Partial<Config> = {}, options: BuildOptions = {}): Promise<CrierApp> {
  // t.testdir() empties its folder, so only make one when the caller did not bring a data dir (restart tests).
  const config: Config = { ...loadConfig({}), logLevel: 'silent', ...overrides, dataDir: overrides.dataDir ?? t.testdir() };
  const app = await buildApp(config, { logger: false, ...options });
  t.teardown(() => app.close());
  return app;
}

/** Builds and listens on a free loopback port; returns the app and its base URL. */
export async function startTestServer(t: Test, overrides: Partial<Config> = {}, options: BuildOptions = {}) {
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
        const waiter = { type, resolve: resolve as (m: ServerMessage) => void };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) (waiters.splice(i, 1), reject(new Error(`no ${type} message within ${timeoutMs} ms`)));
        }, timeoutMs);
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Headers that make a test's own HTTP requests (fetch, Playwright's request context) act as the
 * county admin. `app.inject` from buildTestApp needs none.
 */
export async function adminHeaders(_app: CrierApp): Promise<Record<string, string>> {
  return {};
}
