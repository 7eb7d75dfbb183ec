import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import t, { type Test } from 'tap';
import { buildApp, type BuildOptions } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { measureLoudness } from '../../media/campaign/audio-tools.js';
import { ffprobePath } from '../../media/ffmpeg.paths.js';
import { runFfmpeg } from '../../media/ffmpeg.run.js';
import type { JobEvent } from '../../server/services/media.jobs.js';
import { actAsAdmin, buildTestApp, TEST_ADMIN } from '../helper.js';
import { ffmpeg, upload, waitSettled } from './fixtures/files.js';

type Rendition = { role: string; fileName: string; mime: string; width?: number; height?: number; durationMs?: number };
const run = promisify(execFile);
const streamsOf = async (file: string) =>
  (JSON.parse((await run(ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_streams', file])).stdout).streams as { codec_type: string; codec_name: string; width?: number; height?: number }[]);

const work = await mkdtemp(path.join(os.tmpdir(), 'crier-av-'));
t.teardown(() => rm(work, { recursive: true, force: true }));
/** buildTestApp calls t.testdir(), which empties the directory: a restart test needs its own. */
async function appOn(t: Test, dataDir: string, options: BuildOptions = {}) {
  const app = await buildApp({ ...loadConfig({}), dataDir, logLevel: 'silent', adminPassword: TEST_ADMIN.password, scryptLogN: 10 }, { logger: false, ...options });
  t.teardown(() => app.close());
  await actAsAdmin(app);
  return app;
}
const clip = path.join(work, 'phone.mp4');
const wav = path.join(work, 'quiet.wav');
/** Long enough that its transcode is still running when the server is closed under it, on a loaded machine too. */
const longClip = path.join(work, 'long.mp4');
t.before(async () => {
  // A 2 s phone clip filmed sideways: 320×240 pixels with a 90° rotation flag, plus a tone.
  const flat = path.join(work, 'flat.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', flat]);
  // This ffmpeg drops a rotate tag while encoding; a stream copy keeps it, as a phone writes it.
  await ffmpeg(['-i', flat, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', clip]);
  // A quiet announcement: about −38 LUFS.
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=44100,volume=0.02', '-t', '3', wav]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '30',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', longClip]);
});

t.test('a video is probed, transcoded to upright H.264/AAC faststart MP4 with a poster, with progress events', async (t) => {
  const events: JobEvent[] = [];
  const app = await buildTestApp(t, {}, { onJobEvent: (e) => events.push(e) });
  const res = await upload(app, { name: '微信视频.mp4', data: await readFile(clip) }, { tags: '网购退赔' });
  t.equal(res.status, 201);
  t.match(res.body, { kind: 'video', status: 'processing', file: { durationMs: 2000, width: 240, height: 320, rotation: 90 } });
  t.notOk(app.crier.publisher.manifestFor('x')!.items.some((i) => i.mediaId === res.body.id), 'not airable while processing');
  const item = await waitSettled(app, res.body.id);
  t.equal(item.status, 'ready', JSON.stringify(item.error ?? item.job));
  const playback = (item.renditions as Rendition[]).find((r) => r.role === 'playback')!;
  t.match(playback, { mime: 'video/mp4', width: 240, height: 320 });
  const file = path.join(app.crier.mediaStore.dir, playback.fileName);
  const bytes = await readFile(file);
  t.ok(bytes.indexOf('moov') < bytes.indexOf('mdat'), 'faststart: moov before mdat');
  const streams = await streamsOf(file);
  t.match(streams.find((s) => s.codec_type === 'video'), { codec_name: 'h264', width: 240, height: 320 });
  t.match(streams.find((s) => s.codec_type === 'audio'), { codec_name: 'aac' });
  // The poster comes out of the same ffmpeg run: a real upright frame of the playback's size, about 1 s in (testsrc is not black).
  const poster = (item.renditions as Rendition[]).find((r) => r.role === 'poster' && r.mime === 'image/jpeg')!;
  const posterImage = sharp(path.join(app.crier.mediaStore.dir, poster.fileName));
  t.match(await posterImage.metadata(), { format: 'jpeg', width: 240, height: 320 });
  t.ok((await posterImage.stats()).channels.some((c) => c.stdev > 20), 'the poster shows a picture, not a flat frame');
  t.ok((item.renditions as Rendition[]).some((r) => r.role === 'thumbnail'));
  const states = events.filter((e) => e.job.mediaId === item.id).map((e) => e.job.state);
  t.same([states[0], states[1], states.at(-1)], ['queued', 'running', 'done']);
  const progress = events.filter((e) => e.job.state === 'running').map((e) => e.job.progress);
  t.ok(progress.some((p) => p > 0 && p < 100), `progress in between: ${progress.join(',')}`);
  t.same(progress, [...progress].sort((a, b) => a - b), 'progress only goes up');
  const jobs = JSON.parse((await app.inject(`/api/v1/jobs?mediaId=${item.id}`)).body);
  t.match(jobs, [{ state: 'done', progress: 100, kind: 'video' }]);
  const range = await app.inject({ url: `/media/${playback.fileName}`, headers: { range: 'bytes=0-1023' } });
  t.equal(range.statusCode, 206);
  t.match(range.headers['cache-control'], /immutable/);
  // Ready video airs, pointing at the rendition rather than the original.
  const playlist = await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: 'v', items: [{ mediaId: item.id }] } });
  await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: JSON.parse(playlist.body).id, target: { kind: 'all' }, priority: 5 } });
  t.match(app.crier.publisher.manifestFor('x')!.items, [{ mediaId: item.id, url: `/media/${playback.fileName}`, mime: 'video/mp4', durationMs: 2000 }]);
});

