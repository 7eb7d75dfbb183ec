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
export const SNIFF_BYTES = 4100;

/** Raster formats sharp decodes with its prebuilt libvips. HEIC (iPhone) is not among them. */
const IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif']);
/** Containers ffmpeg reads; ffprobe then decides whether there is a usable stream. */
const AV_MIMES = new Set(['application/ogg', 'application/vnd.ms-asf', 'application/x-shockwave-flash']);
const NAMES: Record<string, string> = {
  'application/zip': 'ZIP 压缩包 / zip archive',
  'application/pdf': 'PDF',
  'application/x-rar-compressed': 'RAR 压缩包 / rar archive',
  'application/x-7z-compressed': '7z 压缩包 / 7z archive',
  'image/heic': 'HEIC（苹果手机照片，请在手机设置中选“兼容性最佳”或转为 JPG / iPhone photo: convert to JPG）',
  'image/heif': 'HEIF',
  'image/bmp': 'BMP',
  'image/vnd.adobe.photoshop': 'PSD',
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
    throw rejections.unsupported(NAMES[found.mime] ?? found.mime);
  }
  if (looksLikeSvg(head)) return { family: 'svg', mime: 'image/svg+xml', ext: 'svg' };
  throw rejections.unsupported(head.toString('latin1', 0, 64).includes('<html') ? 'HTML' : '未知 / unknown');
}
