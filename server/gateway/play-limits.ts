// What a player may store: only what a real one can produce. Each screen has a token bucket of play
// records refilled by elapsed time (a backlog after days offline is bounded by the time it was away),
// records dated in the future or before the screen existed are refused for good, and unclaimed
// screens (anyone can be one) may store only so much, per screen and in total.
import type { Screen } from '../../playlists/catalogue.schema.js';
import type { PlayRecord, PlayRefusal } from '../../player/protocol.js';
import type { AiringLog } from '../storage/airing.store.js';

/** Player clocks are corrected against the server's, but a first start may be off by this much. */
export const CLOCK_SKEW_MS = 10 * 60_000;
/** The bucket holds at most this much airtime's worth of records: a month offline is the most we take. */
export const MAX_BACKLOG_MS = 31 * 24 * 3_600_000;

export interface PlayLimitSettings {
  /** Sustained play records per screen and minute. */
  playsPerMinute: number;
  /** Stored plays an unclaimed screen may have, and all unclaimed screens together. */
  unclaimedPlaysPerScreen: number;
  unclaimedPlaysTotal: number;
}


/** One batch sorted out: what to store (claimed and unclaimed apart), what never will be, what waits. */
export interface PlayVerdict {
  claimed: PlayRecord[];
  unclaimed: PlayRecord[];
  refused: PlayRefusal[];
  /** Over the screen's rate: not stored, not acknowledged; the player resends them later. */
  deferred: Set<string>;
}

/** How many records of each kind a verdict reserved: all that settling needs (the records themselves need not be kept). */
export interface PlayReservation {
  claimed: number;
  unclaimed: number;
}

export const reservationOf = (verdict: PlayVerdict): PlayReservation => ({ claimed: verdict.claimed.length, unclaimed: verdict.unclaimed.length });

type LogReads = Pick<AiringLog, 'lastPlayStarts' | 'countPlays'>;

