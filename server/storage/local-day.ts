// The local calendar day ("YYYY-MM-DD") of an instant in the server's zone, fast enough for the
// play ingest path: plays of one batch nearly always fall on the day of the previous one, so the
// last day's [start, end) is kept and Intl is asked only when an instant falls outside it.
import { dateOf, dayOf, localDayAt, wallToInstant } from '../../playlists/wall-clock.js';

export interface LocalDay {
  day: string;
  /** [start, end) in epoch ms. */
  start: number;
  end: number;
}

export function localDayBucket(day: string, timeZone: string): LocalDay {
  const n = dayOf(day);
  return { day, start: wallToInstant(n, 0, timeZone), end: wallToInstant(n + 1, 0, timeZone) };
}

/** Every local day from `fromDay` to `toDay` inclusive, with its bounds. */
export function localDaysBetween(fromDay: string, toDay: string, timeZone: string): LocalDay[] {
  const days: LocalDay[] = [];
  for (let n = dayOf(fromDay); n <= dayOf(toDay); n++) days.push(localDayBucket(dateOf(n), timeZone));
  return days;
}

export function createLocalDayOf(timeZone: string): (ms: number) => string {
  let last: LocalDay = { day: '', start: 0, end: 0 };
  return (ms) => {
    if (ms >= last.start && ms < last.end) return last.day;
    last = localDayBucket(dateOf(localDayAt(ms, timeZone).day), timeZone);
    return last.day;
  };
}
