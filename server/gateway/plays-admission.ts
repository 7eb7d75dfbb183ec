// Play records between a player's frame and the disk, bounded. The airing log commits whatever was
// handed to it in one tick as one transaction on the event loop, so a burst from thousands of players
// would become one long stall. Here at most `perCommit` records are handed over at once (the rest wait
// their turn, and heartbeats and HTTP are answered between commits), and only as many wait as the
// store writes in `maxWaitMs` at the rate it has been writing: past that the server is behind, and a
// batch is answered `busy` at once (resend later) instead of making every player wait longer.

export interface PlaysAdmissionLimits {
  /** Records handed to the store together: the most one commit (one stall of the event loop) holds. */
  perCommit: number;
  /** Records accepted but not yet durable, at most, whatever the store's rate. */
  maxPending: number;
  /** How long an accepted batch should wait for the disk at most: the store's rate × this bounds what is accepted. */
  maxWaitMs: number;
}

export const DEFAULT_PLAYS_ADMISSION: PlaysAdmissionLimits = { perCommit: 500, maxPending: 20_000, maxWaitMs: 500 };

/** What a busy player is told to wait before resending: spread over a few seconds, so resends do not return as one wave. */
export const BUSY_RETRY_MIN_MS = 1_000;
export const BUSY_RETRY_SPREAD_MS = 3_000;
export const busyRetryAfterMs = (random = Math.random) => BUSY_RETRY_MIN_MS + Math.floor(random() * BUSY_RETRY_SPREAD_MS);

/** The store's rate is measured over roughly this long (older figures count half every period). */
const RATE_HALF_LIFE_MS = 5_000;

export type PlaysAdmission = ReturnType<typeof createPlaysAdmission>;

export function createPlaysAdmission(limits: PlaysAdmissionLimits = DEFAULT_PLAYS_ADMISSION, now: () => number = () => performance.now()) {
  let inStore = 0;
  let waitingRecords = 0;
  const waiting: { records: number; start: () => void }[] = [];
  // The store's rate: records made durable over the time it had any in hand.
  let written = 0;
  let busyMs = 0;
  let busySince: number | null = null;
  let decayedAt = now();

  function decay(t: number): void {
    const halves = Math.floor((t - decayedAt) / RATE_HALF_LIFE_MS);
    if (halves <= 0) return;
    written /= 2 ** halves;
    busyMs /= 2 ** halves;
    decayedAt += halves * RATE_HALF_LIFE_MS;
  }

  /** Records the store writes in maxWaitMs at its recent rate; until it has written something, two commits' worth. */
  function bound(): number {
    const t = now();
    decay(t);
    const ms = busyMs + (busySince === null ? 0 : t - busySince);
    const byRate = written > 0 && ms > 0 ? (written / ms) * limits.maxWaitMs : 2 * limits.perCommit;
    return Math.min(limits.maxPending, Math.max(limits.perCommit, Math.floor(byRate)));
  }

  const fits = (records: number) => inStore === 0 || inStore + records <= limits.perCommit;
  const isFull = (records: number) => inStore + waitingRecords > 0 && inStore + waitingRecords + records > bound();

  function startWaiting(): void {
    while (waiting.length && fits(waiting[0]!.records)) {
      const next = waiting.shift()!;
      waitingRecords -= next.records;
      next.start();
    }
  }

  return {
    /**
     * Runs `write` (the store call for `records` records) now or when earlier ones are durable.
     * Null, and `write` never runs, when the server is too far behind: the caller answers busy.
     */
    admit<T>(records: number, write: () => Promise<T>): Promise<T> | null {
      if (isFull(records)) return null;
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          if (inStore === 0) busySince = now();
          inStore += records;
          // The next turn starts before this caller resumes: the store's next commit is already filling.
          const done = (isWritten: boolean) => {
            const t = now();
            decay(t);
            if (isWritten) written += records;
            inStore -= records;
            if (inStore === 0 && busySince !== null) (busyMs += t - busySince), (busySince = null);
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
    /** Records accepted and not yet durable. */
    get pending(): number {
      return inStore + waitingRecords;
    },
    /** Whether a batch of this size would be refused now. */
    isFull: (records = 1) => isFull(records),
    /** How many records may be pending now (the store's recent rate × maxWaitMs, within the limits). */
    get bound(): number {
      return bound();
    },
  };
}
