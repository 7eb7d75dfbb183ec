// Play records between a player's frame and the disk, bounded. The store commits in a thread of its
// own (server/storage/airing.writer.ts), so a commit no longer stalls the event loop: whatever is
// admitted is handed over at once (up to `perCommit` records in its hands) and the thread groups it
// into transactions as it comes. What is bounded is the wait: a batch is taken only if, at the pace the
// server is found to keep, it is durable within `maxWaitMs` of its arrival (time spent waiting to be
// read counts). Past that the server is behind, and the batch is answered `busy` at once with a time to
// come back: refused batches are given slots one after another at that pace, so the resends return at
// the rate the server can take, not as one wave.
//
// The pace follows whichever part is narrowest, the main thread (frames waiting to be read) or the
// writer thread (commits), by what happens to the batches it paces (AIMD-like, decided once a round):
// it rises while batches that came back at their slot are taken and made durable in time (to at most an
// eighth above the rate records were made durable at in that round); it falls when
// such a batch is refused again by the bound, or when a taken batch is made durable later than maxWaitMs
// (a slotted batch from its arrival, reading included; any other from when it was read). It never goes
// below `minRate`. What a burst's first wave waits to be read (the players sent it at once; it is read in
// slices) is no verdict on the pace: a batch refused for that wait gets its slot after it and does not
// lower the pace. In traced 5,000-player bursts (floor 10,000) those waits made the pace fall from 30,000
// to its floor within 2 s of the burst's start (docs/scaling.md, seventh session, stalls). A rate measured from what became
// durable (the fifth session's) measured the pace it had set itself and settled on its floor, so a
// constant paced every burst.

export interface PlaysAdmissionLimits {
  /** Records in the store's hands at once (handed over, not yet committed), at most. */
  perCommit: number;
  /** Records accepted but not yet durable, at most, whatever the store's rate. */
  maxPending: number;
  /** How long an accepted batch should wait for the disk at most, from its arrival. */
  maxWaitMs: number;
  /** The pace (records a second) never goes below this. */
  minRate?: number;
  /** The pace before anything is learned (at least minRate); DEFAULT_START_RATE unless given. */
  startRate?: number;
}

// minRate 30,000: on the quiet 2-core machine (docs/scaling.md, sixth session, coordinator) the pace fell
// below 30,000 within a 10,000-player burst and drained it at 13.3-15.5k plays/s with a floor of 10,000,
// against 20.4-20.8k with 30,000 (alternated, same minutes; ack p99 of a taken batch 0.7-0.8 s in both).
// The pace still rises above the floor when the machine takes more. A crowded or smaller machine, where a
// fixed 30,000 churned (slots too early, resends refused again), sets CRIER_PLAYS_MIN_RATE lower and the
// pace then falls as far as that.
//
// maxWaitMs 300 (500 until the twenty-first session): with the pace held at its 30,000 floor while the writer
// stores ~20,000 a second on that machine, a taken batch waits about 1.5-2× maxWaitMs in all, and at 500 a
// 10,000-player burst's first wave (≈ 10,000 records taken at once, stored at 11-12k a second while the main
// thread refused the wave's other frames) was acknowledged at 1.0-1.3 s (ack p99). At 300, six alternated
// pairs: ack p99 423-704 ms (median 516) against 923-1,316 (1,015), plays/s and the server's CPU unchanged
// (median 20.5k against 20.4k; docs/scaling.md, twenty-first session).
export const DEFAULT_START_RATE = 30_000;
export const DEFAULT_PLAYS_ADMISSION: PlaysAdmissionLimits = { perCommit: 10_000, maxPending: 50_000, maxWaitMs: 300, minRate: 30_000 };

/** A busy player waits at least this long, and at most BUSY_RETRY_MAX_MS, before resending. */
export const BUSY_RETRY_MIN_MS = 250;
export const BUSY_RETRY_MAX_MS = 60_000;

/**
 * The pace moves at most once a round: by FALL when more than TROUBLE_SHARE of the round's outcomes went
 * wrong (a batch durable late, a slotted batch refused again), else by RISE when a slotted batch was taken
 * in time, but to no more than RISE × the rate records were made durable at in the round: a few slotted
 * batches in time in a round that stored little (a burst's tail, steady plays) say nothing about a higher
 * pace, and rises on them alone took it to 43-100k a second, so the next wave was taken faster than the
 * writer stores and came late (docs/scaling.md, seventh session, stalls). The bound never lowers the pace.
 * One late batch in hundreds (a GC pause, an fsync) is noise, not a verdict on the pace.
 */
const ROUND_MS = 500;
const RISE = 1.125;
const FALL = 0.8;
const TROUBLE_SHARE = 0.1;
/** A slot this far past is forgotten (its player went away). */
const FORGET_SLOT_MS = 2 * BUSY_RETRY_MAX_MS;

export type PlaysAdmission = ReturnType<typeof createPlaysAdmission>;

export interface PlaysAdmissionOptions {
  now?: () => number;
}

