// Play records between a player's frame and the disk, bounded. The store commits in a thread of its
// own (server/storage/airing.writer.ts), so a commit no longer stalls the event loop: whatever is
// admitted is handed over at once (up to `perCommit` records in its hands) and the thread groups it
// into transactions as it comes. What is bounded is the wait: a batch is taken only if, at the rate the
// server has made plays durable while saturated, it is durable within `maxWaitMs` of its arrival (time
// spent waiting to be read counts). Past that the server is behind, and the batch is answered `busy` at
// once with a time to come back: refused batches are given slots one after another at that rate, so the
// resends return at the pace the server can take, not as one wave.

export interface PlaysAdmissionLimits {
  /** Records in the store's hands at once (handed over, not yet committed), at most. */
  perCommit: number;
  /** Records accepted but not yet durable, at most, whatever the store's rate. */
  maxPending: number;
  /** How long an accepted batch should wait for the disk at most, from its arrival. */
  maxWaitMs: number;
  /** Records a second assumed before anything is measured, and the floor of what is measured. */
  minRate?: number;
}

// minRate 30,000: refused batches are given slots at the measured rate, and that rate (counted while the
// server is saturated, idle waits for those slots included) settles on its floor, so the floor paces a
// burst's drain. On a quiet 2-core machine (docs/scaling.md, fifth session) 30,000 drained 10,000 players'
// burst at 22.5-22.9k plays/s against 9.8-10.1k with 10,000; 40,000 drained no faster with 40 % more busy
// answers. A smaller or busier machine sets CRIER_PLAYS_MIN_RATE lower.
export const DEFAULT_PLAYS_ADMISSION: PlaysAdmissionLimits = { perCommit: 10_000, maxPending: 50_000, maxWaitMs: 500, minRate: 30_000 };

/** A busy player waits at least this long, and at most BUSY_RETRY_MAX_MS, before resending. */
export const BUSY_RETRY_MIN_MS = 250;
export const BUSY_RETRY_MAX_MS = 60_000;

/** The rate is measured over roughly this long (older figures count half every period). */
const RATE_HALF_LIFE_MS = 3_000;
/** minRate counts as this much measurement: the first figures move the rate, but do not replace it at once. */
const PRIOR_MS = 250;
/** A refusal means the server is at what it can take for about this long. */
const SATURATED_AFTER_REFUSAL_MS = 1_000;

export type PlaysAdmission = ReturnType<typeof createPlaysAdmission>;

export interface PlaysAdmissionOptions {
  now?: () => number;
  /** Whether frames wait to be read (server/gateway/frame-queue.ts): the server is saturated, its rate is what it can take. */
  isBacklogged?: () => boolean;
}

export function createPlaysAdmission(limits: PlaysAdmissionLimits = DEFAULT_PLAYS_ADMISSION, options: PlaysAdmissionOptions = {}) {
  const { now = () => performance.now(), isBacklogged = () => false } = options;
  const minPerMs = (limits.minRate ?? DEFAULT_PLAYS_ADMISSION.minRate!) / 1000;
  let inStore = 0;
  let waitingRecords = 0;
  const waiting: { records: number; start: () => void }[] = [];
  // The rate: records made durable while the server was saturated (frames waiting to be read, batches
  // waiting for room in the store, or batches refused lately), over that time. Measured while it is given
  // less than it can take, it would say what it was given, not what it can take.
  let written = 0;
  let sampledMs = 0;
  let lastAt = now();
  let refusedAt = -Infinity;
  let decayedAt = now();
  /** When the store is free for the next refused batch (the slots already given to earlier ones). */
  let nextSlotAt = -Infinity;

  const isSaturated = (t: number) => isBacklogged() || waiting.length > 0 || t - refusedAt < SATURATED_AFTER_REFUSAL_MS;

  function decay(t: number): void {
    const halves = Math.floor((t - decayedAt) / RATE_HALF_LIFE_MS);
    if (halves <= 0) return;
    written /= 2 ** halves;
    sampledMs /= 2 ** halves;
    decayedAt += halves * RATE_HALF_LIFE_MS;
  }

  /** Counts the time since the last look (and what became durable in it) when the server was saturated. */
  function sample(t: number, records: number): void {
    decay(t);
    if (isSaturated(t)) {
      sampledMs += t - lastAt;
      written += records;
    }
    lastAt = t;
  }

  /**
   * Records per millisecond: as measured while saturated (minRate counting as PRIOR_MS of measurement),
   * never below minRate. Without the floor a slow stretch feeds on itself: a low rate refuses more,
   * refusals cost the loop time, fewer plays become durable, and the rate falls further.
   */
  function rate(): number {
    decay(now());
    return Math.max(minPerMs, (written + minPerMs * PRIOR_MS) / (sampledMs + PRIOR_MS));
  }

  const bound = () => Math.min(limits.maxPending, Math.floor(rate() * limits.maxWaitMs));
  const pending = () => inStore + waitingRecords;
  const fits = (records: number) => inStore === 0 || inStore + records <= limits.perCommit;
  /** Whether a batch that waited `waitedMs` to be read would wait past maxWaitMs in all; alone, it is always taken. */
  const isFull = (records: number, waitedMs = 0) =>
    pending() > 0 && (pending() + records > limits.maxPending || pending() + records > rate() * Math.max(0, limits.maxWaitMs - waitedMs));

  function startWaiting(): void {
    while (waiting.length && fits(waiting[0]!.records)) {
      const next = waiting.shift()!;
      waitingRecords -= next.records;
      next.start();
    }
  }

  return {
    /**
     * Runs `write` (the store call for `records` records) now or when the store has room for them.
     * Null, and `write` never runs, when the server is too far behind: the caller answers busy.
     */
    admit<T>(records: number, write: () => Promise<T>, waitedMs = 0): Promise<T> | null {
      if (isFull(records, waitedMs)) return null;
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          inStore += records;
          const done = (isWritten: boolean) => {
            sample(now(), isWritten ? records : 0);
            inStore -= records;
            startWaiting();
          };
          new Promise<T>((resolveWrite) => resolveWrite(write())).then(
            (value) => (done(true), resolve(value)),
            (error: unknown) => (done(false), reject(error)),
          );
        };
        if (waiting.length === 0 && fits(records)) start();
        else {
          waiting.push({ records, start });
          waitingRecords += records;
        }
      });
    },
    /**
     * When a refused batch of `records` should come back: once what is pending is durable, after the
     * batches refused before it (each given its share of the store's time), within the bounds.
     */
    retryAfterMs(records: number): number {
      const t = now();
      sample(t, 0);
      refusedAt = t;
      const perMs = rate();
      const at = Math.max(t + pending() / perMs, nextSlotAt, t + BUSY_RETRY_MIN_MS);
      nextSlotAt = at + records / perMs;
      return Math.min(BUSY_RETRY_MAX_MS, Math.ceil(at - t));
    },
    /** Records accepted and not yet durable. */
    get pending(): number {
      return pending();
    },
    /** Whether a batch of this size, read after waiting `waitedMs`, would be refused now. */
    isFull: (records = 1, waitedMs = 0) => isFull(records, waitedMs),
    /** How many records may be pending now (the store's recent rate × maxWaitMs, within the limits). */
    get bound(): number {
      return bound();
    },
    /** The rate as the admission sees it (records a second). */
    get rate(): number {
      return Math.round(rate() * 1000);
    },
  };
}
