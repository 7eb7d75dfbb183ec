// Video and audio renditions with ffmpeg: H.264/AAC MP4 with faststart at most 1080p plus a
// poster frame (an animated GIF becomes a muted loop of at least 10 s), or loudness-normalized MP3
// plus a waveform. Progress is reported as 0–1.
import path from 'node:path';
import sharp from './sharp.js';
import { loudnormTwoPass, type LoudnessTarget } from './campaign/audio-tools.js';
import { probe, runFfmpeg, type Probe } from './ffmpeg.run.js';
import { THUMBNAIL, type MadeFile } from './image.renditions.js';
import type { X264Preset } from './x264.js';

export type { X264Preset };

export interface AvOptions {
  workDir: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Output size: upright (ffmpeg applies the rotation), the short side at most `maxShort`, even numbers for yuv420p. */
export function videoTargetSize(p: Probe, maxShort: number): { width: number; height: number } {
  const v = p.video!;
  const isTurned = v.rotation === 90 || v.rotation === 270;
  const [w, h] = isTurned ? [v.height, v.width] : [v.width, v.height];
  const scale = Math.min(1, maxShort / Math.min(w, h));
  return { width: even(w * scale), height: even(h * scale) };
}

/** An animated GIF plays as a loop of whole passes lasting at least this long, so a 1-second animation is not over in a blink. */
export const GIF_LOOP_MS = 10_000;
/** The loop filter holds one pass's frames in memory; a GIF bigger than this plays its one pass. */
const GIF_LOOP_BYTES = 256 << 20;

/** How many passes of a GIF air: enough for GIF_LOOP_MS, or 1 (any other clip, or too big to hold). */
function gifPasses(p: Probe, maxShort: number): number {
  const frames = p.video?.frames;
  if (p.formatName !== 'gif' || !p.durationMs || !frames) return 1;
  const { width, height } = videoTargetSize(p, maxShort);
  if (frames * width * height * 1.5 > GIF_LOOP_BYTES) return 1;
  return Math.ceil(GIF_LOOP_MS / p.durationMs);
}
/** How long a clip airs: a GIF's whole passes, any other clip its own length. */
export const airedMs = (p: Probe, maxShort: number) => (p.durationMs ? p.durationMs * gifPasses(p, maxShort) : undefined);

/** The encoder settings, shared with the benchmark's bare ffmpeg run so the two are comparable. */
export function transcodeArgs(input: string, output: string, p: Probe, maxShort: number, preset: X264Preset = 'veryfast'): string[] {
  const size = videoTargetSize(p, maxShort);
  // A GIF's frames keep their own delays (the demuxer stamps each one; x264 encodes those times). Its
  // passes are repeated by the loop filter, which keeps them exact: ffmpeg 4's -stream_loop and the
  // GIF demuxer's own looping both drift by a frame per pass.
  const passes = gifPasses(p, maxShort);
  const loop = passes > 1 ? `,format=yuv420p,loop=loop=${passes - 1}:size=${p.video!.frames}:start=0` : '';
  return [
    '-i', input,
    '-map', '0:v:0', '-map', '0:a:0?',
    '-vf', `scale=${size.width}:${size.height}${loop}`,
    '-c:v', 'libx264', '-preset', preset, '-crf', '23', '-pix_fmt', 'yuv420p', '-profile:v', 'high',
    '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000',
    '-map_metadata', '-1', '-movflags', '+faststart',
    output,
  ];
}

/**
 * The poster frame: a little in, past fade-ins from black; short clips use their middle. Only the
 * first frame at or after that time passes, so the scaler runs once rather than for every later frame.
 */
function posterFilter(p: Probe, size: { width: number; height: number }): string {
  const at = Math.min(1, (p.durationMs ?? 0) / 2000);
  return `select=isnan(prev_selected_t)*gte(t\\,${at.toFixed(2)}),scale=${size.width}:${size.height}`;
}

/**
 * The pipeline's one ffmpeg run: the playback file with exactly the benchmark's settings, plus the
 * poster frame as a second output of the same decode (a separate run re-read the whole output).
 */
export function videoRenditionArgs(input: string, output: string, poster: string, p: Probe, maxShort: number, preset: X264Preset): string[] {
  const size = videoTargetSize(p, maxShort);
  return [
    ...transcodeArgs(input, output, p, maxShort, preset),
    '-map', '0:v:0', '-vf', posterFilter(p, size),
    '-frames:v', '1', '-q:v', '3', poster,
  ];
}

export async function makeVideoRenditions(input: string, p: Probe, maxShort: number, preset: X264Preset, o: AvOptions): Promise<MadeFile[]> {
  const out = path.join(o.workDir, 'playback.mp4');
  const poster = path.join(o.workDir, 'poster.jpg');
  let writtenMs = 0;
  await runFfmpeg(videoRenditionArgs(input, out, poster, p, maxShort, preset), {
    ...(o.signal ? { signal: o.signal } : {}),
    ...(p.durationMs ? { durationMs: airedMs(p, maxShort)! } : {}),
    onProgress: (f) => o.onProgress?.(f * 0.98),
    onOutTime: (ms) => (writtenMs = Math.max(writtenMs, ms)),
  });
  const size = videoTargetSize(p, maxShort);
  const stills = await posterFiles(poster, size, o.workDir);
  o.onProgress?.(1);
  // ffmpeg's last progress line is the length it wrote: no second probe of the output.
  const durationMs = Math.round(writtenMs) || p.durationMs;
  return [{ role: 'playback', file: out, ext: 'mp4', mime: 'video/mp4', ...size, ...(durationMs ? { durationMs } : {}) }, ...stills];
}

/** The poster frame as made, and its thumbnail for the console. */
async function posterFiles(poster: string, size: { width: number; height: number }, workDir: string): Promise<MadeFile[]> {
  const thumb = path.join(workDir, 'thumbnail.jpg');
  const info = await sharp(poster).resize({ ...THUMBNAIL, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toFile(thumb);
  return [
    { role: 'poster', file: poster, ext: 'jpg', mime: 'image/jpeg', ...size },
    { role: 'thumbnail', file: thumb, ext: 'jpg', mime: 'image/jpeg', width: info.width, height: info.height },
  ];
}

/**
 * Previews only, for files that air as they are (the seeded campaign): a video's poster frame and
 * thumbnail, chosen as for uploads, or an audio clip's waveform. No transcode.
 */
export async function makePreviewRenditions(input: string, p: Probe, maxShort: number, o: AvOptions): Promise<MadeFile[]> {
  if (!p.video) return [await waveformFile(input, o)];
  const size = videoTargetSize(p, maxShort);
  const poster = path.join(o.workDir, 'poster.jpg');
  await runFfmpeg(['-i', input, '-map', '0:v:0', '-vf', posterFilter(p, size), '-frames:v', '1', '-q:v', '3', poster], o.signal ? { signal: o.signal } : {});
  return posterFiles(poster, size, o.workDir);
}

async function waveformFile(input: string, o: AvOptions): Promise<MadeFile> {
  const wave = path.join(o.workDir, 'waveform.png');
  await runFfmpeg(['-i', input, '-filter_complex', 'aformat=channel_layouts=mono,showwavespic=s=1200x240:colors=0x14459c', '-frames:v', '1', wave], {
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return { role: 'waveform', file: wave, ext: 'png', mime: 'image/png', width: 1200, height: 240 };
}

/** MP3 encoding overshoots true peak by up to ~1 dB (measured: −0.7 dBTP from a −1.5 target), so loudnorm aims 1.5 dB lower. */
export const MP3_PEAK_HEADROOM_DB = 1.5;

/** Two-pass EBU R128 (measure, then a linear gain) to `target`, encoded as VBR MP3 (-q:a 4 held the target better than CBR). */
export async function makeAudioRenditions(input: string, p: Probe, target: LoudnessTarget, o: AvOptions): Promise<MadeFile[]> {
  const out = path.join(o.workDir, 'playback.mp3');
  let pass = 0;
  const runner = (args: string[]) => {
    const base = pass++ * 0.5;
    return runFfmpeg(args, {
      ...(o.signal ? { signal: o.signal } : {}),
      ...(p.durationMs ? { durationMs: p.durationMs } : {}),
      onProgress: (f) => o.onProgress?.(base + f * 0.45),
    });
  };
  await loudnormTwoPass(runner, input, out, ['-vn', '-map_metadata', '-1', '-c:a', 'libmp3lame', '-q:a', '4'], { ...target, TP: target.TP - MP3_PEAK_HEADROOM_DB });
  const made = await probe(out, o.signal);
  const wave = await waveformFile(out, o);
  o.onProgress?.(1);
  return [
    { role: 'playback', file: out, ext: 'mp3', mime: 'audio/mpeg', ...(made.durationMs ? { durationMs: made.durationMs } : {}) },
    wave,
  ];
}