export function createPlayLimits(deps: { airingLog: LogReads; settings: PlayLimitSettings }) {
  const { airingLog, settings } = deps;
  const perMs = settings.playsPerMinute / 60_000;
  const capacity = Math.max(1, Math.floor(MAX_BACKLOG_MS * perMs));
  const buckets = new Map<string, { tokens: number; at: number }>();
  const unclaimedOf = new Map<string, number>();
  let unclaimedTotal: number | null = null;
  /**
   * Each screen's last stored play start (null: none), read for every screen at start (`preload`), so a
   * burst of first batches since start (a restart, players reconnecting) reads nothing per screen: one
   * read each on the event loop took 489 ms of a 10,000-player burst (docs/scaling.md, seventh session).
   * Only this gateway stores plays, and a screen's bucket exists before its first are stored, so an entry
   * stays current until its bucket takes it over (and it is dropped).
   */
  const lastStarts = new Map<string, number | null>();

  async function lastPlayStart(screenId: string): Promise<number | null> {
    if (lastStarts.has(screenId)) return lastStarts.get(screenId)!;
    // A screen added since start: its own read.
    return (await airingLog.lastPlayStarts([screenId])).get(screenId) ?? null;
  }

  /**
   * What `check` needs from the log, read before it decides (the log answers asynchronously): a screen
   * first seen since start has earned what it could air since its last stored play (or its creation);
   * an unclaimed one needs its stored count. A batch that read concurrently keeps what was set first.
   */
  async function load(screen: Screen, now: number, needsUnclaimed: boolean) {
    if (!buckets.has(screen.id)) {
      const last = await lastPlayStart(screen.id);
      const since = Math.max(Date.parse(screen.createdAt), last ?? -Infinity) - CLOCK_SKEW_MS;
      if (!buckets.has(screen.id)) buckets.set(screen.id, { tokens: Math.min(capacity, Math.max(0, now - since) * perMs), at: now });
      lastStarts.delete(screen.id);
    }
    if (needsUnclaimed && (!unclaimedOf.has(screen.id) || unclaimedTotal === null)) {
      const [mine, total] = await Promise.all([airingLog.countPlays({ screenId: screen.id, isProvisional: true }), airingLog.countPlays({ isProvisional: true })]);
      if (!unclaimedOf.has(screen.id)) unclaimedOf.set(screen.id, mine);
      unclaimedTotal ??= total;
    }
  }

  function bucketOf(screen: Screen, now: number) {
    const bucket = buckets.get(screen.id)!;
    bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    return bucket;
  }

  const storedUnclaimed = (screenId: string) => unclaimedOf.get(screenId)!;

  return {
    /** Reads the last play start of each of these screens (the catalogue's at start) in one call of the log. */
    async preload(screenIds: readonly string[]): Promise<void> {
      const starts = await airingLog.lastPlayStarts(screenIds);
      for (const id of screenIds) if (!buckets.has(id)) lastStarts.set(id, starts.get(id) ?? null);
    },

    /**
     * Sorts a batch. `claimedAt` splits it: plays that started before the claim stay unclaimed.
     * What it lets through is reserved at once (after the reads), so concurrent batches cannot both pass a cap.
     */
    async check(screen: Screen, records: readonly PlayRecord[], now: number): Promise<PlayVerdict> {
      const claimedAt = screen.isProvisional ? Infinity : screen.claimedAt ? Date.parse(screen.claimedAt) : -Infinity;
      await load(screen, now, records.some((r) => Date.parse(r.startedAt) < claimedAt));
      // From here to the return nothing awaits: the reservation is atomic.
      const earliest = Date.parse(screen.createdAt) - CLOCK_SKEW_MS;
      const verdict: PlayVerdict = { claimed: [], unclaimed: [], refused: [], deferred: new Set() };
      const bucket = bucketOf(screen, now);
      let unclaimedRoom = Infinity;
      for (const record of records) {
        const startedAt = Date.parse(record.startedAt);
        if (Date.parse(record.endedAt) > now + CLOCK_SKEW_MS) verdict.refused.push({ id: record.id, reason: 'from-the-future' });
        else if (startedAt < earliest) verdict.refused.push({ id: record.id, reason: 'before-screen-existed' });
        else if (bucket.tokens < 1) verdict.deferred.add(record.id);
        else if (startedAt < claimedAt) {
          if (unclaimedRoom === Infinity) {
            const mine = storedUnclaimed(screen.id);
            unclaimedRoom = Math.max(0, Math.min(settings.unclaimedPlaysPerScreen - mine, settings.unclaimedPlaysTotal - unclaimedTotal!));
          }
          if (unclaimedRoom < 1) verdict.refused.push({ id: record.id, reason: 'unclaimed-limit' });
          else {
            unclaimedRoom--;
            bucket.tokens--;
            verdict.unclaimed.push(record);
          }
        } else {
          bucket.tokens--;
          verdict.claimed.push(record);
        }
      }
      if (verdict.unclaimed.length) {
        unclaimedOf.set(screen.id, storedUnclaimed(screen.id) + verdict.unclaimed.length);
        unclaimedTotal! += verdict.unclaimed.length;
      }
      return verdict;
    },

    /** After the write: ids the log already had cost nothing (a resend), so their reservation returns. */
    settle(screenId: string, reserved: PlayReservation, inserted: PlayReservation): void {
      const bucket = buckets.get(screenId);
      const unused = reserved.claimed - inserted.claimed + (reserved.unclaimed - inserted.unclaimed);
      if (bucket) bucket.tokens = Math.min(capacity, bucket.tokens + unused);
      const unusedUnclaimed = reserved.unclaimed - inserted.unclaimed;
      if (unusedUnclaimed > 0) {
        unclaimedOf.set(screenId, (unclaimedOf.get(screenId) ?? 0) - unusedUnclaimed);
        unclaimedTotal = (unclaimedTotal ?? 0) - unusedUnclaimed;
      }
    },

    /** A write failed: nothing was stored, everything returns (the player resends). */
    release(screenId: string, reserved: PlayReservation): void {
      this.settle(screenId, reserved, { claimed: 0, unclaimed: 0 });
    },
  };
}
export type PlayLimits = ReturnType<typeof createPlayLimits>;
