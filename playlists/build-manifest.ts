// Turns the catalogue into one screen's manifest: pure, so previews, pushes and tests agree.
import type { Catalogue, MediaItem, PlaylistItem, Rendition } from './catalogue.schema.js';
import type { Manifest, ManifestItem } from './manifest.schema.js';
import type { ScreenAttributes } from './targets.js';
import { buildTimelineManifest, type TimelineManifestOptions } from './timeline-manifest.js';

/** How long a still or slogan airs when the playlist item does not say. */
export const DEFAULT_STILL_MS = 10_000;

const EXTENSION_BY_MIME: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
};

export function mediaFileName(item: Pick<MediaItem, 'hash' | 'file'>): string {
  const ext = item.file ? (EXTENSION_BY_MIME[item.file.mime] ?? 'bin') : 'bin';
  return `${item.hash}.${ext}`;
}

export function mediaUrl(item: Pick<MediaItem, 'hash' | 'file'>): string {
  return `/media/${mediaFileName(item)}`;
}

export class ManifestError extends Error {}

/** The screen's pixel size, when known; stills pick the rendition made for the closest profile. */
export interface Display {
  width: number;
  height: number;
}
const DEFAULT_DISPLAY: Display = { width: 1920, height: 1080 };

/**
 * Only ready, approved media inside its validity window airs (a missing status is the seeded, ready
 * kind; a missing approval is approved). Server and player both decide here.
 */
export function isAirable(media: MediaItem, now: Date): boolean {
  if ((media.status ?? 'ready') !== 'ready') return false;
  if (media.approval && media.approval.state !== 'approved') return false;
  const t = now.getTime();
  if (media.validFrom && t < Date.parse(media.validFrom)) return false;
  if (media.validTo && t >= Date.parse(media.validTo)) return false;
  return true;
}

const profileSize = (r: Rendition) => {
  const [w, h] = (r.profile ?? '0x0').split('x').map(Number) as [number, number];
  return { w, h };
};

/** The smallest profile box that covers the screen, else the largest one: sharp where it matters, light otherwise. */
function bestStill(renditions: Rendition[], display: Display): Rendition | undefined {
  const stills = renditions.filter((r) => r.role === 'display' && r.profile);
  const area = (r: Rendition) => profileSize(r).w * profileSize(r).h;
  const covering = stills.filter((r) => profileSize(r).w >= display.width && profileSize(r).h >= display.height);
  if (covering.length) return covering.reduce((a, b) => (area(b) < area(a) ? b : a));
  // Nothing covers it: the one whose box overlaps the screen most (so portrait screens get portrait renditions).
  const overlap = (r: Rendition) => Math.min(profileSize(r).w, display.width) * Math.min(profileSize(r).h, display.height);
  return stills.reduce<Rendition | undefined>((a, b) => (!a || overlap(b) > overlap(a) || (overlap(b) === overlap(a) && area(b) < area(a)) ? b : a), undefined);
}

/** What a player fetches for this item: a rendition made for players, never an original SVG; null if nothing can air. */
export function playbackFile(media: MediaItem, display: Display = DEFAULT_DISPLAY): { url: string; mime: string; bytes?: number; fallbackUrl?: string } | null {
  if (media.kind === 'text' || !media.file) return null;
  const renditions = media.renditions ?? [];
  const chosen = media.kind === 'image' ? bestStill(renditions, display) : renditions.find((r) => r.role === 'playback');
  if (chosen) {
    const fallback = renditions.find((r) => r.role === 'fallback' && r.profile === chosen.profile);
    return { url: `/media/${chosen.fileName}`, mime: chosen.mime, bytes: chosen.bytes, ...(fallback && chosen.profile ? { fallbackUrl: `/media/${fallback.fileName}` } : {}) };
  }
  // Files from before ingest (the seeded campaign) sit in /media/ as they are, in a player-safe format.
  if (media.file.storedAs || !(media.file.mime in EXTENSION_BY_MIME)) return null;
  return { url: mediaUrl(media), mime: media.file.mime, bytes: media.file.bytes };
}

/** One playlist entry as a player receives it; null when nothing of it can air on this display. */
export function manifestItem(entry: Pick<PlaylistItem, 'id' | 'durationMs'>, media: MediaItem, display?: Display): ManifestItem | null {
  const file = playbackFile(media, display);
  if (media.kind !== 'text' && !file) return null;
  return {
    id: entry.id,
    mediaId: media.id,
    type: media.kind,
    title: media.title,
    hash: media.hash,
    ...(file ? { url: file.url, mime: file.mime } : {}),
    ...(file?.bytes ? { bytes: file.bytes } : {}),
    ...(file?.fallbackUrl ? { fallbackUrl: file.fallbackUrl } : {}),
    ...(media.slogan ? { slogan: media.slogan } : {}),
    durationMs: entry.durationMs ?? media.file?.durationMs ?? DEFAULT_STILL_MS,
  };
}

/**
 * Returns null when nothing at all can air (no schedule and no default campaign). The manifest carries
 * the screen's timeline (timeline-manifest.ts); unready, expired or not-yet-valid media never airs, and a
 * rule whose every item is unairable falls through to the next one down, ending at the default campaign.
 */
export function buildManifest(
  catalogue: Catalogue,
  screen: ScreenAttributes & { display?: Display },
  now: Date,
  options: TimelineManifestOptions = {},
): Manifest | null {
  return buildTimelineManifest(catalogue, screen, now, options);
}
