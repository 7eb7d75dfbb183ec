// GET /metrics (issue 13.9): Prometheus text, for an admin's session or the scraper's token only;
// players connected, manifests pushed, plays acknowledged, media jobs and their durations, event-loop lag.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildTestApp, helloPlayer, injectRaw, signInAs, startTestServer } from '../helper.js';
import { ffmpeg, upload, waitSettled } from '../media/fixtures/files.js';

const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

t.test('only an admin session or the metrics token reads /metrics', async (t) => {
  const token = 'scrape-token-0123456789abcdef';
  const app = await buildTestApp(t, { metricsToken: token });
  t.equal((await injectRaw(app)({ url: '/metrics' })).statusCode, 401, 'anonymous');
  t.equal((await injectRaw(app)({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode, 401, 'a wrong token');
  t.equal((await injectRaw(app)({ url: '/metrics', headers: (await signInAs(app, 'viewer')).headers })).statusCode, 403, 'a viewer');
  const scraped = await injectRaw(app)({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  t.equal(scraped.statusCode, 200, 'the scraper');
  t.match(scraped.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const admin = await app.inject({ url: '/metrics' });
  t.equal(admin.statusCode, 200, 'an admin');
  t.match(admin.body, /^crier_nodejs_eventloop_lag_seconds \d/m, 'event-loop lag');
  t.match(admin.body, /^crier_process_resident_memory_bytes \d/m, 'memory');
});

t.test('players, manifests, plays and media jobs are counted', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  const item = manifest.items[0]!;
  const records = [0, 1, 2].map((i) => ({
    id: randomUUID(), itemId: item.id, mediaId: item.mediaId, hash: item.hash, manifestVersion: manifest.version,
    startedAt: new Date(Date.now() - 30_000 + i * 8000).toISOString(), endedAt: new Date(Date.now() - 22_000 + i * 8000).toISOString(), completed: true,
  }));
  const future = { ...records[0]!, id: randomUUID(), startedAt: '2099-01-01T00:00:00.000Z', endedAt: '2099-01-01T00:00:08.000Z' };
  player.send({ type: 'plays', records: [...records, future] });
  await player.next('plays-ack');
  // Not t.testdir(): the server's data dir is already the test dir, and a second call would empty it.
  const audioFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'crier-metrics-')), 'tone.wav');
  t.teardown(() => rmSync(path.dirname(audioFile), { recursive: true, force: true }));
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', audioFile]);
  const { body } = await upload(app, { name: 'tone.wav', data: await readFile(audioFile) });
  await waitSettled(app, body.id);
  // The job's duration is observed when its last event is sent, which may follow the media's settling.
  let text = '';
  for (let i = 0; i < 50; i++) {
    text = (await app.inject({ url: '/metrics' })).body;
    if (value(text, 'crier_media_job_duration_seconds_count{kind="audio",outcome="done"}') === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(value(text, 'crier_players_connected{mode="screen"}'), 1);
  t.equal(value(text, 'crier_manifests_pushed_total'), 1);
  t.equal(value(text, 'crier_plays_acknowledged_total{outcome="stored"}'), 3);
  t.equal(value(text, 'crier_plays_acknowledged_total{outcome="refused"}'), 1);
  t.equal(value(text, 'crier_media_jobs{state="queued"}'), 0);
  t.equal(value(text, 'crier_media_job_duration_seconds_count{kind="audio",outcome="done"}'), 1, 'the audio job was timed');
});
