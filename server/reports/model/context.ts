// What every report is computed from: a catalogue snapshot with its places, the sources (rollups,
// online time, as-run, chain), the zone, the reader's township scope, and how to tell a loudspeaker
// station from a screen. Reports are pure functions of this plus their parameters.
import type { Catalogue, Screen } from '../../../playlists/catalogue.schema.js';
import { dateOf, dayOf } from '../../../playlists/wall-clock.js';
import type { Place, Places } from '../places.js';
import type { ReportSources } from '../sources.js';

export interface ReportContext {
  catalogue: Readonly<Catalogue>;
  places: Places;
  sources: ReportSources;
  timeZone: string;
  /** The reader's township (accounts keep its name), or null for county staff. */
  scope: string | null;
  /** A village loudspeaker station rather than a screen (a player in audio mode). */
  isStation(screen: Screen): boolean;
  now: Date;
}

export interface Device {
  screen: Screen;
  place: Place;
  kind: 'screen' | 'station';
}

export const daysBetween = (from: string, to: string) => Array.from({ length: dayOf(to) - dayOf(from) + 1 }, (_, i) => dateOf(dayOf(from) + i));

/** Claimed screens attached to the register and inside the reader's scope. */
export function devicesOf(ctx: ReportContext): { devices: Device[]; unattached: Screen[] } {
  const devices: Device[] = [];
  const unattached: Screen[] = [];
  for (const screen of ctx.catalogue.screens) {
    if (screen.isProvisional || screen.revokedAt) continue;
    const place = ctx.places.placeOf(screen.id);
    if (!place) {
      if (ctx.scope === null || screen.township === ctx.scope) unattached.push(screen);
      continue;
    }
    if (!ctx.places.isInScope(place.townshipId, ctx.scope)) continue;
    devices.push({ screen, place, kind: ctx.isStation(screen) ? 'station' : 'screen' });
  }
  return { devices, unattached };
}

/** Townships inside the reader's scope, in register order. */
export const townshipsInScope = (ctx: ReportContext) => ctx.places.townships.filter((t) => ctx.places.isInScope(t.id, ctx.scope));

/** Groups "screenId|day" → a sum; used for airtime and online time per screen-day. */
export function sumByScreenDay<R extends { screenId: string; day: string }>(rows: readonly R[], value: (r: R) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.screenId}|${r.day}`;
    sums.set(key, (sums.get(key) ?? 0) + value(r));
  }
  return sums;
}

export const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
