// Which looping playlist a screen airs: the highest-priority schedule entry that targets it,
// else the default campaign. The scheduling issue grows this into a timeline over dayparts.
import type { Catalogue, Playlist, ScheduleEntry, Screen, Target } from './catalogue.schema.js';

export interface LoopChoice {
  playlist: Playlist;
  /** The schedule entry that won, or null when the default campaign airs. */
  entry: ScheduleEntry | null;
  reason: string;
}

export function targetsScreen(target: Target, screen: Pick<Screen, 'id'>): boolean {
  switch (target.kind) {
    case 'all':
      return true;
    case 'screens':
      return target.screenIds.includes(screen.id);
  }
}

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
