// Device tokens written in shared transactions, killed mid-way: a child process issues tokens eight at a
// time in a loop (as claims in flight share a transaction, server/pairing/token.store.ts) and is SIGKILLed
// at a random moment, again and again, on the same data dir. Every token it was told was written is there
// afterwards: a claimed screen never loses its token to a crash.
import path from 'node:path';
import t from 'tap';
import { createTokenStore } from '../../server/pairing/token.store.js';
import { figure, size, writeAndKill } from './driver.js';

t.test('a token writer killed mid-write, again and again, loses no token it confirmed', async (t) => {
  const dataDir = path.join(t.testdir(), 'data');
  const kills = size(1, 30);
  const confirmed: number[] = [];
  for (let round = 0; round < kills; round++) confirmed.push(...(await writeAndKill('test/fixtures/token-writer.ts', dataDir, 100_000 * (round + 1), 200)));
  const store = createTokenStore(dataDir);
  t.teardown(() => store.close());
  const lost = confirmed.filter((n) => store.screenOf(`hash-${n}`) !== `kill-${n}` || store.pendingOf(`kill-${n}`) !== `token-${n}`);
  t.same(lost, [], `every confirmed token survived (${confirmed.length} confirmed)`);
  figure(t, `device tokens killed mid-write: ${kills} kills, ${confirmed.length} confirmed tokens, ${lost.length} lost`);
});
