// Rollups are kept in the play transaction; they must equal a recount of the raw plays, whatever
// mix of screens, local days, unclaimed plays and resends arrives.
import fc from 'fast-check';
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import type { RollupRow } from '../../server/storage/airing.reports.js';
import type { StoredPlay } from '../../server/storage/airing.store.js';
import { forEachAiringStore } from '../airing-stores.js';

const ZONE = 'Asia/Shanghai';
// Three local days around two Shanghai midnights (16:00 UTC).
const WINDOW_START = Date.parse('2026-01-09T12:00:00Z');
const WINDOW_MS = 60 * 3_600_000;

/** An independent local day: Intl's own formatting, not the store's helper. */
const localDay = (ms: number) => new Date(ms).toLocaleDateString('sv-SE', { timeZone: ZONE });

function recount(plays: StoredPlay[], provisional: boolean): RollupRow[] {
  const sums = new Map<string, RollupRow>();
  for (const p of plays) {
    if (p.isProvisional !== provisional) continue;
    const start = Date.parse(p.startedAt);
    const day = localDay(start);
    const key = [day, p.screenId, p.mediaId].join('|');
    const row = sums.get(key) ?? { day, screenId: p.screenId, mediaId: p.mediaId, plays: 0, completed: 0, airtimeMs: 0 };
    row.plays++;
    if (p.completed) row.completed++;
    row.airtimeMs += Math.max(Date.parse(p.endedAt) - start, 0);
    sums.set(key, row);
  }
  return [...sums.values()].sort((a, b) => [a.day, a.screenId, a.mediaId].join('|').localeCompare([b.day, b.screenId, b.mediaId].join('|')));
}

const recordArb = fc.record({
  offsetMs: fc.integer({ min: 0, max: WINDOW_MS }),
  durationMs: fc.integer({ min: -2000, max: 120_000 }), // a negative one: a player clock step mid-play
  completed: fc.boolean(),
  mediaId: fc.constantFrom('m-loan', 'm-refund', 'm-click'),
});

const batchArb = (poolSize: number) =>
  fc.record({
    screenId: fc.constantFrom('scr-a', 'scr-b', 'scr-c'),
    isProvisional: fc.boolean(),
    // Indexes into the pool of records: the same index twice is a resend.
    picks: fc.array(fc.integer({ min: 0, max: poolSize - 1 }), { minLength: 1, maxLength: 12 }),
  });

forEachAiringStore(t, 'rollups equal a brute-force recount of the raw plays (random plays, resends and days)', async (t, store) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(recordArb, { minLength: 1, maxLength: 30 }).chain((pool) => fc.tuple(fc.constant(pool), fc.array(batchArb(pool.length), { minLength: 1, maxLength: 10 }))),
      fc.boolean(),
      async ([pool, batches], concurrently) => {
        await store.reset();
        const { log, reports, close } = await store.openAiring({ timeZone: ZONE });
        try {
          const records: PlayRecord[] = pool.map((r, i) => ({
            id: `play-${i}`, itemId: `item-${r.mediaId}`, mediaId: r.mediaId, hash: 'a'.repeat(64), manifestVersion: 'v1',
            startedAt: new Date(WINDOW_START + r.offsetMs).toISOString(),
            endedAt: new Date(WINDOW_START + r.offsetMs + r.durationMs).toISOString(),
            completed: r.completed,
          }));
          const send = (b: (typeof batches)[number]) => log.recordPlays(b.screenId, b.isProvisional, b.picks.map((i) => records[i]!));
          if (concurrently) await Promise.all(batches.map(send)); // one group commit
          else for (const b of batches) await send(b);
          const stored = await log.listPlays({ limit: 1_000_000 });
          const range = { fromDay: '2026-01-01', toDay: '2026-01-31' };
          const sort = (rows: RollupRow[]) => rows.sort((a, b) => [a.day, a.screenId, a.mediaId].join('|').localeCompare([b.day, b.screenId, b.mediaId].join('|')));
          t.same(sort(await reports.dailyRollups(range)), recount(stored, false));
          t.same(sort(await reports.dailyRollups({ ...range, provisional: true })), recount(stored, true));
          t.equal(new Set(stored.map((p) => p.id)).size, stored.length, 'each id stored once');
          t.same(await reports.verifyChain(), { ok: true, checked: stored.length }, 'and every stored play is chained once');
        } finally {
          await close();
        }
      },
    ),
    // A PostgreSQL run opens a pool and empties the tables: fewer runs keep the test's time alike.
    { numRuns: store.kind === 'embedded' ? 60 : 20 },
  );
});

forEachAiringStore(t, 'rollups: a hand-made day, and the screen filter', async (t, store) => {
  const { log, reports } = await store.openAiring({ timeZone: ZONE });
  const play = (id: string, startedAt: string, seconds: number, completed = true): PlayRecord => ({
    id, itemId: 'i', mediaId: 'm1', hash: 'a'.repeat(64), manifestVersion: 'v1', startedAt,
    endedAt: new Date(Date.parse(startedAt) + seconds * 1000).toISOString(), completed,
  });
  // 15:59:50 UTC is 23:59:50 in Shanghai on the 10th; 16:00:00 UTC is the 11th.
  await log.recordPlays('scr-a', false, [play('p1', '2026-01-10T15:59:50Z', 20), play('p2', '2026-01-10T16:00:00Z', 15, false)]);
  await log.recordPlays('scr-b', false, [play('p3', '2026-01-10T02:00:00Z', 10)]);
  await log.recordPlays('scr-a', false, [play('p1', '2026-01-10T15:59:50Z', 20)]); // a resend
  t.same(await reports.dailyRollups({ fromDay: '2026-01-10', toDay: '2026-01-11' }), [
    { day: '2026-01-10', screenId: 'scr-a', mediaId: 'm1', plays: 1, completed: 1, airtimeMs: 20_000 },
    { day: '2026-01-10', screenId: 'scr-b', mediaId: 'm1', plays: 1, completed: 1, airtimeMs: 10_000 },
    { day: '2026-01-11', screenId: 'scr-a', mediaId: 'm1', plays: 1, completed: 0, airtimeMs: 15_000 },
  ]);
  t.same(await reports.dailyRollups({ fromDay: '2026-01-11', toDay: '2026-01-11', screenIds: ['scr-b'] }), []);
});
