// The one resolver: what a screen airs over a time range, as contiguous segments (no gaps, no overlaps),
// each saying which rule won and over what. Pure and deterministic: the server uses it for previews and
// manifests, the player bundles the same code. docs/scheduling.md states the rules this implements.
import { airingsAnchor, airingsWindow, repeatAirings } from './alert-airings.js';
import { DEFAULT_STILL_MS, isAirable, playbackFile } from './build-manifest.js';
import type { Catalogue, MediaItem, Playlist } from './catalogue.schema.js';
import { broadcastStarts, quietIntervals, scheduleIntervals, type Interval } from './occurrences.js';
import type { Alert, Broadcast, QuietHours, ScheduleEntry } from './schedule.schema.js';
import { weaveShareOfVoice } from './share-of-voice.js';
import { itemById, reachingIds } from './catalogue.index.js';
import { screenKeys, type ScreenAttributes } from './targets.js';
import { DAY_MS, usableTimeZone } from './wall-clock.js';

/** The precedence stack, top first: alert > fixed-time broadcast > schedule entries > default campaign. */
export const LAYERS = { alert: 3, broadcast: 2, schedule: 1, default: 0 } as const;
export type SourceKind = keyof typeof LAYERS | 'none';

export interface SourceRef {
  kind: SourceKind;
  /** The alert, broadcast or schedule entry id; the playlist id for the default campaign; null for none. */
  id: string | null;
  priority: number;
}

export interface ResolvedItem {
  /** The playlist item id (share-of-voice copies get a suffix), unique within the segment. */
  id: string;
  mediaId: string;
  durationMs: number;
  media: MediaItem;
}

export interface Segment {
  start: number;
  end: number;
  source: SourceRef;
  playlistId: string | null;
  playlistName: string | null;
  /** loop: the playlist repeats; once: a broadcast (or an alert's N airings at a station) airs one time through from `anchor`. */
  mode: 'loop' | 'once';
  /** When the content began: a broadcast's fixed time (a resumed broadcast continues from there); null for loops. */
  anchor: number | null;
  items: ResolvedItem[];
  /** Quiet hours: audio items are left out. */
  isQuiet: boolean;
  /** The rules that were also in force and lost, highest first. */
  beat: SourceRef[];
  /** Rules that outranked the winner but had nothing this screen can air (an audio station: no audio), highest first. */
  passed: PassedRule[];
}

export interface PassedRule {
  source: SourceRef;
  playlistId: string;
  playlistName: string;
}

export interface Timeline {
  screenId: string;
  timeZone: string;
  from: number;
  to: number;
  segments: Segment[];
}

export interface ResolveOptions {
  /** The zone for screens without their own (the server's CRIER_TIME_ZONE). */
  timeZone?: string;
}

interface Candidate {
  source: SourceRef;
  layer: number;
  playlist: Playlist;
  start: number;
  end: number;
  mode: 'loop' | 'once';
  anchor: number | null;
  /** Layer and priority in one number: larger wins. */
  score: number;
  /** Breaks ties of equal score: larger wins (a later broadcast time, then the newer rule, then the larger id). */
  tie: number;
  tie2: number;
  /** Times through the items: 1, except for an alert at a station (alert-airings.ts). Every candidate has it: one object shape keeps the hot loop fast. */
  airings: number;
}

/** Everything derived from one catalogue that does not depend on the screen; cached per catalogue object. */
interface Prepared {
  playlists: Map<string, Playlist>;
  media: Map<string, MediaItem>;
  schedules: readonly ScheduleEntry[];
  broadcasts: readonly Broadcast[];
  alerts: readonly Alert[];
  quietHours: readonly QuietHours[];
  /** Instants at which some item of the playlist becomes or stops being airable. */
  validityEdges: Map<string, number[]>;
  items: Map<Playlist, ResolvedItem[][]>;
  intervals: Map<string, Map<object, Interval[]>>;
}

const prepared = new WeakMap<object, Prepared>();

function prepare(catalogue: Readonly<Catalogue>): Prepared {
  let p = prepared.get(catalogue);
  if (p) return p;
  const media = new Map(catalogue.media.map((m) => [m.id, m]));
  const validityEdges = new Map<string, number[]>();
  for (const playlist of catalogue.playlists) {
    const edges = new Set<number>();
    for (const item of playlist.items) {
      const m = media.get(item.mediaId);
      if (m?.validFrom) edges.add(Date.parse(m.validFrom));
      if (m?.validTo) edges.add(Date.parse(m.validTo));
    }
    validityEdges.set(playlist.id, [...edges].sort((a, b) => a - b));
  }
  // The rule lists are read through their indexes (catalogue.index.ts), which commits carry: nothing here
  // passes over every rule, so a catalogue with 10,000 schedule entries prepares as fast as one with ten.
  p = {
    playlists: new Map(catalogue.playlists.map((pl) => [pl.id, pl])),
    media,
    schedules: catalogue.schedules,
    broadcasts: catalogue.broadcasts ?? [],
    alerts: catalogue.alerts ?? [],
    quietHours: catalogue.quietHours ?? [],
    validityEdges,
    items: new Map(),
    intervals: new Map(),
  };
  prepared.set(catalogue, p);
  return p;
}

