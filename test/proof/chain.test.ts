// The hash chain names the first record changed, inserted or removed directly in the store's tables
// (SQLite or PostgreSQL), and stays verifiable after retention pruned the oldest records.
import Database from 'better-sqlite3';
import path from 'node:path';
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { createAiringReports } from '../../server/storage/airing.reports.js';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { chainHash } from '../../server/storage/play-chain.js';
import { forEachAiringStore, type AiringBackend } from '../airing-stores.js';

const play = (id: string, minute: number): PlayRecord => ({
  id, itemId: 'i1', mediaId: 'm1', hash: 'a'.repeat(64), manifestVersion: 'v1',
  startedAt: new Date(Date.parse('2026-01-10T02:00:00Z') + minute * 60_000).toISOString(),
  endedAt: new Date(Date.parse('2026-01-10T02:00:10Z') + minute * 60_000).toISOString(),
  completed: true,
});

/** A store with two screens of five plays each (p1…p5 on scr-a); returns a writable handle to tamper with. */
async function storeWithPlays(store: AiringBackend) {
  const { log, reports } = await store.openAiring();
  await log.recordPlays('scr-a', false, [1, 2, 3].map((n) => play(`p${n}`, n)));
  await log.recordPlays('scr-b', false, [1, 2, 3, 4, 5].map((n) => play(`b${n}`, n)));
  await log.recordPlays('scr-a', false, [play('p3', 3), play('p4', 4), play('p5', 5)]); // p3 resent: not chained twice
  await log.flush();
  return { db: await store.raw(), verify: (screenId?: string) => reports.verifyChain(screenId) };
}

forEachAiringStore(t, 'an untouched store verifies', async (t, store) => {
  const { verify, db } = await storeWithPlays(store);
  t.same(await verify(), { ok: true, checked: 10 });
  t.same((await db.all<{ seq: number }>(`SELECT seq FROM plays WHERE screen_id = 'scr-a' ORDER BY seq`)).map((r) => r.seq), [1, 2, 3, 4, 5], 'the resend took no seq');
});

t.test('links are stored as 32-byte BLOBs; a store whose older rows hold hex text goes on chaining and verifies', async (t) => {
  const dir = t.testdir();
  const first = createAiringLog(dir);
  await first.recordPlays('scr-a', false, [1, 2, 3, 4, 5].map((n) => play(`p${n}`, n)));
  await first.close();
  const db = new Database(path.join(dir, 'airing.sqlite3'));
  t.teardown(() => db.close());
  t.same(db.prepare(`SELECT DISTINCT typeof(prev_hash) || ' ' || length(record_hash) FROM plays`).pluck().all(), ['blob 32']);
  // The first release of the chain wrote hex: turn scr-a's rows back into that, then write after them.
  db.prepare(`UPDATE plays SET prev_hash = lower(hex(prev_hash)), record_hash = lower(hex(record_hash)) WHERE screen_id = 'scr-a'`).run();
  const log = createAiringLog(dir);
  t.same(await log.recordPlays('scr-a', false, [play('p6', 6)]), { inserted: 1 });
  const [last, before] = await log.listPlays({ screenId: 'scr-a', limit: 2 });
  t.equal(last!.prevHash, before!.recordHash, 'hex on the way out');
  await log.close();
  const reports = createAiringReports(dir);
  t.teardown(() => reports.close());
  t.same(await reports.verifyChain(), { ok: true, checked: 6 });
});

forEachAiringStore(t, 'a field changed in the table is named: screen, seq, play id, kind', async (t, store) => {
  const { verify, db } = await storeWithPlays(store);
  await db.run(`UPDATE plays SET completed = 0 WHERE id = 'p3'`);
  t.same(await verify(), { ok: false, checked: 2, firstBad: { screenId: 'scr-a', seq: 3, playId: 'p3', kind: 'changed' } });
  t.same(await verify('scr-b'), { ok: true, checked: 5 }, 'the other screen is intact');
});

forEachAiringStore(t, 'a record changed with its own hash recomputed is still caught (the next one links to the old)', async (t, store) => {
  const { verify, db } = await storeWithPlays(store);
  const [row] = await db.all<Parameters<typeof chainHash>[0] & { prev_hash: Buffer }>(`SELECT * FROM plays WHERE id = 'p2'`);
  const forged = { ...row!, ended_at: row!.ended_at + 60_000 };
  await db.run(`UPDATE plays SET ended_at = ?, record_hash = ? WHERE id = 'p2'`, forged.ended_at, Buffer.from(chainHash(forged, row!.prev_hash.toString('hex')), 'hex'));
  t.match(await verify('scr-a'), { ok: false, firstBad: { screenId: 'scr-a', seq: 2, playId: 'p2', kind: 'changed' } });
});

forEachAiringStore(t, 'a record inserted in the table is named as inserted', async (t, store) => {
  const { verify, db } = await storeWithPlays(store);
  const [p2] = await db.all(`SELECT * FROM plays WHERE id = 'p2'`);
  // Made room for it by moving the later records up, as someone hiding the insertion would.
  await db.run(`UPDATE plays SET seq = seq + 1 WHERE screen_id = 'scr-a' AND seq >= 3`);
  await db.run(`INSERT INTO plays (${Object.keys(p2!).join(', ')}) VALUES (${Object.keys(p2!).map(() => '?').join(', ')})`,
    ...Object.values({ ...p2, id: 'forged', seq: 3, prev_hash: p2!.record_hash, record_hash: 'f'.repeat(64) }));
  t.match(await verify('scr-a'), { ok: false, firstBad: { screenId: 'scr-a', seq: 3, playId: 'forged', kind: 'inserted' } });
});

