// Media ingest figures: a 24-megapixel photo through upload and every rendition, our video
// pipeline against the bare ffmpeg command with the same settings, and loudness after
// normalization. The transcode uses a 20 s clip by default; CRIER_BENCH_FULL=1 runs the issue's
// 60 s clip in four rounds of alternating order (about six minutes on two cores).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { transcodeArgs, type X264Preset } from '../../media/av.renditions.js';
import { measureLoudness } from '../../media/campaign/audio-tools.js';
import { probe, runFfmpeg } from '../../media/ffmpeg.run.js';
import { buildApp, type CrierApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { JobEvent } from '../../server/services/media.jobs.js';
import { form, waitSettled } from '../media/fixtures/files.js';
import { actAsAdmin, TEST_ADMIN } from '../helper.js';
import { median } from './stats.js';

/**
 * CPU seconds used so far by this process and by the children it has reaped (ffmpeg, ffprobe):
 * on a shared machine wall time swings with the neighbours' load, CPU time much less.
 */
async function cpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  // After the command name: utime, stime, cutime, cstime are fields 12–15 (0-based), in clock ticks (100 Hz on Linux).
  const [cutime, cstime] = [Number(fields[13]), Number(fields[14])];
  const own = process.resourceUsage();
  return (own.userCPUTime + own.systemCPUTime) / 1e6 + (cutime + cstime) / 100;
}

/**
 * Resolves when a media item's job finishes, told by the job events the console socket also gets:
 * polling the API every 100 ms cost the server more CPU than the pipeline's own work.
 */
function jobWatcher() {
  const waiting = new Map<string, () => void>();
  const ended = new Set<string>();
  return {
    onJobEvent: (e: JobEvent) => {
      if (e.job.state !== 'done' && e.job.state !== 'failed') return;
      ended.add(e.job.mediaId);
      waiting.get(e.job.mediaId)?.();
    },
    finished: (mediaId: string) => new Promise<void>((resolve) => (ended.has(mediaId) ? resolve() : waiting.set(mediaId, resolve))),
  };
}
const jobs = jobWatcher();

const ffmpeg = (args: string[]) => runFfmpeg(['-loglevel', 'error', ...args], { stallMs: 600_000 });

/** `body` is a multipart form made beforehand (the client's work, not the server's), or a file to wrap in one. */
async function post(app: CrierApp, name: string, data: Buffer, body = form({ name, data })) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/media', ...body });
  if (res.statusCode !== 201) throw new Error(`upload ${name}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body) as { id: string; renditions: { role: string; fileName: string }[] };
}

/** A photo-like 6000×4000 JPEG: the campaign poster enlarged with film grain, so it neither compresses to nothing nor is pure noise. */
async function photo24mp(work: string, variant: number): Promise<Buffer> {
  const grain = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 12 } } }).png().toBuffer();
  const file = path.join(work, `photo-${variant}.jpg`);
  await sharp('media/campaign/assets/poster-four-types.png')
    .resize(6000, 4000, { fit: 'fill' })
    .composite([{ input: grain, blend: 'soft-light' }])
    .withExif({ IFD0: { ImageDescription: `variant ${variant}` } })
    .jpeg({ quality: 92 })
    .toFile(file);
  return readFile(file);
}

async function benchPhoto(app: CrierApp, work: string): Promise<void> {
  const runs = 5;
  const photos = await Promise.all(Array.from({ length: runs }, (_, i) => photo24mp(work, i)));
  const times: number[] = [];
  let renditions = 0;
  for (const [i, data] of photos.entries()) {
    const start = performance.now();
    const item = await post(app, `photo-${i}.jpg`, data);
    times.push(performance.now() - start);
    renditions = new Set(item.renditions.map((r) => r.fileName)).size;
  }
  console.log(
    `ingest of a 24 MP JPEG (${(photos[0]!.length / 1e6).toFixed(1)} MB) with all renditions (${renditions} files), upload to ready: ` +
      `median ${(median(times) / 1000).toFixed(2)} s of ${runs} (${times.map((t) => (t / 1000).toFixed(2)).join(', ')})`,
  );
}

async function benchTranscode(app: CrierApp, work: string, seconds: number, rounds: number, preset: X264Preset): Promise<void> {
  const source = path.join(work, 'clip-1080p.mp4');
  // A phone-like source: 1080p30 H.264 at a high bitrate, with stereo sound.
  await ffmpeg(['-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30`, '-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=48000', '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '12M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', source]);
  const p = await probe(source);
  const data = await readFile(source);
  const [bare, ours, bareCpu, oursCpu]: [number[], number[], number[], number[]] = [[], [], [], []];
  const runBare = async () => {
    const [start, cpu] = [performance.now(), await cpuSeconds()];
    await ffmpeg(['-y', ...transcodeArgs(source, path.join(work, 'bare.mp4'), p, 1080, preset)]);
    bare.push(performance.now() - start);
    bareCpu.push((await cpuSeconds()) - cpu);
  };
  const runOurs = async (round: number) => {
    // A distinct trailing byte per round: the same bytes again would be recognised and not transcoded.
    const bytes = Buffer.concat([data, Buffer.from([round])]);
    // The 91 MB multipart body is assembled before the clock starts: a real client streams it.
    const body = form({ name: `clip-${round}.mp4`, data: bytes });
    const [start, cpu] = [performance.now(), await cpuSeconds()];
    const item = await post(app, `clip-${round}.mp4`, bytes, body);
    await jobs.finished(item.id);
    const ready = await waitSettled(app, item.id, 900_000);
    ours.push(performance.now() - start);
    oursCpu.push((await cpuSeconds()) - cpu);
    if (ready.status !== 'ready') throw new Error(`transcode failed: ${JSON.stringify(ready.error)}`);
  };
  // Alternate the order so warm caches favour neither side.
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) (await runBare(), await runOurs(round));
    else (await runOurs(round), await runBare());
  }
  // Each round pairs one run of each, back to back, so a ratio is taken under one load; the median
  // of the rounds' ratios is the figure, as the shared machine's neighbours come and go.
  const ratios = ours.map((o, i) => o / bare[i]!);
  const cpuRatios = oursCpu.map((o, i) => o / bareCpu[i]!);
  const s = (ms: number) => (ms / 1000).toFixed(1);
  console.log(
    `transcode of a ${seconds} s 1080p30 clip (${(data.length / 1e6).toFixed(0)} MB, preset ${preset}, ${rounds} round(s)), ` +
      `our pipeline (upload, hash, probe, transcode with progress and poster, thumbnail, store) over bare ffmpeg: ` +
      `wall ratio median ${median(ratios).toFixed(3)} (${ratios.map((r, i) => `${s(ours[i]!)}/${s(bare[i]!)} s = ${r.toFixed(3)}`).join(', ')}); ` +
      `CPU ratio median ${median(cpuRatios).toFixed(3)} (${cpuRatios.map((r) => r.toFixed(3)).join(', ')})`,
  );
}

