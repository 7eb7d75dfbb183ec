// Heartbeats are kept as online intervals: a real player socket heartbeats, pauses, comes back.
import Database from 'better-sqlite3';
import path from 'node:path';
import t from 'tap';
import { createAiringReports } from '../../server/storage/airing.reports.js';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { helloPlayer, startTestServer } from '../helper.js';

const BASE = Date.parse('2026-03-10T15:58:00Z'); // 23:58 in Shanghai: the second run crosses midnight

t.test('a heartbeating player that pauses makes two intervals; a restart within the gap continues the second', async (t) => {
  let now = BASE;
  const clock = { now: () => new Date(now) };
  const dataDir = t.testdir();
  const first = await startTestServer(t, { dataDir, offlineAfterMs: 90_000 }, { clock });
  const { player, welcome } = await helloPlayer(t, first.wsUrl);
  const beatAt = async (p: typeof player, offsetS: number) => {
    now = BASE + offsetS * 1000;
    p.send({ type: 'heartbeat', sentAt: new Date(now).toISOString(), airing: null, manifestVersion: null, uptimeMs: offsetS * 1000 });
    await p.next('heartbeat-ack');
  };
  for (const s of [0, 30, 60]) await beatAt(player, s);
  for (const s of [300, 330, 360]) await beatAt(player, s); // 4 minutes of silence: a new interval
  const screenId = welcome.screenId;
  t.equal(await first.app.crier.airingLog.countHeartbeats(screenId), 6, 'every heartbeat counted');
  const db = new Database(path.join(dataDir, 'airing.sqlite3'), { readonly: true });
  t.teardown(() => db.close());
  t.equal((db.prepare('SELECT count(*) AS n FROM online_intervals WHERE screen_id = ?').get(screenId) as { n: number }).n, 2, 'two rows, not six');
  await first.app.close();

  const second = await startTestServer(t, { dataDir, offlineAfterMs: 90_000 }, { clock });
  const again = await helloPlayer(t, second.wsUrl, { screenId });
  await beatAt(again.player, 400);
  const res = await second.app.inject({ url: `/api/v1/reports/online-history?screenId=${screenId}&from=2026-03-10T15:00:00Z&to=2026-03-10T17:00:00Z` });
  // Unclaimed screens are not in reports: read the store directly.
  t.equal(res.statusCode, 404);
  await second.app.crier.airingLog.flush();
  const reports = createAiringReports(dataDir, { timeZone: 'Asia/Shanghai' });
  t.teardown(() => reports.close());
  t.same(await reports.onlineIntervals(screenId, BASE - 60_000, BASE + 3_600_000), [
    { start: BASE, end: BASE + 60_000 },
    { start: BASE + 300_000, end: BASE + 400_000 },
  ]);
  // Local days: 2 min before Shanghai midnight on the 10th, the rest on the 11th.
  t.same(await reports.dailyOnline({ fromDay: '2026-03-10', toDay: '2026-03-11' }), [
    { day: '2026-03-10', screenId, onlineMs: 60_000 },
    { day: '2026-03-11', screenId, onlineMs: 100_000 },
  ]);
  t.same(await reports.dailyOnline({ fromDay: '2026-03-10', toDay: '2026-03-11', screenIds: ['scr-other'] }), []);
  t.equal((await second.app.crier.airingLog.lastHeartbeats()).get(screenId), new Date(BASE + 400_000).toISOString());
});

t.test('an old database with one row per heartbeat is migrated to intervals and health changes at open', async (t) => {
  const dir = t.testdir();
  const old = new Database(path.join(dir, 'airing.sqlite3'));
  old.exec(`CREATE TABLE heartbeats (screen_id TEXT NOT NULL, received_at INTEGER NOT NULL, sent_at INTEGER NOT NULL, manifest_version TEXT,
    item_id TEXT, media_id TEXT, uptime_ms INTEGER NOT NULL, details TEXT)`);
  const insert = old.prepare('INSERT INTO heartbeats VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)');
  for (const s of [0, 30, 60, 600, 630]) insert.run('scr-a', BASE + s * 1000, BASE + s * 1000, 'v1', s * 1000, s === 0 ? '{"playerVersion":"0.1"}' : null);
  insert.run('scr-b', BASE, BASE, 'v1', 0, null);
  old.close();
  const log = createAiringLog(dir, { onlineGapMs: 90_000 });
  t.teardown(() => log.close());
  const reports = createAiringReports(dir);
  t.teardown(() => reports.close());
  t.same(await reports.onlineIntervals('scr-a', 0, Number.MAX_SAFE_INTEGER), [
    { start: BASE, end: BASE + 60_000 },
    { start: BASE + 600_000, end: BASE + 630_000 },
  ]);
  t.equal(await log.countHeartbeats(), 6);
  t.equal((await log.latestHeartbeats()).get('scr-a')?.heartbeat.playerVersion, '0.1', 'the health report came along');
  t.equal((await log.lastHeartbeats()).get('scr-b'), new Date(BASE).toISOString());
  t.notOk(reports.db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'heartbeats'`).get(), 'the old table is gone');
});
