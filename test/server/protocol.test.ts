import { randomUUID } from 'node:crypto';
import t from 'tap';
import { CLOSE_POLICY_VIOLATION, CLOSE_PROTOCOL_VERSION } from '../../player/protocol.js';
import { MAX_VIOLATIONS } from '../../server/gateway/player.gateway.js';
import { connectPlayer, helloMessage, helloPlayer, sleep, startTestServer } from '../helper.js';

const playRecord = (manifestVersion: string, item: { id: string; mediaId: string; hash: string }) => ({
  id: randomUUID(),
  itemId: item.id,
  mediaId: item.mediaId,
  hash: item.hash,
  manifestVersion,
  startedAt: new Date(Date.now() - 8000).toISOString(),
  endedAt: new Date().toISOString(),
  completed: true,
});

t.test('hello without identity: provisional screen, welcome, then the default campaign', async (t) => {
  const { app, wsUrl } = await startTestServer(t, { heartbeatIntervalMs: 1500 });
  const { player, welcome } = await helloPlayer(t, wsUrl);
  t.match(welcome, { isProvisional: true, heartbeatIntervalMs: 1500, timeZone: 'Asia/Shanghai' });
  t.match(welcome.screenId, /^scr-[a-z0-9]{10}$/);
  const { manifest } = await player.next('manifest');
  t.equal(manifest.playlistId, app.crier.catalogue.read().defaultPlaylistId);
  t.equal(manifest.screenId, welcome.screenId);
  t.ok(app.crier.catalogue.read().screens.some((s) => s.id === welcome.screenId && s.isProvisional), 'the screen is in the catalogue');
});

t.test('a returning player keeps its id and is not resent a manifest it already has', async (t) => {
  const { wsUrl } = await startTestServer(t);
  const first = await helloPlayer(t, wsUrl);
  const { manifest } = await first.player.next('manifest');
  first.player.socket.close();
  const again = await helloPlayer(t, wsUrl, { screenId: first.welcome.screenId, manifestVersion: manifest.version });
  t.equal(again.welcome.screenId, first.welcome.screenId);
  await sleep(300);
  t.notOk(again.player.received.some((m) => m.type === 'manifest'), 'no manifest for an up-to-date player');
  const stale = await helloPlayer(t, wsUrl, { screenId: first.welcome.screenId, manifestVersion: 'old-version' });
  t.equal((await stale.player.next('manifest')).manifest.version, manifest.version, 'a stale player gets the current one');
});

t.test('heartbeats update live status and reach the airing log', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  const item = manifest.items[0]!;
  player.send({ type: 'manifest-applied', version: manifest.version });
  player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: { itemId: item.id, mediaId: item.mediaId, startedAt: new Date().toISOString() }, manifestVersion: manifest.version, uptimeMs: 1234 });
  t.match(await player.next('heartbeat-ack'), { serverTime: /^\d{4}-/ }, 'each heartbeat is answered');
  await sleep(100);
  const screen = app.crier.screens.get(welcome.screenId);
  t.match(screen.status, { isOnline: true, connections: 1, appliedManifestVersion: manifest.version, playerVersion: 'test-1', airing: { itemId: item.id, title: item.title } });
  t.equal(await app.crier.airingLog.countHeartbeats(welcome.screenId), 1);
  player.socket.close();
  await sleep(200);
  t.equal(app.crier.screens.get(welcome.screenId).status.isOnline, false, 'offline once the socket closes');
  t.not(app.crier.screens.get(welcome.screenId).status.lastHeartbeatAt, null, 'last heartbeat is kept');
});

t.test('play records are acknowledged after they are stored, and resends are harmless', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  const records = manifest.items.slice(0, 3).map((item) => playRecord(manifest.version, item));
  player.send({ type: 'plays', records });
  const ack = await player.next('plays-ack');
  t.same(ack.ids, records.map((r) => r.id));
  t.equal(await app.crier.airingLog.countPlays({ screenId: welcome.screenId }), 3, 'stored before the ack');
  player.send({ type: 'plays', records });
  t.same((await player.next('plays-ack')).ids, records.map((r) => r.id), 'a resend is acknowledged again');
  t.equal(await app.crier.airingLog.countPlays({}), 3, 'and stored once');
  t.equal((await app.crier.airingLog.listPlays({ limit: 1 }))[0]!.isProvisional, true, 'kept apart as a provisional screen play');
});