async function benchLoudness(app: CrierApp, work: string, target: number): Promise<void> {
  // Very different levels: a whispered announcement, a normal one, and a clipped, shouting one.
  const clips: Array<[string, string]> = [
    ['quiet', 'anoisesrc=color=pink:amplitude=0.01:sample_rate=44100:seed=7,tremolo=f=3:d=0.7'],
    ['medium', 'sine=frequency=500:sample_rate=44100,volume=0.2,tremolo=f=2:d=0.5'],
    ['loud', 'anoisesrc=color=pink:amplitude=0.9:sample_rate=44100:seed=11,volume=4,alimiter=limit=0.99'],
  ];
  const lines: string[] = [];
  for (const [name, source] of clips) {
    const file = path.join(work, `${name}.wav`);
    await ffmpeg(['-y', '-f', 'lavfi', '-i', source, '-t', '20', file]);
    const before = await measureLoudness((a) => runFfmpeg(a), file);
    const item = await post(app, `${name}.wav`, await readFile(file));
    const ready = await waitSettled(app, item.id, 120_000);
    const mp3 = (ready.renditions as { role: string; fileName: string }[]).find((r) => r.role === 'playback')!;
    const after = await measureLoudness((a) => runFfmpeg(a), path.join(app.crier.mediaStore.dir, mp3.fileName));
    lines.push(`${name} ${before.integrated.toFixed(1)} → ${after.integrated.toFixed(1)} LUFS (Δ ${(after.integrated - target).toFixed(1)} LU, peak ${after.truePeak.toFixed(1)} dBTP)`);
  }
  console.log(`loudness after normalization, target ${target} LUFS: ${lines.join('; ')}`);
}

export async function benchMedia(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'crier-bench-media-'));
  const work = await mkdtemp(path.join(os.tmpdir(), 'crier-bench-work-'));
  const config = { ...loadConfig({}), dataDir, logLevel: 'silent' as const, adminPassword: TEST_ADMIN.password };
  const app = await buildApp(config, { logger: false, onJobEvent: jobs.onJobEvent });
  await actAsAdmin(app);
  try {
    await benchPhoto(app, work);
    const isFull = process.env.CRIER_BENCH_FULL === '1';
    await benchTranscode(app, work, isFull ? 60 : 20, isFull ? 4 : 1, config.videoPreset);
    await benchLoudness(app, work, config.loudness.integratedLufs);
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}