t.test('audio is normalized to the loudness target as MP3 with a waveform', async (t) => {
  const app = await buildTestApp(t);
  const res = await upload(app, { name: '广播.wav', data: await readFile(wav) });
  t.equal(res.status, 201);
  t.match(res.body, { kind: 'audio', status: 'processing', file: { mime: 'audio/wav', durationMs: 3000 } });
  const item = await waitSettled(app, res.body.id);
  t.equal(item.status, 'ready', JSON.stringify(item.error));
  const mp3 = (item.renditions as Rendition[]).find((r) => r.role === 'playback')!;
  t.equal(mp3.mime, 'audio/mpeg');
  const loud = await measureLoudness((args) => runFfmpeg(args), path.join(app.crier.mediaStore.dir, mp3.fileName));
  t.ok(Math.abs(loud.integrated - -16) <= 0.5, `integrated ${loud.integrated} LUFS within 0.5 LU of −16`);
  t.ok(loud.truePeak <= -1.0, `true peak ${loud.truePeak}`);
  t.ok((item.renditions as Rendition[]).some((r) => r.role === 'waveform' && r.mime === 'image/png'));
});

t.test('one ffmpeg at a time; unfinished jobs resume after a restart, or fail cleanly without their original', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crier-restart-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = await appOn(t, dir);
  const a = await upload(first, { name: 'a.mp4', data: await readFile(longClip) });
  const b = await upload(first, { name: 'b.wav', data: await readFile(wav) });
  t.equal(JSON.parse((await first.inject('/api/v1/jobs?state=running')).body).length, 1, 'only one job runs');
  t.equal(JSON.parse((await first.inject('/api/v1/jobs?state=queued')).body).length, 1, 'the other waits');
  await first.close();
  t.equal(first.crier.catalogue.read().media.find((m) => m.id === a.body.id)!.status, 'processing', 'killed mid-way, still processing on disk');
  // The audio item loses its original while the server is down.
  const bItem = first.crier.catalogue.read().media.find((m) => m.id === b.body.id)!;
  await rm(path.join(dir, 'originals', bItem.file!.storedAs!));

  const second = await appOn(t, dir);
  const [ra, rb] = [await waitSettled(second, a.body.id), await waitSettled(second, b.body.id)];
  t.equal(ra.status, 'ready', 'resumed and finished');
  t.match(rb, { status: 'failed', error: { reason: 'original-missing' } });
  t.match(rb.error.message, /原始文件丢失.* \/ the original file is missing/);
});