t.test('malformed frames get error frames; the connection survives a few', async (t) => {
  const { wsUrl } = await startTestServer(t);
  const { player } = await helloPlayer(t, wsUrl);
  await player.next('manifest');
  player.send('{"type":');
  t.equal((await player.next('error')).reason, 'invalid-json');
  player.send({ type: 'heartbeat', sentAt: 'yesterday', airing: null, manifestVersion: null, uptimeMs: 1 });
  const invalid = await player.next('error');
  t.equal(invalid.reason, 'invalid-message');
  t.match(invalid.message, /sentAt/);
  player.send({ type: 'plays', records: [{ id: 'not-a-uuid' }] });
  t.equal((await player.next('error')).reason, 'invalid-message');
  player.send(helloMessage());
  t.equal((await player.next('error')).reason, 'duplicate-hello');
  player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1 });
  await sleep(100);
  t.equal(player.socket.readyState, player.socket.OPEN, 'still open after 4 violations');
});

t.test(`repeated violations close the connection with a policy code; the server stays up`, async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const player = await connectPlayer(t, wsUrl);
  for (let i = 0; i < MAX_VIOLATIONS; i++) player.send(i % 2 ? 'garbage' : { type: 'no-such-type' });
  const closed = await player.closed;
  t.equal(closed.code, CLOSE_POLICY_VIOLATION);
  t.equal(player.received.filter((m) => m.type === 'error').length, MAX_VIOLATIONS);
  t.equal((await app.inject('/healthz')).statusCode, 200, 'server unharmed');
  await helloPlayer(t, wsUrl);
});

t.test('messages before hello are refused; a wrong protocol version is closed', async (t) => {
  const { wsUrl } = await startTestServer(t);
  const early = await connectPlayer(t, wsUrl);
  early.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1 });
  t.equal((await early.next('error')).reason, 'hello-required');
  const future = await connectPlayer(t, wsUrl);
  future.send(helloMessage({ protocol: 2 }));
  t.equal((await future.next('error')).reason, 'unsupported-protocol');
  t.equal((await future.closed).code, CLOSE_PROTOCOL_VERSION);
  const binary = await connectPlayer(t, wsUrl);
  binary.socket.send(Buffer.from([1, 2, 3]));
  t.equal((await binary.next('error')).reason, 'binary-frame');
});

t.test('a playlist change reaches affected players within a second, and only them', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const a = await helloPlayer(t, wsUrl);
  const b = await helloPlayer(t, wsUrl);
  const aFirst = (await a.player.next('manifest')).manifest;
  await b.player.next('manifest');
  // Screen B gets a playlist of its own; then the default campaign changes.
  const media = app.crier.catalogue.read().media;
  const own = await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: 'B 专用', items: [{ mediaId: media[0]!.id, durationMs: 4000 }] } });
  await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: JSON.parse(own.body).id, target: { kind: 'screens', screenIds: [b.welcome.screenId] } } });
  t.equal((await b.player.next('manifest', 1000)).manifest.playlistName, 'B 专用', 'B switched within a second');
  await sleep(100);
  t.notOk(a.player.received.filter((m) => m.type === 'manifest').length > 1, 'A was not disturbed');

  const defaultId = app.crier.catalogue.read().defaultPlaylistId!;
  const startedAt = Date.now();
  await app.inject({ method: 'PUT', url: `/api/v1/playlists/${defaultId}`, payload: { name: '默认宣传（更新）', items: [{ mediaId: media[1]!.id, durationMs: 3000 }] } });
  const next = (await a.player.next('manifest', 1000)).manifest;
  t.ok(Date.now() - startedAt < 1000, 'within one second');
  t.not(next.version, aFirst.version);
  t.equal(next.items.length, 1);
  await sleep(200);
  t.equal(b.player.received.filter((m) => m.type === 'manifest').length, 2, 'B, on its own playlist, got nothing new');
  a.player.send({ type: 'manifest-applied', version: next.version });
  await sleep(100);
  t.equal(app.crier.screens.get(a.welcome.screenId).status.appliedManifestVersion, next.version, 'the server knows which version A applied');
});

t.test('commands reach every connection of the screen', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const res = await app.inject({ method: 'POST', url: `/api/v1/screens/${welcome.screenId}/commands`, payload: { command: 'identify' } });
  t.equal(res.statusCode, 202);
  t.equal(JSON.parse(res.body).delivered, 1);
  const command = await player.next('command');
  t.equal(command.command, 'identify');
  t.equal(command.id, JSON.parse(res.body).commandId);
});
