// Several Crier nodes in one test process, each its own app and port, on the test Redis with a key
// prefix of their own (and, when given, shared media directories).
import path from 'node:path';
import type { Test } from 'tap';
import type { Config } from '../../server/config.js';
import { startTestServer, type TestAppOptions } from '../helper.js';
import { testRedisPrefix, testRedisUrl } from './services.js';

export async function startNodes(t: Test, names: string[], options: TestAppOptions & { config?: Partial<Config>; redis?: boolean } = {}) {
  const { config = {}, redis = true, ...appOptions } = options;
  const dir = t.testdir();
  const cluster = redis ? { redisUrl: testRedisUrl(), redisPrefix: testRedisPrefix() } : {};
  const nodes = [];
  for (const name of names) nodes.push(await startTestServer(t, { dataDir: path.join(dir, name), ...cluster, nodeId: name, ...config }, appOptions));
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

