// No anonymous client can fill the disk or forge the record (issue 13.1): real WebSocket clients
// flood the gateway in bounded loops; what is stored stays within what a real player can produce.
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import t from 'tap';
import WebSocket from 'ws';
import { CLOSE_POLICY_VIOLATION } from '../../player/protocol.js';
import { PLAYER_WS_MAX_PAYLOAD } from '../../server/gateway/player.gateway.js';
import { CLOCK_SKEW_MS } from '../../server/gateway/play-limits.js';
import type { Clock } from '../../server/clock.js';
import { buildTestApp, connectPlayer, helloMessage, helloPlayer, sleep, startTestServer } from '../helper.js';

const HASH = 'a'.repeat(64);
const record = (startedAt: number, durationMs = 8000) => ({
  id: randomUUID(),
  itemId: 'item-1',
  mediaId: 'media-1',
  hash: HASH,
  manifestVersion: 'v1',
  startedAt: new Date(startedAt).toISOString(),
  endedAt: new Date(startedAt + durationMs).toISOString(),
  completed: true,
});
const batch = (n: number, at = Date.now() - 60_000) => Array.from({ length: n }, (_, i) => record(at + i));

/** Collects the server's log lines (pino JSON), to check what a flood leaves in it. */
function logCollector() {
  const lines: { level: number; msg: string; fault?: string }[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
  });
  return { stream, lines };
}

t.test('a flood of plays batches from an unclaimed screen stores no more than a player airs', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  let acked = 0;
  let retryAfter = 0;
  for (let i = 0; i < 40; i++) {
    player.send({ type: 'plays', records: batch(500) });
    const ack = await player.next('plays-ack');
    acked += ack.ids.length;
    retryAfter = ack.retryAfterMs ?? retryAfter;
  }
  const stored = await app.crier.airingLog.countPlays({ screenId: welcome.screenId });
  // A new screen has earned what it could air within the clock-skew allowance (10 min × 20 a minute).
  const allowance = (CLOCK_SKEW_MS / 60_000) * 20;
  t.ok(stored <= allowance + 5, `stored ${stored} of 20,000 (allowance ${allowance})`);
  t.ok(stored >= allowance - 5, 'a real backlog within the allowance is taken');
  t.equal(acked, stored, 'only what was stored is acknowledged: the rest is the player\'s to resend');
  t.ok(retryAfter > 0, 'and the ack says when to resend');
  t.equal(player.socket.readyState, WebSocket.OPEN, 'a player over its rate is not disconnected');
});

t.test('records from the future, from before the screen existed, or beyond an unclaimed screen\'s share are refused for good', async (t) => {
  const { app, wsUrl } = await startTestServer(t, { playLimits: { playsPerMinute: 10_000, unclaimedPlaysPerScreen: 10, unclaimedPlaysTotal: 15 } });
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const future = record(Date.parse('2099-01-01T00:00:00Z'));
  const early = record(Date.now() - 24 * 3_600_000);
  const good = batch(12);
  player.send({ type: 'plays', records: [future, early, ...good] });
  const ack = await player.next('plays-ack');
  t.same(ack.ids, [future, early, ...good].map((r) => r.id), 'every id may be forgotten: a refused record must not come back forever');
  t.same(ack.refused, [
    { id: future.id, reason: 'from-the-future' },
    { id: early.id, reason: 'before-screen-existed' },
    { id: good[10]!.id, reason: 'unclaimed-limit' },
    { id: good[11]!.id, reason: 'unclaimed-limit' },
  ]);
  t.equal(await app.crier.airingLog.countPlays({ screenId: welcome.screenId }), 10, 'the per-screen cap of an unclaimed screen');

  const second = await helloPlayer(t, wsUrl);
  const more = batch(10);
  second.player.send({ type: 'plays', records: more });
  const ack2 = await second.player.next('plays-ack');
  t.equal(ack2.refused?.length, 5, 'the total cap of unclaimed screens');
  t.equal(await app.crier.airingLog.countPlays({ isProvisional: true }), 15);
  second.player.send({ type: 'plays', records: more.slice(0, 5) });
  t.same((await second.player.next('plays-ack')).ids, more.slice(0, 5).map((r) => r.id), 'a resend is acknowledged (the player forgets it)');
  t.equal(await app.crier.airingLog.countPlays({ isProvisional: true }), 15, 'and stored once');
});

