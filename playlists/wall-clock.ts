// Wall-clock time in an IANA zone ↔ instants, with Intl only (no tz database of our own), so the
// server and the browser player convert alike. Pure: every function takes the instant it works on.
// Daylight saving: a wall time in a spring-forward gap moves forward by the gap (02:30 → 03:30);
// a wall time that occurs twice on a fall-back night means its first occurrence.

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A calendar day as days since 1970-01-01 (a civil day number, zone-free). */
export type DayNumber = number;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  return formatter(timeZone) !== null;
}

/** The zone itself when valid, else the default: a screen with a typo in its zone still airs. */
export function usableTimeZone(timeZone: string | undefined, fallback = DEFAULT_TIME_ZONE): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : isValidTimeZone(fallback) ? fallback : 'UTC';
}

/** The zone's wall clock at an instant, read as if it were UTC (milliseconds, whole seconds). */
function wallAsUtc(ms: number, timeZone: string): number {
  const f = formatter(timeZone);
  if (!f) return Math.floor(ms / 1000) * 1000;
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const part of f.formatToParts(ms)) {
    switch (part.type) {
      case 'year': y = Number(part.value); break;
      case 'month': mo = Number(part.value); break;
      case 'day': d = Number(part.value); break;
      case 'hour': h = Number(part.value) % 24; break;
      case 'minute': mi = Number(part.value); break;
      case 'second': s = Number(part.value); break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Offset of the zone from UTC at an instant (Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  return wallAsUtc(ms, timeZone) - Math.floor(ms / 1000) * 1000;
}

/** The local calendar day and minute of day at an instant. */
export function localDayAt(ms: number, timeZone: string): { day: DayNumber; minuteOfDay: number } {
  const wall = wallAsUtc(ms, timeZone);
  const day = Math.floor(wall / DAY_MS);
  return { day, minuteOfDay: Math.floor((wall - day * DAY_MS) / MINUTE_MS) };
}

const wallCache = new Map<string, number>();
/** Per zone and day: the offset when it holds from the day before to the day after (no change near the day), else null. */
const steadyOffsets = new Map<string, number | null>();

function steadyOffset(day: DayNumber, timeZone: string): number | null {
  const key = `${timeZone}|${day}`;
  let offset = steadyOffsets.get(key);
  if (offset === undefined) {
    const start = day * DAY_MS;
    const samples = [start - DAY_MS, start, start + DAY_MS, start + 2 * DAY_MS].map((ms) => zoneOffsetMs(ms, timeZone));
    offset = samples.every((o) => o === samples[0]) ? samples[0]! : null;
    if (steadyOffsets.size > 10_000) steadyOffsets.clear();
    steadyOffsets.set(key, offset);
  }
  return offset;
}

/**
 * The instant when the zone's clock shows `minuteOfDay` (0–1440) on `day`. On a day with no offset change
 * near it (most days) that is one subtraction, whatever the minute: thousands of screens with dayparts of
 * their own ask for thousands of different wall times.
 */
export function wallToInstant(day: DayNumber, minuteOfDay: number, timeZone: string): number {
  const wall = day * DAY_MS + minuteOfDay * MINUTE_MS;
  const steady = steadyOffset(day, timeZone);
  if (steady !== null) return wall - steady;
  const key = `${timeZone}|${day}|${minuteOfDay}`;
  const cached = wallCache.get(key);
  if (cached !== undefined) return cached;
  const before = zoneOffsetMs(wall - DAY_MS, timeZone);
  const after = zoneOffsetMs(wall + DAY_MS, timeZone);
  let instant: number;
  if (before === after) {
    instant = wall - before;
  } else {
    const early = wall - before;
    const late = wall - after;
    const isEarlyReal = zoneOffsetMs(early, timeZone) === before;
    const isLateReal = zoneOffsetMs(late, timeZone) === after;
    if (isEarlyReal && isLateReal) instant = Math.min(early, late); // fall-back overlap: the first occurrence
    else if (isEarlyReal) instant = early;
    else if (isLateReal) instant = late;
    else instant = wall - before; // spring-forward gap: moved forward by the gap
  }
  if (wallCache.size > 50_000) wallCache.clear();
  wallCache.set(key, instant);
  return instant;
}

/** Parses "HH:MM" (or "24:00") into minutes of the day. */
export function minutesOf(wallTime: string): number {
  return Number(wallTime.slice(0, 2)) * 60 + Number(wallTime.slice(3, 5));
}

/** "YYYY-MM-DD" → day number. */
export function dayOf(localDate: string): DayNumber {
  return Date.UTC(Number(localDate.slice(0, 4)), Number(localDate.slice(5, 7)) - 1, Number(localDate.slice(8, 10))) / DAY_MS;
}

export function dateOf(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: DayNumber): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The instant the local day containing `ms` begins (a DST change at midnight moves it, handled). */
export function startOfLocalDay(ms: number, timeZone: string): number {
  return wallToInstant(localDayAt(ms, timeZone).day, 0, timeZone);
}

/** ISO 8601 with the zone's offset, e.g. 2026-01-10T07:00:00+08:00, for people reading previews. */
export function formatInZone(ms: number, timeZone: string): string {
  const offset = zoneOffsetMs(ms, timeZone);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / MINUTE_MS;
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
