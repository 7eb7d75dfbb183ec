// Server-side timed work. Players air their timeline by themselves; the server only has to act when a
// manifest's content moves on without anyone editing anything: at local midnight in each zone in use
// (the 8-day window slides a day) and when an alert expires (logged, and manifests re-offered).
// One node-schedule job at a time, always for the nearest such instant, re-planned after every change.
import schedule from 'node-schedule';
import type { FastifyBaseLogger } from 'fastify';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { localDayAt, usableTimeZone, wallToInstant } from '../../playlists/wall-clock.js';
import type { Clock } from '../clock.js';

/** Zones screens name, per screens list (a change that leaves the screens alone reuses it: no pass over 10,000 screens per edit). */
const zonesByList = new WeakMap<readonly object[], { defaultZone: string; zones: Set<string> }>();
function zonesOf(screens: Readonly<Catalogue>['screens'], defaultZone: string): Set<string> {
  const cached = zonesByList.get(screens);
  if (cached && cached.defaultZone === defaultZone) return cached.zones;
  const zones = new Set<string>();
  for (const s of screens) if (s.timeZone) zones.add(usableTimeZone(s.timeZone, defaultZone));
  zonesByList.set(screens, { defaultZone, zones });
  return zones;
}

/** The nearest instant after `now` at which the server must republish, and why. */
export function nextServerBoundary(catalogue: Readonly<Catalogue>, now: Date, defaultZone: string): { at: number; why: string } | null {
  const t = now.getTime();
  const zones = new Set([usableTimeZone(defaultZone), ...zonesOf(catalogue.screens, defaultZone)]);
  let best: { at: number; why: string } | null = null;
  const consider = (at: number, why: string) => {
    if (at > t && (!best || at < best.at)) best = { at, why };
  };
  for (const zone of zones) consider(wallToInstant(localDayAt(t, zone).day + 1, 0, zone), `midnight ${zone}`);
  for (const alert of catalogue.alerts) {
    if (alert.expiresAt && !alert.clearedAt) consider(Date.parse(alert.expiresAt), `alert ${alert.id} expires`);
  }
  return best;
}

export type BoundaryScheduler = ReturnType<typeof createBoundaryScheduler>;

export function createBoundaryScheduler(deps: {
  read: () => Readonly<Catalogue>;
  clock: Clock;
  timeZone: string;
  log: FastifyBaseLogger;
  /** Re-offers every connected player its manifest (sent only where the version changed). */
  publish: () => void;
}) {
  const { read, clock, timeZone, log, publish } = deps;
  let job: schedule.Job | null = null;
  let isClosed = false;
  let planned: { at: number; why: string } | null = null;

  function plan(): void {
    job?.cancel();
    job = null;
    if (isClosed) return;
    const now = clock.now();
    planned = nextServerBoundary(read(), now, timeZone);
    if (!planned) return;
    // The clock may be a test clock running ahead or behind; node-schedule waits on the real one.
    const realAt = new Date(Date.now() + (planned.at - now.getTime()) + 5);
    const why = planned.why;
    job = schedule.scheduleJob(realAt, () => {
      log.info({ boundary: why }, 'schedule boundary: republishing manifests');
      publish();
      plan();
    });
  }

  return {
    plan,
    /** The next planned instant (server clock), for tests and the console. */
    get next(): { at: Date; why: string } | null {
      return planned ? { at: new Date(planned.at), why: planned.why } : null;
    },
    close(): void {
      isClosed = true;
      job?.cancel();
      job = null;
    },
  };
}
