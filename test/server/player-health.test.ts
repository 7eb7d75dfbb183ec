// Heartbeats and play records of the offline-first player (protocol v1.1 fields, all optional): the
// live status shows what each screen reported, play records keep their planned start, outcome and
// clock offset, an older airing log gains the new columns on open, and older players still validate.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import t from 'tap';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { buildTestApp, helloPlayer, sleep, startTestServer } from '../helper.js';

const HASH = 'b'.repeat(64);

function healthBeat(manifestVersion: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'heartbeat',
    sentAt: new Date().toISOString(),
    airing: null,
    manifestVersion,
    uptimeMs: 65_000,
    playerVersion: '0.2.0',
    segment: { key: 'default#x', source: 'default' },
    cache: { items: 3, itemsTotal: 4, bytes: 3_000_000, bytesTotal: 4_100_000 },
    storage: { usage: 5_000_000, quota: 2_000_000_000 },
    clockOffsetMs: -40_012,
    roundTripMs: 4,
    pendingPlays: 2,
    errors: [{ at: new Date().toISOString(), kind: 'item-failed', itemId: 'item-1', message: 'cannot load /media/x.mp4' }],
    ...extra,
  };
}

t.test('a heartbeat reports the player\'s health; the screens API shows the latest, and the ack echoes its sentAt', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  const beat = healthBeat(manifest.version);
  player.send(beat);
  t.match(await player.next('heartbeat-ack'), { echo: beat.sentAt }, 'the ack names the heartbeat it answers');
  const res = await app.inject({ url: `/api/v1/screens/${welcome.screenId}` });
  t.equal(res.statusCode, 200);
  const health = JSON.parse(res.body).status.health;
  t.match(health, {
    playerVersion: '0.2.0',
    manifestVersion: manifest.version,
    segment: { key: 'default#x', source: 'default' },
    uptimeMs: 65_000,
    cache: { items: 3, itemsTotal: 4, bytes: 3_000_000, bytesTotal: 4_100_000 },
    storage: { usage: 5_000_000, quota: 2_000_000_000 },
    clockOffsetMs: -40_012,
    roundTripMs: 4,
    pendingPlays: 2,
    errors: [{ kind: 'item-failed', itemId: 'item-1' }],
  });

  // The next heartbeat has no errors: the latest shows none, the recent ones keep it for the console.
  player.send(healthBeat(manifest.version, { errors: [] }));
  await player.next('heartbeat-ack');
  const list = JSON.parse((await app.inject({ url: '/api/v1/screens' })).body) as { id: string; status: { health: { errors: unknown[]; recentErrors: unknown[] } } }[];
  const mine = list.find((s) => s.id === welcome.screenId)!;
  t.same(mine.status.health.errors, []);
  t.equal(mine.status.health.recentErrors.length, 1);
});

t.test('an older player\'s heartbeat (no health fields) is still accepted; a malformed health field is refused and stores nothing', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: manifest.version, uptimeMs: 10 });
  await player.next('heartbeat-ack');
  t.match(app.crier.screens.get(welcome.screenId).status.health, { playerVersion: null, cache: null, errors: [] });
  const before = await app.crier.airingLog.countHeartbeats(welcome.screenId);
  player.send(healthBeat(manifest.version, { cache: { items: -1, itemsTotal: 4, bytes: 0, bytesTotal: 0 } }));
  t.match(await player.next('error'), { reason: 'invalid-message', message: /cache\.items/ });
  await sleep(50);
  t.equal(await app.crier.airingLog.countHeartbeats(welcome.screenId), before, 'nothing stored');
});

