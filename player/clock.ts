// Wall-clock time corrected by the server's clock. Cheap kiosk PCs often have a wrong date (dead
// CMOS battery, no NTP on an intranet), play records are proof of airing, and the players of a group
// must switch dayparts within a second of each other: so every player airs by server time.
// The offset is estimated from round trips (hello → welcome, heartbeat → ack), NTP-style:
// offset = serverTime − (sent + received) / 2, smoothed, and persisted for offline restarts.
import type { KeyValueStorage } from './storage.js';

export const OFFSET_KEY = 'crier.clockOffsetMs';

export interface OffsetEstimatorOptions {
  /** Weight of a new sample in the smoothed value. */
  smoothing?: number;
  /** A sample this far from the estimate means the local clock was stepped: take it at once. */
  stepMs?: number;
  /** Round trips longer than this many times the best recent one are mostly queueing: ignored. */
  slowFactor?: number;
  /** How many recent round trips decide what "best" means. */
  window?: number;
}

/** Pure: feed it round trips, read the smoothed offset. Unit-tested without a browser. */
export function createOffsetEstimator(initial: number | null, options: OffsetEstimatorOptions = {}) {
  const { smoothing = 0.3, stepMs = 1000, slowFactor = 2, window = 8 } = options;
  let offset = initial;
  let lastRoundTrip: number | null = null;
  const roundTrips: number[] = [];
  return {
    /**
     * One exchange: local send and receive times (ms since epoch, local clock) and the server's time
     * stamped in between. Returns true when the estimate changed.
     */
    sample(sentLocal: number, receivedLocal: number, serverTime: number): boolean {
      const roundTrip = receivedLocal - sentLocal;
      if (!Number.isFinite(roundTrip) || !Number.isFinite(serverTime) || roundTrip < 0) return false;
      lastRoundTrip = roundTrip;
      roundTrips.push(roundTrip);
      if (roundTrips.length > window) roundTrips.shift();
      const best = Math.min(...roundTrips);
      const measured = serverTime - (sentLocal + receivedLocal) / 2;
      if (offset === null || Math.abs(measured - offset) > Math.max(stepMs, roundTrip)) {
        offset = measured;
        return true;
      }
      // Half the round trip bounds this sample's error: a slow one says little, so it is skipped.
      if (roundTrip > Math.max(20, best * slowFactor)) return false;
      offset += smoothing * (measured - offset);
      return true;
    },
    get offsetMs(): number {
      return Math.round(offset ?? 0);
    },
    get hasSample(): boolean {
      return lastRoundTrip !== null;
    },
    get roundTripMs(): number | null {
      return lastRoundTrip;
    },
  };
}

export function createClock(storage: KeyValueStorage, options: { localNow?: () => number; onChange?: (offsetMs: number, previous: number) => void } = {}) {
  const localNow = options.localNow ?? (() => Date.now());
  // Kept across reloads so an offline restart still airs (and records) by server time.
  const stored = Number(storage.getItem(OFFSET_KEY));
  const estimator = createOffsetEstimator(Number.isFinite(stored) && storage.getItem(OFFSET_KEY) !== null ? stored : null);
  let lastSaved = estimator.offsetMs;
  const listeners: ((offsetMs: number, previous: number) => void)[] = options.onChange ? [options.onChange] : [];

  function update(previous: number): void {
    const now = estimator.offsetMs;
    if (now === previous) return;
    // Smoothing moves by milliseconds; writing every change would wear a kiosk's flash for nothing.
    if (Math.abs(now - lastSaved) >= 5) {
      lastSaved = now;
      try {
        storage.setItem(OFFSET_KEY, String(now));
      } catch {
        // The offset still applies for this page's life.
      }
    }
    for (const fn of listeners) fn(now, previous);
  }

  return {
    now: (): Date => new Date(localNow() + estimator.offsetMs),
    /** Local clock, uncorrected: what round trips are timed with. */
    localNow,
    /** One round trip: sent and received on the local clock, with the server's time from the answer. */
    sample(sentLocal: number, receivedLocal: number, serverTime: string): void {
      const previous = estimator.offsetMs;
      if (estimator.sample(sentLocal, receivedLocal, Date.parse(serverTime))) update(previous);
    },
    /** Called when the offset changes (the loop re-arms its boundary timers). */
    onChange(fn: (offsetMs: number, previous: number) => void): void {
      listeners.push(fn);
    },
    get offsetMs() {
      return estimator.offsetMs;
    },
    get roundTripMs() {
      return estimator.roundTripMs;
    },
  };
}
export type Clock = ReturnType<typeof createClock>;
