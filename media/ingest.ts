// Decides what an upload is and whether we take it: images are decoded and rendered right away
// (decoding is the only real proof an image is whole); video and audio are probed here and
// transcoded later by a background job.
import { airedMs } from './av.renditions.js';
import { checkMediaTools, probe, type Probe } from './ffmpeg.run.js';
import sharp from './sharp.js';
import { makeImageRenditions, type MadeFile, type Size } from './image.renditions.js';
import { rejections } from './media.errors.js';
import type { Received, SizeLimits } from './receive.js';

export interface IngestSettings {
  limits: SizeLimits;
  maxImagePixels: number;
  maxVideoMs: number;
  maxAudioMs: number;
  profiles: readonly Size[];
  /** Video renditions' short side (what an animated GIF's loop is sized to). */
  videoMaxHeight: number;
}

export interface Analysed {
  kind: 'image' | 'video' | 'audio';
  /** The original's type and stored extension. */
  mime: string;
  ext: string;
  width?: number;
  height?: number;
  durationMs?: number;
  videoCodec?: string;
  audioCodec?: string;
  rotation?: number;
  /** Image renditions, already made; empty for video and audio. */
  files: MadeFile[];
  /** ffprobe's reading of a video or audio original, handed to its job so it is not probed twice. */
  probed?: Probe;
}

/** How many frames an image holds (1 for a still); a damaged header counts as one and fails later, at decoding. */
async function animationFrames(file: string): Promise<number> {
  const meta = await sharp(file, { limitInputPixels: false }).metadata().catch(() => null);
  return meta?.pages ?? 1;
}

export async function analyseUpload(received: Received, settings: IngestSettings, workDir: string): Promise<Analysed> {
  const { sniffed } = received;
  const frames = sniffed.family === 'image' ? await animationFrames(received.file) : 1;
  if (frames > 1 && sniffed.mime !== 'image/gif') throw rejections.animatedImage(sniffed.ext.toUpperCase());
  // An animated GIF airs as a muted video loop (av.renditions.ts); a still GIF stays an image.
  if (sniffed.family !== 'av' && frames <= 1) {
    const isSvg = sniffed.family === 'svg';
    const made = await makeImageRenditions(received.file, { isSvg, maxPixels: settings.maxImagePixels, profiles: settings.profiles, workDir });
    return { kind: 'image', mime: sniffed.mime, ext: sniffed.ext, width: made.width, height: made.height, files: made.files };
  }
  const p = await probe(received.file).catch(async () => {
    // A file ffprobe cannot read is damaged, unless ffprobe itself cannot run.
    throw (await checkMediaTools()).ffprobe ? rejections.corrupt(sniffed.ext) : rejections.toolsMissing();
  });
  const kind = p.video ? 'video' : p.audio ? 'audio' : null;
  if (!kind) throw rejections.corrupt(sniffed.ext);
  const limit = kind === 'video' ? settings.limits.video : settings.limits.audio;
  if (received.bytes > limit) throw rejections.tooLarge(kind, limit);
  if (!p.durationMs) throw rejections.corrupt(sniffed.ext);
  const maxMs = kind === 'video' ? settings.maxVideoMs : settings.maxAudioMs;
  if (p.durationMs > maxMs) throw rejections.tooLong(kind, p.durationMs, maxMs);
  const mime = kind === 'audio' && sniffed.mime.startsWith('video/') ? sniffed.mime.replace('video/', 'audio/') : sniffed.mime;
  const turned = p.video && (p.video.rotation === 90 || p.video.rotation === 270);
  return {
    kind,
    mime,
    ext: sniffed.ext,
    ...(p.video ? { width: turned ? p.video.height : p.video.width, height: turned ? p.video.width : p.video.height, videoCodec: p.video.codec, rotation: p.video.rotation } : {}),
    ...(p.audio ? { audioCodec: p.audio.codec } : {}),
    // An animated GIF airs as its loop (av.renditions.ts), not its one pass.
    durationMs: airedMs(p, settings.videoMaxHeight),
    files: [],
    probed: p,
  };
}