t.test('play records keep planned start, outcome and clock offset; older records store nulls', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  const item = manifest.items[0]!;
  const start = Date.now() - 8000;
  const base = { itemId: item.id, mediaId: item.mediaId, hash: item.hash, manifestVersion: manifest.version, startedAt: new Date(start).toISOString(), endedAt: new Date(start + 5000).toISOString() };
  const rich = { ...base, id: randomUUID(), completed: false, plannedStartedAt: new Date(start - 40).toISOString(), outcome: 'lost', clockOffsetMs: -40_000 };
  const old = { ...base, id: randomUUID(), completed: true };
  player.send({ type: 'plays', records: [rich, old] });
  await player.next('plays-ack');
  const res = await app.inject({ url: `/api/v1/plays?screenId=${welcome.screenId}` });
  const records = JSON.parse(res.body).records as Record<string, unknown>[];
  t.match(records.find((r) => r.id === rich.id), { plannedStartedAt: rich.plannedStartedAt, outcome: 'lost', clockOffsetMs: -40_000, completed: false });
  t.match(records.find((r) => r.id === old.id), { plannedStartedAt: null, outcome: null, clockOffsetMs: null, completed: true });
  player.send({ type: 'plays', records: [{ ...rich, id: randomUUID(), outcome: 'exploded' }] });
  t.match(await player.next('error'), { reason: 'invalid-message' }, 'an unknown outcome is refused');
});

t.test('an airing log from before these fields gains its columns on open and keeps its rows', async (t) => {
  const dir = t.testdir();
  const db = new Database(path.join(dir, 'airing.sqlite3'));
  // The first release's schema, with one play and one heartbeat in it.
  db.exec(`CREATE TABLE plays (id TEXT PRIMARY KEY, screen_id TEXT NOT NULL, item_id TEXT NOT NULL, media_id TEXT NOT NULL, hash TEXT NOT NULL,
    manifest_version TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, completed INTEGER NOT NULL, received_at INTEGER NOT NULL,
    is_provisional INTEGER NOT NULL);
    CREATE TABLE heartbeats (screen_id TEXT NOT NULL, received_at INTEGER NOT NULL, sent_at INTEGER NOT NULL, manifest_version TEXT,
    item_id TEXT, media_id TEXT, uptime_ms INTEGER NOT NULL);`);
  const oldId = randomUUID();
  db.prepare('INSERT INTO plays VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(oldId, 'scr-old', 'i', 'm', HASH, 'v', 1000, 2000, 1, 3000, 0);
  db.prepare('INSERT INTO heartbeats VALUES (?, ?, ?, ?, ?, ?, ?)').run('scr-old', 3000, 3000, 'v', null, null, 5);
  db.close();

  const log = createAiringLog(dir);
  t.match(await log.listPlays({ limit: 10 }), [{ id: oldId, plannedStartedAt: null, outcome: null, clockOffsetMs: null }], 'the old row reads with nulls');
  const newId = randomUUID();
  await log.recordPlays('scr-old', false, [
    { id: newId, itemId: 'i', mediaId: 'm', hash: HASH, manifestVersion: 'v', startedAt: new Date(5000).toISOString(), endedAt: new Date(6000).toISOString(), completed: false, outcome: 'cut', plannedStartedAt: new Date(4990).toISOString(), clockOffsetMs: 7 },
  ]);
  t.match(await log.listPlays({ limit: 1 }), [{ id: newId, outcome: 'cut', clockOffsetMs: 7 }]);
  await log.close();
  const again = createAiringLog(dir);
  t.equal(await again.countPlays({}), 2, 'opening twice migrates nothing twice');
  await again.close();
});

t.test('the latest health report survives a server restart', async (t) => {
  const dataDir = t.testdir();
  const first = await startTestServer(t, { dataDir });
  const { player, welcome } = await helloPlayer(t, first.wsUrl);
  const { manifest } = await player.next('manifest');
  player.send(healthBeat(manifest.version));
  await player.next('heartbeat-ack');
  await first.app.close();
  const second = await buildTestApp(t, { dataDir });
  const status = second.crier.screens.get(welcome.screenId).status;
  t.equal(status.isOnline, false);
  t.match(status.health, { playerVersion: '0.2.0', cache: { items: 3, itemsTotal: 4 }, manifestVersion: manifest.version });
});