type Rule = { id: string; createdAt: string };
const byAge = (a: Rule, b: Rule) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The rules of a list whose targets match these keys (found through the list's index by what they reach),
 * oldest first by (createdAt, id): a rule's place here is its tie-break, as only rules of one kind reaching
 * one screen are ever compared.
 */
function rulesFor<T extends Rule>(list: readonly T[], keys: string[]): T[] {
  const ids = new Set<string>();
  for (const key of keys) for (const id of reachingIds(list, key)) ids.add(id);
  return [...ids].map((id) => itemById(list, id)!).sort(byAge);
}

/** Media that can air at instant t: ready, inside its validity, with a file a player can fetch. */
export function isPlayable(media: MediaItem, t: number): boolean {
  return isAirable(media, new Date(t)) && (media.kind === 'text' || playbackFile(media) !== null);
}

export const itemDurationMs = (item: { durationMs?: number | undefined }, media: MediaItem) =>
  item.durationMs ?? media.file?.durationMs ?? DEFAULT_STILL_MS;

/**
 * The playlist's airable items at t (quiet: without audio; an audio station: audio only; loops: share of
 * voice woven in). Memoised.
 */
function itemsAt(p: Prepared, playlist: Playlist, t: number, isQuiet: boolean, mode: 'loop' | 'once', isAudioOnly = false): ResolvedItem[] {
  const edges = p.validityEdges.get(playlist.id) ?? [];
  let bucket = 0;
  while (bucket < edges.length && edges[bucket]! <= t) bucket++;
  let memo = p.items.get(playlist);
  if (!memo) p.items.set(playlist, (memo = []));
  const slot = bucket * 8 + (isAudioOnly ? 4 : 0) + (isQuiet ? 2 : 0) + (mode === 'loop' ? 1 : 0);
  let items = memo[slot];
  if (items) return items;
  const plain: (ResolvedItem & { minPerHour?: number | undefined })[] = [];
  for (const entry of playlist.items) {
    const media = p.media.get(entry.mediaId);
    if (!media || !isPlayable(media, t)) continue;
    if (isQuiet && media.kind === 'audio') continue;
    if (isAudioOnly && media.kind !== 'audio') continue;
    plain.push({ id: entry.id, mediaId: media.id, durationMs: itemDurationMs(entry, media), media, minPerHour: entry.minPerHour });
  }
  items = (mode === 'loop' ? weaveShareOfVoice(plain) : plain).map(({ minPerHour: _, ...item }) => item);
  memo[slot] = items;
  return items;
}

function intervalsOf<T extends object>(p: Prepared, rule: T, zoneKey: string, compute: () => Interval[]): Interval[] {
  let byRule = p.intervals.get(zoneKey);
  if (!byRule) p.intervals.set(zoneKey, (byRule = new Map()));
  let intervals = byRule.get(rule);
  if (!intervals) byRule.set(rule, (intervals = compute()));
  return intervals;
}

/** Negative when a outranks b: the sort puts winners first. */
function byRank(a: Candidate, b: Candidate): number {
  return b.score - a.score || b.tie - a.tie || b.tie2 - a.tie2;
}
const scoreOf = (layer: number, priority: number) => layer * 10_000 + priority;

const samePassed = (a: PassedRule[], b: PassedRule[]) => a.length === b.length && a.every((r, i) => r.source === b[i]!.source);
const sameItems = (a: ResolvedItem[], b: ResolvedItem[]) => a === b || (a.length === b.length && a.every((x, i) => x.id === b[i]!.id && x.media === b[i]!.media));

/** Resolves what the screen airs in [from, to). The segments cover the range exactly, in order. */
export function resolveTimeline(
  catalogue: Readonly<Catalogue>,
  screen: ScreenAttributes,
  from: Date | number,
  to: Date | number,
  options: ResolveOptions = {},
): Timeline {
  const fromMs = +from;
  const toMs = +to;
  const timeZone = usableTimeZone(screen.timeZone, options.timeZone);
  const timeline: Timeline = { screenId: screen.id, timeZone, from: fromMs, to: toMs, segments: [] };
  if (!(toMs > fromMs)) return timeline;
  const p = prepare(catalogue);
  const keys = screenKeys(screen);
  const zoneKey = `${timeZone}|${fromMs}|${toMs}`;
  // A station airs audio only: a rule with none is passed over like one whose items are all unapproved.
  const isAudioOnly = screen.mode === 'audio';
  const candidates: Candidate[] = [];
  const add = (c: Candidate) => {
    if (c.end > fromMs && c.start < toMs) candidates.push(c);
  };

  const fallback = catalogue.defaultPlaylistId ? p.playlists.get(catalogue.defaultPlaylistId) : undefined;
  if (fallback) {
    add({ source: { kind: 'default', id: fallback.id, priority: 0 }, layer: LAYERS.default, playlist: fallback, start: -Infinity, end: Infinity, mode: 'loop', anchor: null, score: scoreOf(LAYERS.default, 0), tie: 0, tie2: 0, airings: 1 });
  }
  for (const [rank, entry] of rulesFor(p.schedules, keys).entries()) {
    const playlist = p.playlists.get(entry.playlistId);
    if (!playlist) continue;
    const source: SourceRef = { kind: 'schedule', id: entry.id, priority: entry.priority };
    for (const i of intervalsOf(p, entry, zoneKey, () => scheduleIntervals(entry, fromMs, toMs, timeZone))) {
      add({ source, layer: LAYERS.schedule, playlist, start: i.start, end: i.end, mode: 'loop', anchor: null, score: scoreOf(LAYERS.schedule, entry.priority), tie: rank, tie2: 0, airings: 1 });
    }
  }
  for (const [rank, broadcast] of rulesFor(p.broadcasts, keys).entries()) {
    const playlist = p.playlists.get(broadcast.playlistId);
    if (!playlist) continue;
    const source: SourceRef = { kind: 'broadcast', id: broadcast.id, priority: broadcast.priority };
    // A broadcast's length is its airable items' here: an audio station's differ from a screen's, so each has its own.
    const occurrences = intervalsOf(p, broadcast, isAudioOnly ? `${zoneKey}|audio` : zoneKey, () =>
      broadcastStarts(broadcast, fromMs, toMs, timeZone).map((start) => ({
        start,
        end: start + itemsAt(p, playlist, start, false, 'once', isAudioOnly).reduce((sum, i) => sum + i.durationMs, 0),
      })),
    );
    for (const o of occurrences) {
      // A later fixed time is honoured to the second: it cuts into an earlier broadcast of equal rank.
      if (o.end > o.start) add({ source, layer: LAYERS.broadcast, playlist, start: o.start, end: o.end, mode: 'once', anchor: o.start, score: scoreOf(LAYERS.broadcast, broadcast.priority), tie: o.start, tie2: rank, airings: 1 });
    }
  }
  for (const [rank, alert] of rulesFor(p.alerts, keys).entries()) {
    const playlist = p.playlists.get(alert.playlistId);
    if (!playlist) continue;
    const start = Date.parse(alert.startsAt);
    const end = Math.min(alert.expiresAt ? Date.parse(alert.expiresAt) : Infinity, alert.clearedAt ? Date.parse(alert.clearedAt) : Infinity);
    if (!(end > start)) continue;
    const source: SourceRef = { kind: 'alert', id: alert.id, priority: alert.priority };
    const score = scoreOf(LAYERS.alert, alert.priority);
    const tie2 = rank;
    // A station airs an alert's audio N times, then its schedule again; screens show the alert for its life.
    const anchor = isAudioOnly && alert.airings ? airingsAnchor(alert, playlist, p.media) : null;
    const window = anchor === null ? null : airingsWindow(anchor, alert.airings!, itemsAt(p, playlist, anchor, false, 'once', true));
    if (window && window.start < end) add({ source, layer: LAYERS.alert, playlist, start: window.start, end: Math.min(end, window.end), mode: 'once', anchor, score, tie: start, tie2, airings: alert.airings! });
    else if (!window) add({ source, layer: LAYERS.alert, playlist, start, end, mode: 'loop', anchor: null, score, tie: start, tie2, airings: 1 });
  }
  const quiet: Interval[] = [];
  for (const rule of rulesFor(p.quietHours, keys)) quiet.push(...intervalsOf(p, rule, zoneKey, () => quietIntervals(rule, fromMs, toMs, timeZone)));

  candidates.sort(byRank);

  const edges = new Set<number>([fromMs, toMs]);
  const within = (t: number) => t > fromMs && t < toMs && edges.add(t);
  const playlistsSeen = new Set<string>();
  for (const c of candidates) {
    within(c.start);
    within(c.end);
    if (!playlistsSeen.has(c.playlist.id)) {
      playlistsSeen.add(c.playlist.id);
      for (const e of p.validityEdges.get(c.playlist.id) ?? []) within(e);
    }
  }
  for (const q of quiet) {
    within(q.start);
    within(q.end);
  }
  const points = [...edges].sort((a, b) => a - b);

  // Candidates by day of the range (rank order kept), so a week-long timeline scans a day's rules per point.
  const bucketOf = (t: number) => Math.floor((t - fromMs) / DAY_MS);
  const buckets: Candidate[][] = Array.from({ length: bucketOf(toMs - 1) + 1 }, () => []);
  for (const c of candidates) {
    const last = bucketOf(Math.min(c.end, toMs) - 1);
    for (let b = Math.max(0, bucketOf(Math.max(c.start, fromMs))); b <= last; b++) buckets[b]!.push(c);
  }
  const segments = timeline.segments;
  const winners: (Candidate | null)[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k]!;
    const end = points[k + 1]!;
    const isQuiet = quiet.some((q) => q.start <= start && start < q.end);
    // Candidates are in rank order: the first one in force with something to air wins.
    let winner: Candidate | null = null;
    let items: ResolvedItem[] = [];
    const passed: PassedRule[] = [];
    for (const c of buckets[bucketOf(start)]!) {
      if (c.start > start || c.end <= start) continue;
      const found = repeatAirings(itemsAt(p, c.playlist, start, isQuiet, c.mode, isAudioOnly), c.airings);
      if (found.length) {
        winner = c;
        items = found;
        break;
      }
      // In quiet hours the quiet itself is the reason: passed-over rules are not listed (nor split segments).
      if (!isQuiet && !passed.some((r) => r.source === c.source)) passed.push({ source: c.source, playlistId: c.playlist.id, playlistName: c.playlist.name });
    }
    const last = segments.at(-1);
    if (last && winner === winners.at(-1) && last.isQuiet === isQuiet && sameItems(last.items, items) && samePassed(last.passed, passed)) {
      last.end = end;
      continue;
    }
    winners.push(winner);
    segments.push({
      start,
      end,
      source: winner?.source ?? { kind: 'none', id: null, priority: 0 },
      playlistId: winner?.playlist.id ?? null,
      playlistName: winner?.playlist.name ?? null,
      mode: winner?.mode ?? 'loop',
      anchor: winner?.anchor ?? null,
      items,
      isQuiet,
      beat: [],
      passed,
    });
  }
  // What each segment beat: the other rules in force during it that rank below the winner.
  for (let i = 0; i < segments.length; i++) {
    const winner = winners[i];
    if (!winner) continue;
    const segment = segments[i]!;
    const seen = new Set<SourceRef>([winner.source]);
    for (const c of candidates) {
      if (c.end <= segment.start || c.start >= segment.end || seen.has(c.source) || byRank(c, winner) < 0) continue;
      seen.add(c.source);
      segment.beat.push(c.source);
    }
  }
  return timeline;
}

