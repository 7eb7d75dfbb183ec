// Animated GIFs air as animations: transcoded to a muted MP4 loop whose frames keep the GIF's own
// delays, never a frozen first frame. A still GIF stays a still; other animated images are refused
// with advice rather than frozen.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import t from 'tap';
import { ffmpegPath } from '../../media/ffmpeg.paths.js';
import { probe } from '../../media/ffmpeg.run.js';
import { buildTestApp } from '../helper.js';
import { upload, waitSettled } from './fixtures/files.js';

const run = promisify(execFile);
const W = 160;
const H = 90;
/** Four frames of one colour each, shown 500, 100, 300 and 100 ms: a 1-second animation. */
const FRAMES = [
  { colour: [255, 0, 0], ms: 500 },
  { colour: [0, 255, 0], ms: 100 },
  { colour: [0, 0, 255], ms: 300 },
  { colour: [255, 255, 0], ms: 100 },
] as const;

async function animated(format: 'gif' | 'webp'): Promise<Buffer> {
  const pages = await Promise.all(
    FRAMES.map(({ colour: [r, g, b] }) => sharp({ create: { width: W, height: H, channels: 4, background: { r, g, b, alpha: 1 } } }).raw().toBuffer()),
  );
  const strip = sharp(Buffer.concat(pages), { raw: { width: W, height: H * FRAMES.length, channels: 4, pageHeight: H } });
  const delay = FRAMES.map((f) => f.ms);
  return format === 'gif' ? strip.gif({ delay, loop: 0 }).toBuffer() : strip.webp({ delay, loop: 0 }).toBuffer();
}

/** The colour at the centre of the first frame at or after `seconds` (how ffmpeg's -ss lands). */
async function colourAt(file: string, seconds: number): Promise<number[]> {
  const { stdout } = await run(ffmpegPath, ['-v', 'error', '-ss', seconds.toFixed(3), '-i', file, '-frames:v', '1', '-vf', `crop=2:2:${W / 2}:${H / 2}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer' });
  return [...stdout.subarray(0, 3)];
}
const near = (a: number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]!) < 60);

t.test('an animated GIF becomes a muted MP4 loop that keeps its frame timing', async (t) => {
  const app = await buildTestApp(t);
  const res = await upload(app, { name: '刷单动图.gif', data: await animated('gif') });
  t.equal(res.status, 201, JSON.stringify(res.body));
  t.equal(res.body.kind, 'video', 'it airs as an animation, not a still');
  t.equal(res.body.file.mime, 'image/gif');
  const item = await waitSettled(app, res.body.id, 60_000);
  t.equal(item.status, 'ready', JSON.stringify(item.error ?? ''));
  const mp4 = item.renditions.find((r: { role: string }) => r.role === 'playback');
  t.equal(mp4.mime, 'video/mp4');
  t.ok(item.renditions.some((r: { role: string }) => r.role === 'poster') && item.renditions.some((r: { role: string }) => r.role === 'thumbnail'), 'a poster and a thumbnail like any video');
  const file = path.join(app.crier.mediaStore.dir, mp4.fileName);
  const probed = await probe(file);
  t.notOk(probed.audio, 'muted: no audio stream');
  t.ok(Math.abs(probed.durationMs! - 10_000) <= 250, `loops for ten whole passes (${probed.durationMs} ms)`);
  t.ok(Math.abs(item.file.durationMs - 10_000) <= 100, `airs for the loop's length (${item.file.durationMs} ms), not one 1-second pass`);
  // Each frame shows for its own delay, pass after pass.
  const expected: [number, readonly number[]][] = [[0, FRAMES[0].colour], [0.45, FRAMES[1].colour], [0.55, FRAMES[2].colour], [0.85, FRAMES[3].colour], [0.95, FRAMES[0].colour], [7.55, FRAMES[2].colour], [9.85, FRAMES[3].colour]];
  for (const [at, colour] of expected) {
    const seen = await colourAt(file, at);
    t.ok(near(seen, colour), `at ${at} s: ${seen.join(',')} (expected ${colour.join(',')})`);
  }
});

t.test('a still GIF stays a still image', async (t) => {
  const app = await buildTestApp(t);
  const still = await sharp({ create: { width: W, height: H, channels: 3, background: '#14459c' } }).gif().toBuffer();
  const res = await upload(app, { name: 'still.gif', data: still });
  t.equal(res.status, 201);
  t.equal(res.body.kind, 'image');
  t.equal(res.body.status, 'ready');
});

t.test('an animated WebP is refused with advice, not frozen, and leaves nothing', async (t) => {
  const app = await buildTestApp(t);
  const before = app.crier.catalogue.read().media.length;
  const res = await upload(app, { name: 'anim.webp', data: await animated('webp') });
  t.equal(res.status, 422);
  t.match(res.body, { reason: 'animated-image', message: /^动图（WEBP）.*GIF 或 MP4.* \/ animated WEBP cannot air as an animation/ });
  t.equal(app.crier.catalogue.read().media.length, before);
});
