// The volume resolver: how loud a screen airs over a time range, as contiguous segments, from the volume
// schedules that reach it and its quiet hours. Pure, like the timeline resolver, and read in the screen's
// own zone with the same daylight-saving rules (playlists/wall-clock.ts). docs/scheduling.md, "Volume".
import type { Catalogue } from './catalogue.schema.js';
import { quietIntervals, type Interval } from './occurrences.js';
import { ALL_WEEKDAYS, type QuietHours, type Target } from './schedule.schema.js';
import { indexByTarget, screenKeys, type ScreenAttributes } from './targets.js';
import type { VolumeLevel, VolumeSchedule } from './volume.schema.js';
import { isoWeekday, localDayAt, minutesOf, usableTimeZone, wallToInstant } from './wall-clock.js';

/** With no volume schedule in force the player uses the whole OS volume (set for the loudspeaker on site). */
export const FULL_VOLUME = 100;

/** Most specific target wins: a rule naming the screen beats its group, which beats its township or site type, which beats all. */
export const TARGET_SPECIFICITY: Record<Target['kind'], number> = { screens: 3, groups: 2, townships: 1, siteTypes: 1, all: 0 };

export interface VolumeSource {
  /** level: one of a schedule's levels; default: its defaultVolume; quiet: quiet hours (0); none: no schedule (100). */
  kind: 'level' | 'default' | 'quiet' | 'none';
  /** The volume schedule or quiet hours id; null for none. */
  id: string | null;
}

export interface VolumeSegment {
  start: number;
  end: number;
  volume: number;
  source: VolumeSource;
  reason: string;
}

interface Candidate extends Interval {
  volume: number;
  source: VolumeSource;
  reason: string;
  /** Larger wins: specificity, then the newer rule, then the larger id; within a rule its levels over its default. */
  rank: [number, string, string, number];
}

interface Indexed {
  volumeByKey: Map<string, VolumeSchedule[]>;
  quietByKey: Map<string, QuietHours[]>;
  /** Answers by zone, range and the rules reaching the screen: thousands of screens share a few. */
  resolved: Map<string, VolumeSegment[]>;
}
const MAX_RESOLVED = 2000;
const indexes = new WeakMap<object, Indexed>();

function indexOf(catalogue: Readonly<Catalogue>): Indexed {
  let found = indexes.get(catalogue);
  if (!found) {
    found = { volumeByKey: indexByTarget(catalogue.volumeSchedules ?? []), quietByKey: indexByTarget(catalogue.quietHours ?? []), resolved: new Map() };
    indexes.set(catalogue, found);
  }
  return found;
}

function reaching<T>(index: Map<string, T[]>, screen: ScreenAttributes): T[] {
  const found = new Set<T>();
  for (const key of screenKeys(screen)) for (const rule of index.get(key) ?? []) found.add(rule);
  return [...found];
}

/** The ids of the volume schedules that reach a screen: screens with equal ones (and equal zones) get equal volumes. */
export function volumeSignature(catalogue: Readonly<Catalogue>, screen: ScreenAttributes): string {
  return reaching(indexOf(catalogue).volumeByKey, screen)
    .map((r) => `${r.id}@${r.updatedAt ?? r.createdAt}`)
    .sort()
    .join(',');
}

const rulesKey = (rules: readonly VolumeSchedule[], quietRules: readonly QuietHours[]) => `${rules.map((r) => r.id).join(',')}|${quietRules.map((r) => r.id).join(',')}`;

/** What a screen's volumes depend on besides zone and range (the volume schedules and quiet hours reaching it): screens with equal ones get equal volumes. */
export function volumeRulesSignature(catalogue: Readonly<Catalogue>, screen: ScreenAttributes): string {
  const index = indexOf(catalogue);
  return rulesKey(reaching(index.volumeByKey, screen), reaching(index.quietByKey, screen));
}

export const levelLabel = (level: Pick<VolumeLevel, 'from' | 'to'>) => `${level.from}–${level.to}`;

/** A level's instants on local day `day`: it may wrap past midnight, ending on the next day. Null when empty. */
export function levelInterval(level: Pick<VolumeLevel, 'from' | 'to'>, day: number, timeZone: string): Interval | null {
  if (level.from === level.to) return null;
  const start = wallToInstant(day, minutesOf(level.from), timeZone);
  const end = wallToInstant(level.to > level.from ? day : day + 1, minutesOf(level.to), timeZone);
  return end > start ? { start, end } : null;
}

