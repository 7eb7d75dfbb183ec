// Type by content, never by name: magic bytes (file-type) decide the family, ffprobe later decides
// video versus audio. SVG is text, so it is recognised here by its root element.
import { fileTypeFromBuffer } from 'file-type';
import { rejections } from './media.errors.js';

export type SniffedFamily = 'image' | 'svg' | 'av';
export interface Sniffed {
  family: SniffedFamily;
  mime: string;
  /** Extension for the stored original. */
  ext: string;
}

/** How many leading bytes the sniffers need (file-type's own minimum for every format it knows). */
export interface FileTypeName {
  zh: string;
  en: string;
}

export const SNIFF_BYTES = 4100;

/** Raster formats sharp decodes with its prebuilt libvips. HEIC (iPhone) is not among them. */
const IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif']);
/** Containers ffmpeg reads; ffprobe then decides whether there is a usable stream. */
const AV_MIMES = new Set(['application/ogg', 'application/vnd.ms-asf', 'application/x-shockwave-flash']);
/** Names of refused types, one per language, so each half of the message names it in its own words. */
const NAMES: Record<string, FileTypeName> = {
  'application/zip': { zh: 'ZIP 压缩包', en: 'zip archive' },
  'application/pdf': { zh: 'PDF', en: 'PDF' },
  'application/x-rar-compressed': { zh: 'RAR 压缩包', en: 'rar archive' },
  'application/x-7z-compressed': { zh: '7z 压缩包', en: '7z archive' },
  'image/heic': { zh: 'HEIC 苹果手机照片，请在手机设置中选“兼容性最佳”或转为 JPG', en: 'HEIC iPhone photo: convert it to JPG' },
  'image/heif': { zh: 'HEIF', en: 'HEIF' },
  'image/bmp': { zh: 'BMP', en: 'BMP' },
  'image/vnd.adobe.photoshop': { zh: 'PSD', en: 'PSD' },
};

function looksLikeSvg(head: Buffer): boolean {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) return false;
  // Prolog, doctype and comments may precede the root element.
  const rest = text.replace(/^\s*(<\?xml[\s\S]*?\?>\s*)?((<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>)\s*)*/i, '');
  return /^<svg[\s>]/i.test(rest);
}

/** Throws a 415 MediaRejection for anything we do not turn into signage. */
export async function sniff(head: Buffer): Promise<Sniffed> {
  if (head.length === 0) throw rejections.empty();
  const found = await fileTypeFromBuffer(head);
  if (found && !found.mime.includes('xml')) {
    if (IMAGE_MIMES.has(found.mime)) return { family: 'image', mime: found.mime, ext: found.ext === 'jpg' ? 'jpg' : found.ext };
    if (found.mime.startsWith('video/') || found.mime.startsWith('audio/') || AV_MIMES.has(found.mime)) {
      return { family: 'av', mime: found.mime, ext: found.ext };
    }
    throw rejections.unsupported(NAMES[found.mime] ?? { zh: found.mime, en: found.mime });
  }
  if (looksLikeSvg(head)) return { family: 'svg', mime: 'image/svg+xml', ext: 'svg' };
  throw rejections.unsupported(head.toString('latin1', 0, 64).includes('<html') ? { zh: 'HTML 网页', en: 'HTML page' } : { zh: '未知', en: 'unknown' });
}
