// Several Crier nodes in one test process, each its own app and port, on the test Redis with a key
// prefix of their own (and, when given, shared media directories); or as real node processes
// (server/main.ts) on a PostgreSQL database of the test's own.
import path from 'node:path';
import type { Test } from 'tap';
import WebSocket from 'ws';
import type { ConsoleEvent } from '../../server/console/console.protocol.js';
import type { Config } from '../../server/config.js';
import { startServer, type RunningChild } from '../fixtures/child-server.js';
import { startTestServer, TEST_ADMIN, type TestAppOptions } from '../helper.js';
import { createTestDatabase } from '../stores.js';
import { testRedisPrefix, testRedisUrl } from './services.js';

export async function startNodes(t: Test, names: string[], options: TestAppOptions & { config?: Partial<Config>; perNode?: Record<string, Partial<Config>>; redis?: boolean; dir?: string } = {}) {
  const { config = {}, perNode = {}, redis = true, dir = t.testdir(), ...appOptions } = options;
  const cluster = redis ? { redisUrl: testRedisUrl(), redisPrefix: testRedisPrefix() } : {};
  const nodes = [];
  for (const name of names) nodes.push(await startTestServer(t, { dataDir: path.join(dir, name), ...cluster, nodeId: name, ...config, ...perNode[name] }, appOptions));
  return { dir, nodes };
}

/** Waits (without a deadline of its own: tap's timeout ends a hung test) until `check` holds. */
export async function until<T>(check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}


export const wsOf = (baseUrl: string) => `${baseUrl.replace(/^http/, 'ws')}/ws/player`;

/** Real node processes, as `npm start` runs them, on one new PostgreSQL database, the test Redis and shared media dirs. */
export async function startNodeProcesses(t: Test, names: string[], env: Record<string, string> = {}): Promise<RunningChild[]> {
  const dir = t.testdir();
  const shared = {
    CRIER_DATABASE_URL: await createTestDatabase(t),
    CRIER_REDIS_URL: testRedisUrl(),
    CRIER_REDIS_PREFIX: testRedisPrefix(),
    CRIER_MEDIA_DIR: path.join(dir, 'shared', 'media'),
    CRIER_ORIGINALS_DIR: path.join(dir, 'shared', 'originals'),
    // Players here send far faster than a real one airs; the per-screen rate limit is not under test.
    CRIER_PLAYS_PER_MINUTE: '10000',
    ...env,
  };
  const nodes: RunningChild[] = [];
  // One after the other: the first creates the schema and the default campaign, the next finds them.
  for (const name of names) nodes.push(await startServer(t, path.join(dir, name), { ...shared, CRIER_NODE_ID: name }));
  // Should tap end this process (a timeout), the nodes must not outlive it.
  const killAll = () => nodes.forEach((n) => n.process.kill('SIGKILL'));
  process.once('exit', killAll);
  process.once('SIGTERM', () => (killAll(), process.kill(process.pid, 'SIGTERM')));
  return nodes;
}

/** The admin on a node process: signed-in GETs, and that node's /ws/console with a listener for its events. */
export async function adminAt(t: Test, baseUrl: string) {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_ADMIN) });
  if (!res.ok) throw new Error(`login at ${baseUrl}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('crier_session='))!.split(';')[0]!;
  const text = async (url: string): Promise<string> => {
    const answer = await fetch(baseUrl + url, { headers: { cookie } });
    if (!answer.ok) throw new Error(`GET ${url}: ${answer.status} ${await answer.text()}`);
    return answer.text();
  };
  const get = async <T>(url: string): Promise<T> => JSON.parse(await text(url)) as T;
  const openConsole = async (onEvent: (event: ConsoleEvent) => void) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/console`, { headers: { cookie } });
    socket.on('message', (data) => onEvent(JSON.parse(data.toString()) as ConsoleEvent));
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    t.teardown(() => socket.close());
  };
  return { get, text, openConsole };
}
