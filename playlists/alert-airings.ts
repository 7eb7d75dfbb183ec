// An urgent alert at an audio station: its audio airs N times, counted in time from when it could first
// air, and then the station goes back to its schedule (or stays quiet in quiet hours). Screens keep an
// alert's slide for its whole life; only loudspeakers, heard by everyone at once, stop repeating. Pure and
// time-derived, so the timeline preview, the manifest and the player agree, and a station that reloads or
// reconnects mid-alert picks up at the airing in progress instead of counting from zero again.
import type { MediaItem, Playlist } from './catalogue.schema.js';
import type { Alert } from './schedule.schema.js';
import { copyId } from './share-of-voice.js';

/** Room after the last airing for a station that started late (fetching the clip): its last airing is not cut short. */
export const ALERT_TAIL_MS = 5_000;

/**
 * When the count of airings starts: the alert's start, or later when its playlist changed, or one of its
 * audio items finished processing or was approved (a spoken clip joins its alert seconds after the alert).
 */
export function airingsAnchor(alert: Pick<Alert, 'startsAt'>, playlist: Pick<Playlist, 'updatedAt' | 'items'>, media: ReadonlyMap<string, MediaItem>): number {
  let anchor = Math.max(Date.parse(alert.startsAt), Date.parse(playlist.updatedAt));
  for (const entry of playlist.items) {
    const m = media.get(entry.mediaId);
    if (m?.kind !== 'audio') continue;
    if (m.readyAt) anchor = Math.max(anchor, Date.parse(m.readyAt));
    if (m.approval?.state === 'approved' && m.approval.at) anchor = Math.max(anchor, Date.parse(m.approval.at));
  }
  return anchor;
}

/** The span of `airings` passes through `pass` from `anchor`, plus the tail; null when there is nothing to air. */
export function airingsWindow(anchor: number, airings: number, pass: readonly { durationMs: number }[]): { start: number; end: number } | null {
  const passMs = pass.reduce((sum, i) => sum + i.durationMs, 0);
  return passMs > 0 ? { start: anchor, end: anchor + airings * passMs + ALERT_TAIL_MS } : null;
}

const repeated = new WeakMap<readonly object[], Map<number, object[]>>();

/** The items `airings` times through, as one list; copies get ids of their own, so each play record names its airing. */
export function repeatAirings<T extends { id: string }>(items: readonly T[], airings: number): T[] {
  if (airings <= 1) return items as T[];
  let byCount = repeated.get(items);
  if (!byCount) repeated.set(items, (byCount = new Map()));
  let list = byCount.get(airings) as T[] | undefined;
  if (!list) {
    list = Array.from({ length: airings }, (_, k) => (k === 0 ? items : items.map((i) => ({ ...i, id: copyId(i.id, k + 1, 'air') })))).flat();
    byCount.set(airings, list);
  }
  return list;
}
