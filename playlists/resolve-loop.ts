// Which looping playlist a screen airs, ignoring dates, dayparts, broadcasts and alerts: the
// highest-priority schedule entry that targets it, else the default campaign. Kept for callers that
// want the standing loop; what airs when is resolveTimeline's (timeline.ts) answer.
import type { Catalogue, Playlist, ScheduleEntry, Screen } from './catalogue.schema.js';
import { targetsScreen } from './targets.js';

export interface LoopChoice {
  playlist: Playlist;
  /** The schedule entry that won, or null when the default campaign airs. */
  entry: ScheduleEntry | null;
  reason: string;
}

export { targetsScreen };

/** Ties on priority go to the newer entry, then the larger id, so the choice never depends on storage order. */
function outranks(a: ScheduleEntry, b: ScheduleEntry): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt;
  return a.id > b.id;
}

export function resolveLoop(catalogue: Catalogue, screen: Pick<Screen, 'id'>): LoopChoice | null {
  const playlists = new Map(catalogue.playlists.map((p) => [p.id, p]));
  let best: ScheduleEntry | null = null;
  for (const entry of catalogue.schedules) {
    if (!playlists.has(entry.playlistId) || !targetsScreen(entry.target, screen)) continue;
    if (!best || outranks(entry, best)) best = entry;
  }
  if (best) {
    return { playlist: playlists.get(best.playlistId)!, entry: best, reason: `schedule:${best.id} (priority ${best.priority})` };
  }
  const fallback = catalogue.defaultPlaylistId ? playlists.get(catalogue.defaultPlaylistId) : undefined;
  return fallback ? { playlist: fallback, entry: null, reason: 'default-campaign' } : null;
}
