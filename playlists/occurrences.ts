// When a rule is in force, as instants: the calendar (dates, weekdays) and wall-clock windows of a
// schedule entry, broadcast or quiet hours, read in one time zone and turned into [start, end) intervals.
import type { QuietWindow, TimeWindow } from './schedule.schema.js';
import { ALL_WEEKDAYS } from './schedule.schema.js';
import { dayOf, isoWeekday, localDayAt, minutesOf, wallToInstant, type DayNumber } from './wall-clock.js';

export interface Interval {
  start: number;
  end: number;
}

interface Calendar {
  startDate?: string | undefined;
  endDate?: string | undefined;
  weekdays?: number[] | undefined;
}

/** The last range asked for: every rule of every screen in a zone asks for the same one (Intl is slow). */
let lastCovering: { from: number; to: number; timeZone: string; days: readonly DayNumber[] } | null = null;

/** The local days between two instants, one day earlier too (a window or broadcast may reach past midnight). */
function daysCovering(from: number, to: number, timeZone: string): readonly DayNumber[] {
  if (lastCovering && lastCovering.from === from && lastCovering.to === to && lastCovering.timeZone === timeZone) return lastCovering.days;
  const first = localDayAt(from, timeZone).day - 1;
  const last = localDayAt(to, timeZone).day;
  const days: DayNumber[] = [];
  for (let d = first; d <= last; d++) days.push(d);
  lastCovering = { from, to, timeZone, days };
  return days;
}

function activeDays(calendar: Calendar, from: number, to: number, timeZone: string): DayNumber[] {
  const first = calendar.startDate ? dayOf(calendar.startDate) : -Infinity;
  const last = calendar.endDate ? dayOf(calendar.endDate) : Infinity;
  const weekdays = calendar.weekdays ?? ALL_WEEKDAYS;
  return daysCovering(from, to, timeZone).filter((d) => d >= first && d <= last && weekdays.includes(isoWeekday(d)));
}

/** Joins touching or overlapping intervals (a window to 24:00 and one from 00:00 air as one). */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

const clip = (i: Interval, from: number, to: number): Interval | null => {
  const start = Math.max(i.start, from);
  const end = Math.min(i.end, to);
  return end > start ? { start, end } : null;
};

/**
 * A schedule entry's intervals within [from, to), merged, but *not* clipped at the start: an interval
 * that began earlier keeps its true start, so its loop is anchored the same whatever window is asked.
 */
export function scheduleIntervals(
  rule: Calendar & { windows?: TimeWindow[] | undefined },
  from: number,
  to: number,
  timeZone: string,
): Interval[] {
  const isAlways = !rule.startDate && !rule.endDate && !rule.weekdays && !rule.windows;
  if (isAlways) return [{ start: -Infinity, end: Infinity }];
  const windows = rule.windows ?? [{ start: '00:00', end: '24:00' }];
  const raw: Interval[] = [];
  for (const day of activeDays(rule, from, to, timeZone)) {
    for (const w of windows) {
      const start = wallToInstant(day, minutesOf(w.start), timeZone);
      const end = wallToInstant(day, minutesOf(w.end), timeZone);
      if (end > start) raw.push({ start, end });
    }
  }
  return mergeIntervals(raw).filter((i) => i.end > from && i.start < to);
}

/** Quiet windows may wrap past midnight; a wrapped window belongs to the day it starts on. */
export function quietIntervals(rule: Calendar & { windows: QuietWindow[] }, from: number, to: number, timeZone: string): Interval[] {
  const raw: Interval[] = [];
  for (const day of activeDays(rule, from, to, timeZone)) {
    for (const w of rule.windows) {
      const start = wallToInstant(day, minutesOf(w.start), timeZone);
      const end = wallToInstant(w.end > w.start ? day : day + 1, minutesOf(w.end), timeZone);
      if (end > start) raw.push({ start, end });
    }
  }
  return mergeIntervals(raw)
    .map((i) => clip(i, from, to))
    .filter((i): i is Interval => i !== null);
}

/** The start instants of a broadcast's fixed times from a day before `from` up to `to`. */
export function broadcastStarts(rule: Calendar & { times: string[] }, from: number, to: number, timeZone: string): number[] {
  const starts = new Set<number>();
  for (const day of activeDays(rule, from, to, timeZone)) {
    for (const t of rule.times) {
      const at = wallToInstant(day, minutesOf(t), timeZone);
      if (at < to) starts.add(at);
    }
  }
  return [...starts].sort((a, b) => a - b);
}
