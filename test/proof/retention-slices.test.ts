// Retention walks the screens in slices, each an op of its own on the writing connection, so plays handed
// over while it runs are committed between slices: one op over 10,000 screens held every commit for
// 0.5-0.75 s (docs/scaling.md, thirteenth session).
import Database from 'better-sqlite3';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { createRetention, PRUNE_SCREENS_PER_OP } from '../../server/storage/airing.retention.js';
import { createAiringLog } from '../../server/storage/airing.store.js';

const play = (id: string): PlayRecord => ({
  id, itemId: 'i1', mediaId: 'm1', hash: 'a'.repeat(64), manifestVersion: 'v1',
  startedAt: '2026-01-10T02:00:00.000Z', endedAt: '2026-01-10T02:00:10.000Z', completed: true,
});
const screenIds = (n: number) => Array.from({ length: n }, (_, i) => `scr-${String(i).padStart(4, '0')}`);

/** A log whose `screens` each have two plays, received before the returned cutoff. */
async function logWithScreens(t: Test, screens: string[]) {
  const dir = t.testdir();
  const log = createAiringLog(dir);
  t.teardown(() => log.close());
  for (const id of screens) await log.recordPlays(id, false, [play(`${id}-1`), play(`${id}-2`)]);
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { log, dir, cutoff: new Date() };
}

t.test('a slice prunes at most its share of screens and says where to go on; the slices add up to the whole', async (t) => {
  const { log, dir, cutoff } = await logWithScreens(t, screenIds(5));
  await log.flush();
  const db = new Database(path.join(dir, 'airing.sqlite3'));
  t.teardown(() => db.close());
  const retention = createRetention(db);
  const first = retention.prune(cutoff.getTime(), null, 2);
  t.same(first, { plays: 4, intervals: 0, next: 'scr-0001' }, 'two screens, then where to go on');
  t.equal((db.prepare('SELECT count(*) FROM plays').pluck().get() as number), 6, 'the other three screens untouched');
  const second = retention.prune(cutoff.getTime(), first.next, 2);
  t.same(second, { plays: 4, intervals: 0, next: 'scr-0003' });
  const last = retention.prune(cutoff.getTime(), second.next, 2);
  t.same(last, { plays: 2, intervals: 0, next: null }, 'the last slice is short and ends the walk');
  t.same(retention.prune(cutoff.getTime(), null, 2), { plays: 0, intervals: 0, next: 'scr-0001' }, 'a new walk finds nothing more');
});

t.test('plays handed over while retention runs are committed between its slices, not after all of it', async (t) => {
  const screens = screenIds(PRUNE_SCREENS_PER_OP * 5 + 1);
  const { log, cutoff } = await logWithScreens(t, screens);
  const order: string[] = [];
  const pruned = log.prune(cutoff, 0).then((result) => (order.push('retention'), result));
  await new Promise((resolve) => setTimeout(resolve, 1)); // retention's first op is handed over first
  const recorded = log.recordPlays('scr-new', false, [play('new-1')]).then(() => order.push('plays'));
  await Promise.all([pruned, recorded]);
  t.same(order, ['plays', 'retention']);
  t.same(await pruned, { plays: screens.length * 2, intervals: 0 }, 'every screen pruned');
  t.same((await log.listPlays({ limit: 10 })).map((p) => p.id), ['new-1'], 'and the new play kept');
});
