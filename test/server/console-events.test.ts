// /ws/console pushes job progress and change hints to open consoles, through a real socket.
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import t, { type Test } from 'tap';
import WebSocket from 'ws';
import type { ConsoleEvent } from '../../server/console/console.protocol.js';
import { ffmpeg, form } from '../media/fixtures/files.js';
import { adminHeaders, helloPlayer, startTestServer } from '../helper.js';

async function openConsole(t: Test, url: string, headers: Record<string, string>) {
  const socket = new WebSocket(url, { headers });
  const events: ConsoleEvent[] = [];
  socket.on('message', (data) => events.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  t.teardown(() => socket.close());
  const waitFor = async (test: (e: ConsoleEvent) => boolean, timeoutMs = 20_000) => {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      const found = events.find(test);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('console event did not arrive');
  };
  return { socket, events, waitFor };
}

t.test('a console hears about screens, catalogue changes and job progress', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const consoleUrl = wsUrl.replace('/ws/player', '/ws/console');
  const live = await openConsole(t, consoleUrl, await adminHeaders(app));

  await helloPlayer(t, wsUrl);
  await live.waitFor((e) => e.type === 'refresh' && e.topic === 'screens');

  // Not t.testdir(): that is the server's data directory, and asking again would empty it.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crier-console-events-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const wav = path.join(dir, 'tone.wav');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=550:sample_rate=44100', '-t', '2', wav]);
  const res = await app.inject({ method: 'POST', url: '/api/v1/media', ...form({ name: 'tone.wav', data: await readFile(wav) }, { title: '提示音' }) });
  t.equal(res.statusCode, 201, res.body);
  const mediaId = JSON.parse(res.body).id as string;
  const done = await live.waitFor((e) => e.type === 'job-updated' && e.job.mediaId === mediaId && e.job.state === 'done');
  t.equal(done.type === 'job-updated' && done.job.progress, 100);
  t.ok(live.events.some((e) => e.type === 'job-updated' && e.job.mediaId === mediaId && e.job.state !== 'done'), 'earlier states were pushed too');
  // Refresh hints are coalesced on a short timer, so the hint may follow the job's last event.
  t.ok(await live.waitFor((e) => e.type === 'refresh' && e.topic === 'catalogue'), 'the new media caused a catalogue refresh hint');

  live.socket.send('anything a console sends is ignored');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(live.socket.readyState, WebSocket.OPEN);
});

t.test('an airing frame reaches consoles at once (latest per screen, alerts as alerts); a bad one is refused; soundBlocked shows in the status', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const live = await openConsole(t, wsUrl.replace('/ws/player', '/ws/console'), await adminHeaders(app));
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text');
  const frame = (i: number, isAlert: boolean) => ({ type: 'airing', itemId: `item-${i}`, mediaId: slogans[i]!.id, startedAt: new Date(Date.now() + i).toISOString(), isAlert });
  // A burst: consoles get the latest only.
  for (let i = 0; i < 3; i++) player.send(frame(i, i === 2));
  const seen = await live.waitFor((e) => e.type === 'airing' && e.screenId === welcome.screenId);
  t.match(seen, { type: 'airing', screenId: welcome.screenId, itemId: 'item-2', mediaId: slogans[2]!.id, isAlert: true });
  await new Promise((r) => setTimeout(r, 400));
  t.equal(live.events.filter((e) => e.type === 'airing').length, 1, 'coalesced');
  const status = JSON.parse((await app.inject({ url: `/api/v1/screens/${welcome.screenId}` })).body).status;
  t.match(status, { airing: { itemId: 'item-2', mediaId: slogans[2]!.id }, isAlertAiring: true, soundBlocked: false });

  player.send({ type: 'airing', itemId: 'x', mediaId: slogans[0]!.id, startedAt: 'yesterday', isAlert: false });
  t.match(await player.next('error'), { reason: 'invalid-message' });

  player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1, soundBlocked: true });
  await player.next('heartbeat-ack');
  await live.waitFor((e) => e.type === 'refresh' && e.topic === 'screens');
  t.equal(JSON.parse((await app.inject({ url: `/api/v1/screens/${welcome.screenId}` })).body).status.soundBlocked, true, 'the console learns the sound is blocked');
});
