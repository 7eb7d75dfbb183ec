// Per-connection and per-screen pacing of what a player sends: a real player sends a heartbeat every
// interval and a few frames a minute; a client far above that is not a player.
/** Frames one connection may send in a burst, and per second after it (a reconnect sends hello, a heartbeat and a few plays batches). */
export const FRAME_BURST = 60;
export const FRAMES_PER_SECOND = 2;

/** A token bucket: `take()` is false once the burst is spent faster than the rate refills it. */
export function createTokenBucket(capacity: number, perSecond: number, now: () => number) {
  let tokens = capacity;
  let at = now();
  return {
    take(): boolean {
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - at) / 1000) * perSecond);
      at = t;
      if (tokens < 1) return false;
      tokens--;
      return true;
    },
  };
}

/**
 * Heartbeats are stored at most once per half interval per screen (however many connections it has);
 * more are still answered (liveness) and shown, but not stored.
 */
export function createHeartbeatPacer(heartbeatIntervalMs: number) {
  const lastStored = new Map<string, number>();
  const gap = heartbeatIntervalMs / 2;
  return {
    shouldStore(screenId: string, now: number): boolean {
      const last = lastStored.get(screenId);
      if (last !== undefined && now - last < gap) return false;
      lastStored.set(screenId, now);
      return true;
    },
  };
}
