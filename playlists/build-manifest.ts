// Turns the catalogue into one screen's manifest: pure, so previews, pushes and tests agree.
import type { Catalogue, MediaItem, Screen } from './catalogue.schema.js';
import { contentVersion } from './content-version.js';
import type { Manifest, ManifestItem } from './manifest.schema.js';
import { resolveLoop } from './resolve-loop.js';

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

/** Returns null when nothing at all can air (no schedule and no default campaign). */
export function buildManifest(catalogue: Catalogue, screen: Pick<Screen, 'id'>, now: Date): Manifest | null {
  const choice = resolveLoop(catalogue, screen);
  if (!choice) return null;
  const mediaById = new Map(catalogue.media.map((m) => [m.id, m]));
  const items: ManifestItem[] = [];
  for (const entry of choice.playlist.items) {
    const media = mediaById.get(entry.mediaId);
    // A playlist never references missing media (the API refuses it); skip defensively rather than air nothing.
    if (!media) continue;
    const durationMs = entry.durationMs ?? media.file?.durationMs ?? DEFAULT_STILL_MS;
    items.push({
      id: entry.id,
      mediaId: media.id,
      type: media.kind,
      title: media.title,
      hash: media.hash,
      ...(media.file ? { url: mediaUrl(media), mime: media.file.mime } : {}),
      ...(media.slogan ? { slogan: media.slogan } : {}),
      durationMs,
    });
  }
  if (items.length === 0) return null;
  const version = contentVersion(JSON.stringify([choice.playlist.id, choice.playlist.name, items]));
  return {
    version,
    screenId: screen.id,
    playlistId: choice.playlist.id,
    playlistName: choice.playlist.name,
    reason: choice.reason,
    generatedAt: now.toISOString(),
    items,
  };
}
