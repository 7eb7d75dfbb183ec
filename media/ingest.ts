// Decides what an upload is and whether we take it: images are decoded and rendered right away
// (decoding is the only real proof an image is whole); video and audio are probed here and
// transcoded later by a background job.
import { checkMediaTools, probe, type Probe } from './ffmpeg.run.js';
import { makeImageRenditions, type MadeFile, type Size } from './image.renditions.js';
import { rejections } from './media.errors.js';
import type { Received, SizeLimits } from './receive.js';

export interface IngestSettings {
  limits: SizeLimits;
  maxImagePixels: number;
  maxVideoMs: number;
  maxAudioMs: number;
  profiles: readonly Size[];
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

export async function analyseUpload(received: Received, settings: IngestSettings, workDir: string): Promise<Analysed> {
  const { sniffed } = received;
  if (sniffed.family !== 'av') {
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
    durationMs: p.durationMs,
    files: [],
    probed: p,
  };
}