/**
 * Which rules can reach a screen, and in which zone: screens with equal signatures get equal timelines,
 * so a manifest can be built once for all of them (a county has thousands of screens, few combinations).
 */
export function screenSignature(catalogue: Readonly<Catalogue>, screen: ScreenAttributes, options: ResolveOptions = {}): string {
  const p = prepare(catalogue);
  const keys = screenKeys(screen);
  const ids: string[] = [usableTimeZone(screen.timeZone, options.timeZone), screen.mode === 'audio' ? 'audio' : 'screen'];
  for (const list of [p.schedules, p.broadcasts, p.alerts, p.quietHours] as (readonly Rule[])[]) ids.push(rulesFor(list, keys).map((r) => r.id).join(','));
  return ids.join('|');
}

// At module level: a function made per call costs a name definition per call where names are kept (tsx), and builds describe tens of segments each.
const sourceName = (s: SourceRef) => (s.kind === 'default' ? 'default-campaign' : s.kind === 'none' ? 'nothing-airable' : `${s.kind}:${s.id}`);
/** Why a segment airs, for people: "broadcast:bc-1 (priority 0) over schedule:sch-2, default:pl-default". */
export function describeSegment(segment: Pick<Segment, 'source' | 'beat'> & Partial<Pick<Segment, 'passed'>>): string {
  const head = segment.source.kind === 'schedule' || segment.source.kind === 'alert' || segment.source.kind === 'broadcast' ? `${sourceName(segment.source)} (priority ${segment.source.priority})` : sourceName(segment.source);
  const passed = segment.passed?.length ? `; passed over (nothing to air): ${segment.passed.map((r) => sourceName(r.source)).join(', ')}` : '';
  return (segment.beat.length ? `${head} over ${segment.beat.map(sourceName).join(', ')}` : head) + passed;
}

/** The segment containing instant t, or null outside the timeline. */
export function segmentAt<S extends { start: number; end: number }>(segments: readonly S[], t: number): S | null {
  let low = 0;
  let high = segments.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const s = segments[mid]!;
    if (t < s.start) high = mid - 1;
    else if (t >= s.end) low = mid + 1;
    else return s;
  }
  return null;
}
