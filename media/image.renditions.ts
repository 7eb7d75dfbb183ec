// Stills for every screen profile: EXIF-upright, metadata stripped (sharp writes none unless
// asked), never upscaled, WebP for players with a JPEG fallback, and a thumbnail for the console.
// The input is decoded once into an upright master; every rendition is resized from it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type OutputInfo, type Sharp } from './sharp.js';
import type { RenditionRole } from '../playlists/catalogue.schema.js';
import { rejections } from './media.errors.js';

export interface Size {
  width: number;
  height: number;
}
/** Landscape 1080p TVs, portrait totems and 4K walls; LED module sizes come from configuration. */
export const SCREEN_PROFILES: readonly Size[] = [
  { width: 1920, height: 1080 },
  { width: 1080, height: 1920 },
  { width: 3840, height: 2160 },
];
export const THUMBNAIL: Size = { width: 320, height: 320 };

export interface MadeFile {
  role: RenditionRole;
  profile?: string;
  file: string;
  ext: 'webp' | 'jpg' | 'png' | 'mp4' | 'mp3';
  mime: string;
  width?: number;
  height?: number;
  durationMs?: number;
}

export interface ImageResult {
  /** Upright size of the original (of the rasterized drawing, for SVG). */
  width: number;
  height: number;
  files: MadeFile[];
}

export interface ImageOptions {
  isSvg: boolean;
  maxPixels: number;
  profiles: readonly Size[];
  workDir: string;
}

const fitInside = (w: number, h: number, box: Size): Size => {
  const scale = Math.min(1, box.width / w, box.height / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
};

/** Refuses entity declarations (billion-laughs, external entities); scripts are harmless: rasterizing runs none. */
async function svgDensity(file: string, maxPixels: number, box: Size): Promise<number> {
  const text = await readFile(file, 'utf8');
  if (/<!ENTITY/i.test(text)) throw rejections.unsafeSvg();
  const meta = await sharp(Buffer.from(text), { limitInputPixels: false }).metadata().catch(() => {
    throw rejections.corrupt('SVG');
  });
  const [w, h] = [meta.width ?? 0, meta.height ?? 0];
  if (!w || !h) throw rejections.corrupt('SVG');
  // A drawing scales without loss: rasterize it as large as the largest profile, within the pixel limit.
  const scale = Math.min(box.width / w, box.height / h, Math.sqrt(maxPixels / (w * h)));
  return Math.max(1, Math.min(72 * scale, 20_000));
}

/**
 * One image at a time: each holds a decoded master (up to 4K, ~25 MB raw) and a dozen encodes of it,
 * so parallel uploads would stack those; the rest wait, already safely on disk (issue 13.6).
 */
let imageQueue: Promise<unknown> = Promise.resolve();
export function makeImageRenditions(input: string, o: ImageOptions): Promise<ImageResult> {
  const run = imageQueue.then(() => renderImage(input, o));
  imageQueue = run.catch(() => undefined);
  return run;
}

async function renderImage(input: string, o: ImageOptions): Promise<ImageResult> {
  const box = { width: Math.max(...o.profiles.map((p) => p.width)), height: Math.max(...o.profiles.map((p) => p.height)) };
  let source: Sharp;
  let upright: Size;
  if (o.isSvg) {
    const density = await svgDensity(input, o.maxPixels, box);
    source = sharp(input, { density, limitInputPixels: o.maxPixels, failOn: 'error' });
    upright = { width: 0, height: 0 };
  } else {
    // The header alone tells the claimed size: a decompression bomb is refused before any decoding.
    const meta = await sharp(input, { limitInputPixels: false }).metadata().catch(() => {
      throw rejections.corrupt('image');
    });
    if (!meta.width || !meta.height) throw rejections.corrupt('image');
    if (meta.width * meta.height > o.maxPixels) throw rejections.tooManyPixels(meta.width, meta.height, o.maxPixels);
    const isTurned = (meta.orientation ?? 1) >= 5;
    upright = isTurned ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
    source = sharp(input, { limitInputPixels: o.maxPixels, failOn: 'error' });
  }
  let master: { data: Buffer; info: OutputInfo };
  try {
    // One decode for everything: upright, sRGB, no larger than the largest profile.
    master = await source
      .rotate()
      .resize({ width: box.width, height: box.height, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (/pixel limit/i.test(String(err))) throw rejections.tooManyPixels(upright.width, upright.height, o.maxPixels);
    throw rejections.corrupt(o.isSvg ? 'SVG' : 'image');
  }
  if (o.isSvg) upright = { width: master.info.width, height: master.info.height };
  const { info } = master;
  const from = (size: Size) => {
    const s = sharp(master.data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    return size.width === info.width && size.height === info.height ? s : s.resize(size.width, size.height, { fit: 'fill' });
  };
  const hasAlpha = info.channels === 4;
  const files: MadeFile[] = [];
  const jobs: Promise<unknown>[] = [];
  const made = new Map<string, { webp: string; jpg: string }>();
  let n = 0;
  for (const profile of o.profiles) {
    const size = fitInside(upright.width, upright.height, profile);
    const key = `${size.width}x${size.height}`;
    let out = made.get(key);
    if (!out) {
      // Profiles that come out the same size share one encode (small originals are never upscaled).
      out = { webp: path.join(o.workDir, `still-${++n}.webp`), jpg: path.join(o.workDir, `still-${n}.jpg`) };
      made.set(key, out);
      jobs.push(from(size).webp({ quality: 82, effort: 2 }).toFile(out.webp));
      const jpeg = hasAlpha ? from(size).flatten({ background: '#000000' }) : from(size);
      jobs.push(jpeg.jpeg({ quality: 85, mozjpeg: false }).toFile(out.jpg));
    }
    const profileName = `${profile.width}x${profile.height}`;
    files.push({ role: 'display', profile: profileName, file: out.webp, ext: 'webp', mime: 'image/webp', ...size });
    files.push({ role: 'fallback', profile: profileName, file: out.jpg, ext: 'jpg', mime: 'image/jpeg', ...size });
  }
  const thumb = fitInside(upright.width, upright.height, THUMBNAIL);
  const thumbFile = path.join(o.workDir, 'thumbnail.jpg');
  jobs.push(from(thumb).flatten({ background: '#000000' }).jpeg({ quality: 80 }).toFile(thumbFile));
  files.push({ role: 'thumbnail', file: thumbFile, ext: 'jpg', mime: 'image/jpeg', ...thumb });
  await Promise.all(jobs);
  return { ...upright, files };
}
