// Epoch milliseconds as ISO 8601 text, exactly as Date#toISOString writes them, for the thousands of
// times a screen-day's plays are turned into text: toISOString makes a Date and formats it in C++
// each time (a fifth of the as-run log's time); here the date part is formatted once per UTC day.
const DAY_MS = 86_400_000;
/** Date's range (±100,000,000 days): beyond it toISOString throws, and so do we by calling it. */
const MAX_MS = 8.64e15;

let cachedDay = Number.NaN;
let cachedPrefix = '';

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

export function isoTime(epochMs: number): string {
  if (!(Math.abs(epochMs) <= MAX_MS)) return new Date(epochMs).toISOString();
  const ms = Math.trunc(epochMs) + 0; // as Date does; + 0 turns -0 into 0
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    // "2027-01-11T" (or "+010000-01-01T" beyond year 9999): everything before the time of day.
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, -13);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${cachedPrefix}${two(hours)}:${two(minutes)}:${two(seconds)}.${three(rest - seconds * 1000)}Z`;
}