export function createPlaysAdmission(limits: PlaysAdmissionLimits = DEFAULT_PLAYS_ADMISSION, options: PlaysAdmissionOptions = {}) {
  const { now = () => performance.now() } = options;
  const minPerMs = (limits.minRate ?? DEFAULT_PLAYS_ADMISSION.minRate!) / 1000;
  /** Above this the pending bound (maxPending) binds, not the pace. */
  const maxPerMs = Math.max(minPerMs, limits.maxPending / limits.maxWaitMs);
  let perMs = Math.min(maxPerMs, Math.max(minPerMs, (limits.startRate ?? DEFAULT_START_RATE) / 1000));
  let inStore = 0;
  let waitingRecords = 0;
  /** Records of batches read and being checked, not yet admitted (held): a slice of frames sees the ones before it. */
  let held = 0;
  const waiting: { records: number; start: () => void }[] = [];
  /** When the store is free for the next refused batch (the slots already given to earlier ones). */
  let nextSlotAt = -Infinity;
  /** Who was given a slot (a connection's key), and for when: its next batch tells whether the pace held. */
  const slotted = new Map<string, number>();
  let roundStart = now();
  /** This round's outcomes: slotted batches taken in time, any batches taken in time, and the ones that went wrong. */
  let rises = 0;
  let onTime = 0;
  let falls = 0;
  /** Records made durable this round. */
  let durable = 0;

  /** Closes the round if it is over: the pace falls if anything went wrong in it, else rises if a slotted batch went right. */
  function roll(t: number): void {
    if (t - roundStart < ROUND_MS) return;
    if (falls > TROUBLE_SHARE * (falls + onTime)) perMs = Math.max(minPerMs, perMs * FALL);
    else if (rises > 0) perMs = Math.min(maxPerMs, Math.max(perMs, Math.min(perMs, durable / (t - roundStart)) * RISE));
    for (const [key, at] of slotted) if (at < t - FORGET_SLOT_MS) slotted.delete(key);
    rises = onTime = falls = durable = 0;
    roundStart = t;
  }

  function rate(): number {
    roll(now());
    return perMs;
  }

  const bound = () => Math.min(limits.maxPending, Math.floor(rate() * limits.maxWaitMs));
  const pending = () => inStore + waitingRecords + held;
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
     * `key` names the connection, so a batch that came back at its slot is known.
     */
    admit<T>(records: number, write: () => Promise<T>, waitedMs = 0, key?: string): Promise<T> | null {
      if (isFull(records, waitedMs)) return null;
      // A batch that came back at its slot is judged from its arrival (the pace set when it came, so its wait
      // to be read is the pace's doing too); any other from when it was read: a burst's first wave waits to be
      // read because the players sent it at once, which no pace changes (traced: that wait made more than a
      // tenth of the first rounds' batches late, and the pace fell by a fifth at the start of a burst).
      const readAt = now();
      const wasSlotted = key !== undefined && slotted.delete(key);
      const judgedFrom = wasSlotted ? readAt - waitedMs : readAt;
      // Dropped once started: the closures that wait for the disk must not keep the batch's records alive
      // (they would outlive two scavenges and be promoted: old-space garbage, major GCs in a burst).
      let job: (() => Promise<T>) | null = write;
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          inStore += records;
          const run = job!;
          job = null;
          const done = (isWritten: boolean) => {
            const t = now();
            roll(t);
            // Durable later than promised: the pace is above what the narrowest part keeps.
            if (t - judgedFrom > limits.maxWaitMs) falls++;
            else if (isWritten) (onTime++, wasSlotted && rises++);
            if (isWritten) durable += records;
            inStore -= records;
            startWaiting();
          };
          invoke(run).then(
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
     * batches refused before it (each given its share of the store's time), within the bounds. A batch
     * of a connection that was given a slot before and is refused again lowers the pace.
     */
    retryAfterMs(records: number, key?: string, waitedMs = 0): number {
      const t = now();
      roll(t);
      // Refused for its wait to be read: the frames behind it waited about as long, so its slot comes after them.
      const isReadLate = waitedMs >= limits.maxWaitMs;
      if (key !== undefined && slotted.has(key) && !isReadLate) falls++;
      const at = Math.max(t + pending() / perMs, nextSlotAt, t + BUSY_RETRY_MIN_MS, isReadLate ? t + waitedMs : -Infinity);
      nextSlotAt = at + records / perMs;
      if (key !== undefined) slotted.set(key, at);
      return Math.min(BUSY_RETRY_MAX_MS, Math.ceil(at - t));
    },
    /**
     * Counts `records` as pending while the batch is checked (its limits read) before `admit`: frames
     * handled in one slice are admitted only after it, and without the hold every one of them passed the
     * bound, was validated and checked, and most were refused afterwards, outside the slice's bound.
     * Returns the release (idempotent).
     */
    hold(records: number): () => void {
      held += records;
      let isHeld = true;
      return () => {
        if (isHeld) (isHeld = false), (held -= records);
      };
    },
    /** Records accepted and not yet durable. */
    get pending(): number {
      return pending();
    },
    /** Whether a batch of this size, read after waiting `waitedMs`, would be refused now. */
    isFull: (records = 1, waitedMs = 0) => isFull(records, waitedMs),
    /** How many records may be pending now (the pace × maxWaitMs, within the limits). */
    get bound(): number {
      return bound();
    },
    /** The pace (records a second). */
    get rate(): number {
      return Math.round(rate() * 1000);
    },
  };
}

/** `fn()` as a promise, a synchronous throw included. */
function invoke<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}