t.test('a backlog after time away is bounded by the time away', async (t) => {
  let now = Date.parse('2027-01-12T08:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const { app, wsUrl } = await startTestServer(t, {}, { clock });
  const { welcome } = await helloPlayer(t, wsUrl);
  now += 3_600_000; // an hour offline, then back with 2,000 records
  const back = await helloPlayer(t, wsUrl, { screenId: welcome.screenId });
  let stored = 0;
  for (let i = 0; i < 4; i++) {
    back.player.send({ type: 'plays', records: batch(500, now - 3_600_000 + i * 500) });
    stored += (await back.player.next('plays-ack')).ids.length;
  }
  const earned = ((3_600_000 + CLOCK_SKEW_MS) / 60_000) * 20;
  t.equal(stored, earned, `an hour and the skew allowance at 20 a minute: ${earned}`);
  t.equal(await app.crier.airingLog.countPlays({ screenId: welcome.screenId }), earned);
  now += 6 * 60_000;
  back.player.send({ type: 'plays', records: batch(500, now - 60_000) });
  t.equal((await back.player.next('plays-ack')).ids.length, 120, 'six more minutes earn 120 more');
});

t.test('after a restart, a screen\'s budget counts from its last stored play, not from its creation', async (t) => {
  let now = Date.parse('2027-01-12T08:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const dataDir = t.testdir();
  const first = await startTestServer(t, { dataDir }, { clock });
  const { player, welcome } = await helloPlayer(t, first.wsUrl);
  now += 24 * 3_600_000; // a day after the screen was made, one play stored
  player.send({ type: 'plays', records: [record(now - 60_000)] });
  t.equal((await player.next('plays-ack')).ids.length, 1);
  await first.app.close();

  now += 3_600_000; // an hour later the server starts again and the player resends a backlog of 2,000
  const second = await startTestServer(t, { dataDir }, { clock });
  const back = await helloPlayer(t, second.wsUrl, { screenId: welcome.screenId });
  let stored = 0;
  for (let i = 0; i < 4; i++) {
    back.player.send({ type: 'plays', records: batch(500, now - 3_600_000 + i * 500) });
    stored += (await back.player.next('plays-ack')).ids.length;
  }
  // Since the last play (an hour and a minute) and the skew allowance at 20 a minute; from its creation it would be all 2,000.
  const earned = ((3_600_000 + 60_000 + CLOCK_SKEW_MS) / 60_000) * 20;
  t.ok(Math.abs(stored - earned) <= 1, `stored ${stored}, earned ${earned}`);
});

t.test('heartbeats and frames per connection are paced; the log stays quiet', async (t) => {
  const log = logCollector();
  const { app, wsUrl } = await startTestServer(t, { logLevel: 'info' }, { logger: true, logStream: log.stream });
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const heartbeat = () => ({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1 });
  for (let i = 0; i < 50; i++) player.send(heartbeat());
  await sleep(200);
  t.equal(player.received.filter((m) => m.type === 'heartbeat-ack').length, 50, 'every heartbeat is answered (liveness)');
  await app.crier.airingLog.flush();
  t.equal(await app.crier.airingLog.countHeartbeats(welcome.screenId), 1, 'but one is stored per half interval');

  for (let i = 0; i < 100; i++) player.send(heartbeat());
  t.equal((await player.closed).code, CLOSE_POLICY_VIOLATION, 'a client far above a player\'s pace is closed');
  await app.crier.airingLog.flush();
  t.equal(await app.crier.airingLog.countHeartbeats(welcome.screenId), 1);

  // Oversized frames and garbage, over several connections.
  for (let i = 0; i < 5; i++) {
    const p = await connectPlayer(t, wsUrl);
    p.send(helloMessage());
    p.send('x'.repeat(PLAYER_WS_MAX_PAYLOAD + 1));
    t.equal((await p.closed).code, 1009);
    const q = await connectPlayer(t, wsUrl);
    for (let j = 0; j < 10; j++) q.send('not json');
    await q.closed;
  }
  await sleep(100);
  // The server's own health lines (first admin, event-loop lag on a busy machine) are not the client's doing.
  const loud = log.lines.filter((l) => l.level >= 40 && !/first admin|event loop lagging/.test(l.msg));
  t.same(loud, [], 'nothing at warn or error level');
  const faults = log.lines.filter((l) => l.fault);
  t.ok(faults.length <= 5 * 3 + 3, `one low-level line per connection and kind (${faults.length})`);
  t.ok(faults.every((l) => l.level <= 30), 'at info level or below');
});

t.test('reserved names are no ids: __proto__ and constructor are refused as screen ids', async (t) => {
  const app = await buildTestApp(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  for (const screenId of ['__proto__', 'constructor', 'prototype']) {
    const p = await connectPlayer(t, `ws://127.0.0.1:${port}/ws/player`);
    p.send(helloMessage({ screenId }));
    t.match(await p.next('error'), { reason: 'invalid-message', message: /reserved/ }, screenId);
  }
  t.notOk(app.crier.catalogue.read().screens.some((s) => ['__proto__', 'constructor', 'prototype'].includes(s.id)), 'no such screen was made');
  const res = await app.inject({ method: 'GET', url: '/api/v1/playlists/constructor' });
  t.equal(res.statusCode, 400, 'nor any other id the API takes');
});