function candidatesOf(rule: VolumeSchedule, from: number, to: number, timeZone: string): Candidate[] {
  const out: Candidate[] = [];
  const weekdays = rule.weekdays ?? ALL_WEEKDAYS;
  const specificity = TARGET_SPECIFICITY[rule.target.kind];
  // One day earlier too: a level that wraps past midnight reaches into the range from the day before.
  const first = localDayAt(from, timeZone).day - 1;
  const last = localDayAt(to, timeZone).day;
  for (let day = first; day <= last; day++) {
    if (!weekdays.includes(isoWeekday(day))) continue;
    if (rule.defaultVolume !== undefined) {
      out.push({
        start: wallToInstant(day, 0, timeZone),
        end: wallToInstant(day + 1, 0, timeZone),
        volume: rule.defaultVolume,
        source: { kind: 'default', id: rule.id },
        reason: `volume-schedule:${rule.id} default`,
        rank: [specificity, rule.createdAt, rule.id, 0],
      });
    }
    for (const level of rule.levels) {
      const interval = levelInterval(level, day, timeZone);
      if (interval && interval.end > from && interval.start < to) {
        out.push({ ...interval, volume: level.volume, source: { kind: 'level', id: rule.id }, reason: `volume-schedule:${rule.id} ${levelLabel(level)}`, rank: [specificity, rule.createdAt, rule.id, 1] });
      }
    }
  }
  return out;
}

/** Negative when a outranks b, so sorting puts winners first. */
function byRank(a: Candidate, b: Candidate): number {
  const [sa, ca, ia, la] = a.rank;
  const [sb, cb, ib, lb] = b.rank;
  return sb - sa || (cb > ca ? 1 : cb < ca ? -1 : 0) || (ib > ia ? 1 : ib < ia ? -1 : 0) || lb - la || b.start - a.start;
}

/**
 * The screen's volume over [from, to): contiguous segments covering the range exactly, in order. Quiet
 * hours win over every schedule (volume 0); otherwise the most specific schedule that says something at
 * that moment (one of its levels, else its default) wins, the newer one among equally specific ones;
 * with none, full volume.
 */
export function resolveVolume(
  catalogue: Readonly<Catalogue>,
  screen: ScreenAttributes,
  from: Date | number,
  to: Date | number,
  options: { timeZone?: string } = {},
): VolumeSegment[] {
  const fromMs = +from;
  const toMs = +to;
  if (!(toMs > fromMs)) return [];
  const timeZone = usableTimeZone(screen.timeZone, options.timeZone);
  const index = indexOf(catalogue);
  const rules = reaching(index.volumeByKey, screen);
  const quietRules = reaching(index.quietByKey, screen);
  const memoKey = `${timeZone}|${fromMs}|${toMs}|${rulesKey(rules, quietRules)}`;
  const memo = index.resolved.get(memoKey);
  // Callers may change what they get (merging, clipping): each gets its own copy.
  if (memo) return memo.map((v) => ({ ...v }));
  const candidates = rules.flatMap((rule) => candidatesOf(rule, fromMs, toMs, timeZone));
  candidates.sort(byRank);
  const quiet: (Interval & { id: string })[] = quietRules.flatMap((rule) => quietIntervals(rule, fromMs, toMs, timeZone).map((i) => ({ ...i, id: rule.id })));

  const edges = new Set<number>([fromMs, toMs]);
  for (const i of [...candidates, ...quiet]) {
    if (i.start > fromMs && i.start < toMs) edges.add(i.start);
    if (i.end > fromMs && i.end < toMs) edges.add(i.end);
  }
  const points = [...edges].sort((a, b) => a - b);
  const segments: VolumeSegment[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const start = points[k]!;
    const end = points[k + 1]!;
    const silent = quiet.find((q) => q.start <= start && start < q.end);
    const winner = silent ? null : candidates.find((c) => c.start <= start && start < c.end);
    const next: VolumeSegment = silent
      ? { start, end, volume: 0, source: { kind: 'quiet', id: silent.id }, reason: `quiet-hours:${silent.id}` }
      : winner
        ? { start, end, volume: winner.volume, source: winner.source, reason: winner.reason }
        : { start, end, volume: FULL_VOLUME, source: { kind: 'none', id: null }, reason: 'no-volume-schedule' };
    const last = segments.at(-1);
    if (last && last.volume === next.volume && last.reason === next.reason) last.end = end;
    else segments.push(next);
  }
  if (index.resolved.size >= MAX_RESOLVED) index.resolved.clear();
  index.resolved.set(memoKey, segments.map((v) => ({ ...v })));
  return segments;
}

/** Two levels overlap when their daily arcs share a minute (a level may wrap past midnight). */
export function levelsOverlap(a: Pick<VolumeLevel, 'from' | 'to'>, b: Pick<VolumeLevel, 'from' | 'to'>): boolean {
  const arcs = (l: Pick<VolumeLevel, 'from' | 'to'>): [number, number][] => {
    const f = minutesOf(l.from);
    const t = minutesOf(l.to);
    return t > f ? [[f, t]] : [[f, 1440], [0, t]];
  };
  return arcs(a).some(([af, at]) => arcs(b).some(([bf, bt]) => af < bt && bf < at));
}
