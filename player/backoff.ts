// Reconnect delays: exponential with "full jitter" (a uniform draw below the exponential ceiling),
// so thousands of screens that lost the server at the same moment do not all return at once.

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Injected so tests can pin the draw; Math.random otherwise. */
  random?: () => number;
}

export function createBackoff({ baseMs = 1000, capMs = 30_000, random = Math.random }: BackoffOptions = {}) {
  let attempt = 0;
  return {
    /** The ceiling for the coming attempt: base·2^attempt, at most cap. */
    ceiling(): number {
      // The exponent is clamped so 2 ** attempt never overflows on a screen offline for weeks.
      return Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
    },
    /** The delay before the next attempt, in [0, ceiling). */
    next(): number {
      const delay = Math.floor(random() * this.ceiling());
      attempt++;
      return delay;
    },
    /** After a connection that stayed up, start again from the base. */
    reset(): void {
      attempt = 0;
    },
    get attempt() {
      return attempt;
    },
  };
}
export type Backoff = ReturnType<typeof createBackoff>;

/** A server's "retry after" is taken at its word, capped (a bad value must not silence a player for hours). */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** At least retryAfterMs (up to the cap), plus up to a quarter more at random, so a fleet told alike spreads out. */
export function retryDelay(retryAfterMs: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_AFTER_MS, Math.max(0, retryAfterMs));
  return base + Math.floor(random() * (base / 4));
}
