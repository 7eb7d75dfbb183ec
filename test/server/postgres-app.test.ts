// The whole server on PostgreSQL (CRIER_DATABASE_URL): sign-in, a claim and a schedule change, then a
// restart on the same database finds them all, while the data dir holds no store file the database
// keeps. Skips without CRIER_TEST_DATABASE_URL (fails under CRIER_REQUIRE_SERVICES=1).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { helloPlayer, injectRaw, startTestServer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';
import { createTestDatabase, pgSkipReason } from '../stores.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('on PostgreSQL: login, a claim and a schedule change survive a restart', { skip: pgSkipReason() }, async (t) => {
  const databaseUrl = await createTestDatabase(t);
  const dataDir = t.testdir();
  const first = await startTestServer(t, { dataDir, databaseUrl }); // signs in through the real login route
  t.equal(first.app.crier.catalogue.version() > 0, true, 'the default campaign was committed to the database');
  const wrong = await injectRaw(first.app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'not-the-password' } });
  t.equal(wrong.statusCode, 401, 'a wrong password is refused');

  const { player, welcome } = await helloPlayer(t, first.wsUrl);
  const siteId = await placeSite(first.app, '城关镇', '政府大厅', '机关');
  const claim = await first.app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: '城关镇政府大厅', siteId } });
  t.equal(claim.statusCode, 200, claim.body);
  const { token } = await player.next('paired');
  const playlistId = first.app.crier.catalogue.read().defaultPlaylistId;
  const schedule = await first.app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId, target: { kind: 'screens', screenIds: [welcome.screenId] }, priority: 7 } });
  t.equal(schedule.statusCode, 201, schedule.body);
  const scheduleId = json(schedule).id as string;
  player.socket.close();
  await player.closed;
  await first.app.close();

  const files = await readdir(dataDir);
  for (const name of ['catalogue.json', 'catalogue.journal', 'accounts.sqlite3', 'audit.sqlite3', 'airing.sqlite3', 'pairing.sqlite3', 'reports.sqlite3']) t.notOk(files.includes(name), `no ${name} in the data dir`);

  const second = await startTestServer(t, { dataDir, databaseUrl });
  const screens = json(await second.app.inject('/api/v1/screens')) as { id: string; name: string; isProvisional: boolean }[];
  t.match(screens.find((s) => s.id === welcome.screenId), { name: '城关镇政府大厅', isProvisional: false }, 'the claimed screen is there');
  const schedules = json(await second.app.inject('/api/v1/schedules')) as { id: string; priority: number }[];
  t.match(schedules.find((s) => s.id === scheduleId), { priority: 7 }, 'and the schedule change');
  t.equal(second.app.crier.catalogue.read().media.filter((m) => m.id.startsWith('media-')).length, first.app.crier.catalogue.read().media.length, 'the campaign was not seeded twice');
  const back = await helloPlayer(t, second.wsUrl, { screenId: welcome.screenId, token });
  t.match(back.welcome, { screenId: welcome.screenId, screenName: '城关镇政府大厅', isProvisional: false }, 'the player\'s token still opens the door');
  const audit = json(await second.app.inject(`/api/v1/audit?entity=screen&entityId=${welcome.screenId}`)) as { entries?: unknown[] } | unknown[];
  t.match(JSON.stringify(audit), welcome.screenId, 'the claim is in the audit trail');
});

t.test('two nodes on one database, no Redis: a change made on A reaches a player on B (NOTIFY, sync, republish)', { skip: pgSkipReason() }, async (t) => {
  const databaseUrl = await createTestDatabase(t);
  const dir = t.testdir();
  const a = await startTestServer(t, { dataDir: path.join(dir, 'a'), databaseUrl });
  const b = await startTestServer(t, { dataDir: path.join(dir, 'b'), databaseUrl });
  const { player } = await helloPlayer(t, b.wsUrl);
  const before = await player.next('manifest');
  const defaultId = a.app.crier.catalogue.read().defaultPlaylistId!;
  const playlist = json(await a.app.inject(`/api/v1/playlists/${defaultId}`)) as { name: string; items: { mediaId: string; durationMs?: number }[] };
  const items = playlist.items.slice(0, 2).map(({ mediaId, durationMs }) => ({ mediaId, durationMs: durationMs ?? 8000 }));
  const put = await a.app.inject({ method: 'PUT', url: `/api/v1/playlists/${defaultId}`, payload: { name: playlist.name, items } });
  t.equal(put.statusCode, 200, put.body);
  const after = await player.next('manifest');
  t.not(after.manifest.version, before.manifest.version, 'b pushed a new manifest to its own player');
  t.equal(after.manifest.items.length, 2, 'with a\'s change');
  t.equal(b.app.crier.catalogue.version(), a.app.crier.catalogue.version(), 'b caught up with a\'s commit');
  t.equal(b.app.crier.catalogue.read().playlists.find((p) => p.id === defaultId)!.items.length, 2);
});
