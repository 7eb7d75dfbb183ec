// What an audio station's operator wants to know beyond the item on air, read from the manifest's
// timeline at the corrected time: the next fixed-time broadcast, and whether quiet hours are on (until when).
import type { Manifest, ManifestItem } from '../playlists/manifest.schema.js';

export interface NextBroadcast {
  at: Date;
  name: string;
}

/** The first fixed-time broadcast starting after `now` with something this player airs (an audio station: audio). */
export function nextBroadcast(manifest: Manifest | null, now: Date, canAir: (item: ManifestItem) => boolean): NextBroadcast | null {
  const timeline = manifest?.timeline;
  if (!timeline) return null;
  const t = now.getTime();
  for (const s of timeline.segments) {
    if (s.source.kind !== 'broadcast' || s.anchor === null) continue;
    const at = Date.parse(s.anchor);
    if (at <= t || Date.parse(s.start) !== at) continue;
    if (!(timeline.loops[s.loop] ?? []).some(canAir)) continue;
    return { at: new Date(at), name: s.playlistName ?? '' };
  }
  return null;
}

export interface QuietState {
  isQuiet: boolean;
  /** When quiet hours end (isQuiet) or next begin (not quiet); null when not in the manifest's window. */
  change: Date | null;
}

export function quietState(manifest: Manifest | null, now: Date): QuietState {
  const segments = manifest?.timeline?.segments ?? [];
  const t = now.getTime();
  const i = segments.findIndex((s) => Date.parse(s.start) <= t && t < Date.parse(s.end));
  if (i < 0) return { isQuiet: false, change: null };
  const isQuiet = segments[i]!.isQuiet;
  const flip = segments.slice(i + 1).find((s) => s.isQuiet !== isQuiet);
  return { isQuiet, change: flip ? new Date(Date.parse(flip.start)) : null };
}
