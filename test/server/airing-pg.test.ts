// What only the PostgreSQL airing log has to show: two nodes writing one screen keep one chain, plays
// go to month partitions made as needed, and retention drops a month it emptied. The contract shared
// with SQLite is tested on both in storage.test.ts and test/proof/.
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { onPostgres } from '../airing-stores.js';
import { buildTestApp } from '../helper.js';

const play = (id: string, startedAt: string): PlayRecord => ({
  id, itemId: 'i1', mediaId: 'm1', hash: 'a'.repeat(64), manifestVersion: 'v1',
  startedAt, endedAt: new Date(Date.parse(startedAt) + 10_000).toISOString(), completed: true,
});
const minute = (n: number) => new Date(Date.parse('2026-01-10T02:00:00Z') + n * 60_000).toISOString();

onPostgres(t, 'two nodes writing one screen at once keep one chain: each id once, seqs without gaps', async (t, store) => {
  const a = await store.openAiring();
  const b = await store.openAiring();
  await a.log.recordPlays('scr-x', false, [play('p0', minute(0))]); // the screen's chain exists before the race
  // Interleaved batches on both nodes, with ids resent across nodes.
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const node = i % 2 ? a : b;
    if (i % 10 === 0) await new Promise((r) => setImmediate(r)); // several transactions per node, not one each
    writes.push(node.log.recordPlays('scr-x', false, [play(`p${i}`, minute(i)), play(`p${Math.max(0, i - 1)}`, minute(Math.max(0, i - 1)))]));
  }
  await Promise.all(writes);
  const db = await store.raw();
  const seqs = (await db.all<{ seq: number }>(`SELECT seq FROM plays WHERE screen_id = 'scr-x' ORDER BY seq`)).map((r) => r.seq);
  t.same(seqs, Array.from({ length: 40 }, (_, i) => i + 1), '40 records, seq 1…40');
  t.same(await a.reports.verifyChain(), { ok: true, checked: 40 }, 'the chain verifies');
  t.same((await b.reports.dailyRollups({ fromDay: '2026-01-10', toDay: '2026-01-10' })).map((r) => r.plays), [40], 'and the rollup counts each once');
});

onPostgres(t, 'plays go to month partitions made as needed; retention drops a month it emptied and keeps rollups and the anchor', async (t, store) => {
  const { log, reports } = await store.openAiring();
  await log.recordPlays('scr-m', false, [play('jan', '2026-01-10T02:00:00Z'), play('mar', '2026-03-10T02:00:00Z')]);
  const db = await store.raw();
  const partitions = async () =>
    (await db.all<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'plays'::regclass`)).map((r) => r.name);
  t.ok((await partitions()).includes('plays_2026_01'), 'January made');
  t.ok((await partitions()).includes('plays_2026_03'), 'March made');
  t.notOk((await partitions()).includes('plays_2026_02'), 'February not (nothing started then)');
  const [jan] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM plays_2026_01`);
  t.equal(jan!.n, 1, 'the January play is in January');

  await new Promise((r) => setTimeout(r, 5));
  await log.recordPlays('scr-m', false, [play('later', '2026-03-11T02:00:00Z')]);
  // Cut-off between the first batch's receipt and the second's: January's play and March's first go.
  const [{ received } = { received: 0 }] = await db.all<{ received: number }>(`SELECT received_at AS received FROM plays WHERE id = 'later'`);
  t.same(await log.prune(new Date(received), 0), { plays: 2, intervals: 0 });
  t.notOk((await partitions()).includes('plays_2026_01'), 'January, emptied and wholly before the cut-off, is dropped');
  t.ok((await partitions()).includes('plays_2026_03'), 'March still holds a play');
  t.same(await reports.verifyChain(), { ok: true, checked: 1 }, 'the chain verifies from its anchor');
  t.same((await reports.dailyRollups({ fromDay: '2026-01-01', toDay: '2026-03-31' })).map((r) => [r.day, r.plays]), [['2026-01-10', 1], ['2026-03-10', 1], ['2026-03-11', 1]], 'rollups keep every play');
  t.same(await log.recordPlays('scr-m', false, [play('jan', '2026-01-10T02:00:00Z')]), { inserted: 1 }, 'a pruned id is new again (as in SQLite), and its month is made again');
  t.same(await reports.verifyChain(), { ok: true, checked: 2 });
});

onPostgres(t, 'the server on CRIER_DATABASE_URL keeps its airing log there: plays, daily report, live chain check, export', async (t, store) => {
  const app = await buildTestApp(t, { databaseUrl: store.databaseUrl, timeZone: 'Asia/Shanghai' });
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-a', name: 'scr-a', isProvisional: false, township: '城关镇', groups: [], createdAt: '2026-01-01T00:00:00.000Z' });
  });
  await app.crier.airingLog.recordPlays('scr-a', false, [play('a1', '2026-01-10T03:00:00Z'), play('a2', '2026-01-10T04:00:00Z')]);
  const db = await store.raw();
  t.same((await db.all<{ id: string }>('SELECT id FROM plays ORDER BY id')).map((r) => r.id), ['a1', 'a2'], 'the rows are in PostgreSQL');
  const plays = await app.inject({ url: '/api/v1/plays?screenId=scr-a' });
  t.match(JSON.parse(plays.body), { total: 2, totals: { claimed: 2, unclaimed: 0 } });
  const daily = await app.inject({ url: '/api/v1/reports/plays-per-day?from=2026-01-10&to=2026-01-10' });
  t.equal(daily.statusCode, 200, daily.body);
  t.match(JSON.parse(daily.body), { rows: [{ screenId: 'scr-a', day: '2026-01-10', plays: 2, completed: 2, seconds: 20 }] }, 'from the rollups');
  const verify = await app.inject({ url: '/api/v1/proof/verify' });
  t.match(JSON.parse(verify.body), { ok: true, checked: 2 });
  const exported = await app.inject({ url: '/api/v1/proof/export?from=2026-01-10&to=2026-01-10' });
  t.equal(exported.statusCode, 200, 'exports come from PostgreSQL too (test/proof/export.test.ts runs them on both stores)');
  t.same(exported.body.trim().split('\n').slice(1).map((l) => JSON.parse(l).id), ['a1', 'a2']);
});