forEachAiringStore(t, 'an inserted record without chain columns is named as inserted', async (t, store) => {
  const { verify, db } = await storeWithPlays(store);
  const at = Date.parse('2026-01-10T03:00:00Z');
  await db.run(`INSERT INTO plays (id, screen_id, item_id, media_id, hash, manifest_version, started_at, ended_at, completed, received_at, is_provisional)
    VALUES ('naive', 'scr-b', 'i', 'm', 'h', 'v', ?, ?, 1, 0, 0)`, at, at + 1);
  t.match(await verify(), { ok: false, firstBad: { screenId: 'scr-b', playId: 'naive', kind: 'inserted' } });
});

forEachAiringStore(t, 'a record deleted from the table is named as removed, in the middle or at the end', async (t, store) => {
  const { verify, db } = await storeWithPlays(store);
  await db.run(`DELETE FROM plays WHERE id = 'b5'`);
  t.same(await verify('scr-b'), { ok: false, checked: 4, firstBad: { screenId: 'scr-b', seq: 5, playId: null, kind: 'removed' } }, 'the last one');
  await db.run(`DELETE FROM plays WHERE id = 'p2'`);
  t.same(await verify(), { ok: false, checked: 1, firstBad: { screenId: 'scr-a', seq: 2, playId: 'p3', kind: 'removed' } }, 'one in the middle: named by the record after the gap');
});

forEachAiringStore(t, 'retention prunes old raw records and keeps rollups; the chain still verifies from its anchor', async (t, store) => {
  const { log, reports } = await store.openAiring();
  await log.recordPlays('scr-a', false, [1, 2, 3].map((n) => play(`p${n}`, n)));
  const cutoffNow = new Date(Date.now() + 1); // everything so far was received before this
  await new Promise((r) => setTimeout(r, 5));
  await log.recordPlays('scr-a', false, [4, 5].map((n) => play(`p${n}`, n)));
  log.recordHeartbeat('scr-a', { type: 'heartbeat', sentAt: '2025-01-01T00:00:00Z', airing: null, manifestVersion: null, uptimeMs: 1 }, new Date('2025-01-01T00:00:00Z'));
  log.recordHeartbeat('scr-a', { type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1 }, new Date());
  const pruned = await log.prune(cutoffNow, 0);
  t.same(pruned, { plays: 3, intervals: 1 });
  t.same((await log.listPlays({ limit: 10 })).map((p) => p.id).sort(), ['p4', 'p5']);
  t.same(await log.prune(cutoffNow, 0), { plays: 0, intervals: 0 }, 'a second run finds nothing more');
  t.same(await reports.verifyChain(), { ok: true, checked: 2 }, 'verifies from the anchor');
  t.same(await reports.dailyRollups({ fromDay: '2026-01-10', toDay: '2026-01-10' }), [{ day: '2026-01-10', screenId: 'scr-a', mediaId: 'm1', plays: 5, completed: 5, airtimeMs: 50_000 }], 'rollups keep all five');
  await log.recordPlays('scr-a', false, [play('p6', 6)]);
  t.same(await reports.verifyChain(), { ok: true, checked: 3 }, 'and the chain goes on');
  await log.flush();
  const db = await store.raw();
  await db.run(`DELETE FROM plays WHERE id = 'p4'`);
  t.match(await reports.verifyChain(), { ok: false, firstBad: { seq: 4, kind: 'removed', playId: 'p5' } }, 'a removal right after the anchor is caught');
});

t.test('plays of a database from before the chain are chained and rolled up at open', async (t) => {
  const dir = t.testdir();
  const old = new Database(path.join(dir, 'airing.sqlite3'));
  old.exec(`CREATE TABLE plays (id TEXT PRIMARY KEY, screen_id TEXT NOT NULL, item_id TEXT NOT NULL, media_id TEXT NOT NULL, hash TEXT NOT NULL,
    manifest_version TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, completed INTEGER NOT NULL, received_at INTEGER NOT NULL,
    is_provisional INTEGER NOT NULL)`);
  const insert = old.prepare('INSERT INTO plays VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const [i, id] of ['o1', 'o2', 'o3'].entries()) insert.run(id, 'scr-old', 'i', 'm1', 'h', 'v', Date.parse('2026-01-10T02:00:00Z') + i * 1000, Date.parse('2026-01-10T02:00:10Z') + i * 1000, 1, i, 0);
  old.close();
  const log = createAiringLog(dir);
  await log.recordPlays('scr-old', false, [play('new', 9)]);
  await log.close();
  const reports = createAiringReports(dir);
  t.teardown(() => reports.close());
  t.same(await reports.verifyChain(), { ok: true, checked: 4 });
  t.same((await reports.dailyRollups({ fromDay: '2026-01-10', toDay: '2026-01-10' })).map((r) => r.plays), [4]);
});
