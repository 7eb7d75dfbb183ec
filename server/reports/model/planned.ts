// What a screen was meant to air per local day, from the shared resolver (playlists/timeline.ts): the
// airtime of segments with something airable, and about how many plays that makes. A station airs only
// audio items; quiet hours already leave audio out of the segments.
import type { Catalogue, Screen } from '../../../playlists/catalogue.schema.js';
import { resolveTimeline, type ResolvedItem, type Segment } from '../../../playlists/timeline.js';
import { dateOf, dayOf, wallToInstant } from '../../../playlists/wall-clock.js';

export interface PlannedDay {
  day: string;
  airtimeMs: number;
  plays: number;
  /** Fixed-time broadcasts due that day: their planned start and end (epoch ms) and playlist. */
  broadcasts: { start: number; end: number; playlistName: string | null; mediaIds: string[] }[];
}

const relevant = (items: ResolvedItem[], isStation: boolean) => (isStation ? items.filter((i) => i.media.kind === 'audio') : items);

function planOfSlice(segment: Segment, items: ResolvedItem[], start: number, end: number): { airtimeMs: number; plays: number } {
  if (items.length === 0) return { airtimeMs: 0, plays: 0 };
  const cycle = items.reduce((sum, i) => sum + i.durationMs, 0);
  if (segment.mode === 'once') {
    // A broadcast airs its items once from its anchor; count the part of that run inside the slice.
    const runStart = segment.anchor ?? segment.start;
    const airtimeMs = Math.max(0, Math.min(end, runStart + cycle) - Math.max(start, runStart));
    return { airtimeMs, plays: start <= runStart && runStart < end ? items.length : 0 };
  }
  const airtimeMs = end - start;
  return { airtimeMs, plays: cycle > 0 ? (airtimeMs / cycle) * items.length : 0 };
}

export function plannedDays(catalogue: Readonly<Catalogue>, screen: Screen, isStation: boolean, from: string, to: string, timeZone: string): PlannedDay[] {
  const first = dayOf(from);
  const last = dayOf(to);
  const bounds = Array.from({ length: last - first + 2 }, (_, i) => wallToInstant(first + i, 0, timeZone));
  const timeline = resolveTimeline(catalogue, screen, bounds[0]!, bounds.at(-1)!, { timeZone });
  const days: PlannedDay[] = bounds.slice(0, -1).map((_, i) => ({ day: dateOf(first + i), airtimeMs: 0, plays: 0, broadcasts: [] }));
  let d = 0;
  for (const segment of timeline.segments) {
    const items = relevant(segment.items, isStation);
    while (d < days.length - 1 && bounds[d + 1]! <= segment.start) d++;
    for (let i = d; i < days.length && bounds[i]! < segment.end; i++) {
      const start = Math.max(segment.start, bounds[i]!);
      const end = Math.min(segment.end, bounds[i + 1]!);
      const planned = planOfSlice(segment, items, start, end);
      days[i]!.airtimeMs += planned.airtimeMs;
      days[i]!.plays += planned.plays;
      const anchor = segment.anchor ?? segment.start;
      // A broadcast cut into pieces (quiet hours, an alert) is still one broadcast: keyed by its anchor.
      if (segment.source.kind === 'broadcast' && items.length > 0 && anchor >= bounds[i]! && anchor < bounds[i + 1]!) {
        const known = days[i]!.broadcasts.find((b) => b.start === anchor);
        if (known) known.end = Math.max(known.end, segment.end);
        else days[i]!.broadcasts.push({ start: anchor, end: segment.end, playlistName: segment.playlistName, mediaIds: items.map((x) => x.mediaId) });
      }
    }
  }
  for (const day of days) day.plays = Math.round(day.plays);
  return days;
}
