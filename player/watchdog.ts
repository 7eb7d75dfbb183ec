// The watchdog: a page that stops making progress (a wedged decoder, a loop stuck on a promise that
// never settles, a browser bug after weeks of uptime) is reloaded, since a reload is cheap and offline
// safe (the service worker serves the page, IndexedDB holds the records). Deliberate waiting (the
// built-in slogan while nothing can air) is not a stall. Pure: it is told the time and the loop's phase.
import type { LoopPhase } from './loop.js';

export interface WatchdogOptions {
  /** Monotonic milliseconds (performance.now in the browser): a clock correction must not look like a stall. */
  now(): number;
  phase(): LoopPhase;
  /** The item on air's planned duration; it may legitimately show that long without any other sign. */
  currentDurationMs(): number | null;
  /** Beyond an item's duration (its own safety timer cuts it 5 s after). */
  graceMs?: number;
  /** Getting the next item ready (prepare has its own 20 s timeout). */
  preparingLimitMs?: number;
}

export function createWatchdog(options: WatchdogOptions) {
  const { now, phase, currentDurationMs, graceMs = 30_000, preparingLimitMs = 60_000 } = options;
  let lastProgress = now();
  return {
    /** Something visibly moved: an item started or ended, a video advanced. */
    progress(): void {
      lastProgress = now();
    },
    /** Milliseconds without progress beyond what the current phase allows; 0 when all is well. */
    overdueMs(): number {
      const p = phase();
      if (p === 'waiting' || p === 'stopped') {
        lastProgress = now();
        return 0;
      }
      const limit = p === 'airing' ? (currentDurationMs() ?? 0) + graceMs : preparingLimitMs;
      return Math.max(0, now() - lastProgress - limit);
    },
  };
}
