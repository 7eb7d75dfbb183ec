// Times as staff read them: in the deployment's zone (CRIER_TIME_ZONE, from /healthz), in their language.
import { locale, t } from './i18n.js';

let zone = 'Asia/Shanghai';
export const setTimeZone = (z: string) => (zone = z);
export const timeZone = () => zone;

const parts = (ms: number) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;

export function formatTime(iso: string | number | null | undefined, withSeconds = false): string {
  if (iso === null || iso === undefined) return t.never;
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  return new Date(ms).toLocaleString(locale, { timeZone: zone, hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}) });
}

/** "YYYY-MM-DD" of the instant, in the zone. */
export function localDate(ms: number): string {
  const p = parts(ms);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "YYYY-MM-DDTHH:MM" for <input type="datetime-local">, in the zone. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const p = parts(Date.parse(iso));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The instant a zone wall time names (good to the minute; DST edges resolved by one correction). */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const [d, hm] = value.split('T') as [string, string];
  const wall = Date.parse(`${d}T${hm}:00Z`);
  const offset = (ms: number) => {
    const p = parts(ms);
    return Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}Z`) - Math.floor(ms / 1000) * 1000;
  };
  let guess = wall - offset(wall);
  guess = wall - offset(guess);
  return new Date(guess).toISOString();
}

export const minutesSince = (iso: string | null, now = Date.now()) => (iso ? Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000)) : null);

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}${t.seconds}`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}:${String(s % 60).padStart(2, '0')}`;
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
