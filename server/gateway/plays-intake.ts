// A player's plays batch from frame to ack: the screen still authorised, the batch admitted (or
// answered busy with a slot to come back in), sorted by the screen's limits, handed to the airing log
// (its writer thread) and acknowledged only once durable.
import type { PlayerMessage, ServerMessage } from '../../player/protocol.js';
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import { isRevoked } from '../pairing/pairing.service.js';
import type { ScreensService } from '../services/screens.service.js';
import type { AiringLog } from '../storage/airing.store.js';
import type { Overload } from './overload.js';
import { reservationOf, type PlayLimits, type PlayReservation, type PlayVerdict } from './play-limits.js';
import type { PlaysAdmission } from './plays-admission.js';
import type { SlicedQueue } from './sliced-queue.js';

/** What a player whose plays came too fast is told to wait before resending them. */
export const PLAYS_RETRY_AFTER_MS = 60_000;

type PlaysMessage = Extract<PlayerMessage, { type: 'plays' }>;

/** The connection a batch came on. */
export interface PlaysConnection {
  screenId: string;
  send(message: ServerMessage): void;
  /** The screen was revoked since its hello: it is told so and the connection closes. */
  revoked(): void;
  /** A client fault, logged once per connection and kind. */
  fault(kind: string, details?: Record<string, unknown>): void;
}

export interface PlaysIntakeDeps {
  screens: Pick<ScreensService, 'find'>;
  airingLog: Pick<AiringLog, 'recordPlays'>;
  clock: Clock;
  playLimits: PlayLimits;
  admission: PlaysAdmission;
  overload: Pick<Overload, 'refused'>;
  metrics?: Pick<Metrics, 'playsAcknowledged'> | undefined;
  onActivity?: ((topic: 'plays') => void) | undefined;
  /**
   * Where acks wait their turn: one commit makes hundreds of batches durable at once, and their acks sent
   * in the one callback that resolved them stalled the loop 100-200 ms (a writev each; docs/scaling.md,
   * sixth session). Without it, each ack is sent as soon as its batch is durable.
   */
  acks?: Pick<SlicedQueue, 'push'> | undefined;
}

export function createPlaysIntake(deps: PlaysIntakeDeps) {
  const { screens, airingLog, clock, playLimits, admission } = deps;

  /**
   * Too far behind: the whole batch is refused at once, with its slot to come back in, rather than waiting
   * with the others. `waitedMs`: how long it waited to be read (a slot comes after the frames it waited behind).
   */
  function refuseBusy(connection: PlaysConnection, records: number, batch: number | undefined, waitedMs = 0): void {
    deps.overload.refused('plays', records, 'plays');
    connection.send({ type: 'plays-ack', ids: [], retryAfterMs: admission.retryAfterMs(records, connection.screenId, waitedMs), busy: true, ...(batch === undefined ? {} : { batch }) });
  }

  async function take(connection: PlaysConnection, message: PlaysMessage, waitedMs: number): Promise<void> {
    const { screenId } = connection;
    // The catalogue record only (an O(1) lookup): no live status is built per plays message.
    const screen = screens.find(screenId);
    if (!screen) throw notFound('屏幕 screen', screenId);
    // Revoked between this player's hello and now: nothing more is taken from it.
    if (isRevoked(screen)) return connection.revoked();
    if (admission.isFull(message.records.length, waitedMs)) return refuseBusy(connection, message.records.length, message.batch, waitedMs);
    // Pending while its limits are read, so the frames after it in this slice see it (and are refused cheaply).
    const release = admission.hold(message.records.length);
    // A play that started before the claim was made by an unclaimed screen: it stays apart.
    const verdict = await playLimits.check(screen, message.records, clock.now().getTime()).finally(release);
    // Not awaited here: this frame (and the batch's records) is let go while the batch waits for the disk.
    return store(connection, message, verdict, waitedMs);
  }

  /** Admitted: handed to the store's thread as it comes, acknowledged once durable; or refused busy. */
  function store(connection: PlaysConnection, message: PlaysMessage, verdict: PlayVerdict, waitedMs: number): Promise<void> | void {
    const { screenId } = connection;
    const reserved = reservationOf(verdict);
    const written = admission.admit(reserved.claimed + reserved.unclaimed, writeOf(screenId, verdict), waitedMs, screenId);
    if (!written) {
      playLimits.release(screenId, reserved);
      return refuseBusy(connection, message.records.length, message.batch, waitedMs);
    }
    return acknowledgeWhenDurable(connection, written, reserved, ackOf(message, verdict));
  }

  /** The store calls for a verdict: a closure of its own, holding only what it writes (until it is handed over). */
  function writeOf(screenId: string, verdict: PlayVerdict): () => Promise<[{ inserted: number }, { inserted: number }]> {
    const { claimed, unclaimed } = verdict;
    return () =>
      Promise.all([
        unclaimed.length ? airingLog.recordPlays(screenId, true, unclaimed) : { inserted: 0 },
        claimed.length ? airingLog.recordPlays(screenId, false, claimed) : { inserted: 0 },
      ]);
  }

  /** What a batch's ack says, made before the wait for the disk: ids and counts, not the records. */
  function ackOf(message: PlaysMessage, verdict: PlayVerdict) {
    const { refused, deferred } = verdict;
    return {
      frame: {
        type: 'plays-ack',
        ids: message.records.filter((r) => !deferred.has(r.id)).map((r) => r.id),
        ...(refused.length ? { refused } : {}),
        ...(deferred.size ? { retryAfterMs: PLAYS_RETRY_AFTER_MS } : {}),
        ...(message.batch === undefined ? {} : { batch: message.batch }),
      } satisfies ServerMessage,
      refusedReasons: refused.length ? [...new Set(refused.map((r) => r.reason))] : null,
      deferred: deferred.size,
      refused: refused.length,
    };
  }

  async function acknowledgeWhenDurable(connection: PlaysConnection, written: Promise<[{ inserted: number }, { inserted: number }]>, reserved: PlayReservation, ack: ReturnType<typeof ackOf>): Promise<void> {
    const { screenId } = connection;
    const inserted = await written.catch((error: unknown) => {
      playLimits.release(screenId, reserved);
      throw error;
    });
    // Sent within its slice (not in a continuation after it), so a slice bounds the sends it makes.
    const acknowledge = () => {
      playLimits.settle(screenId, reserved, { unclaimed: inserted[0].inserted, claimed: inserted[1].inserted });
      if (ack.refusedReasons) connection.fault('plays-refused', { reasons: ack.refusedReasons });
      if (ack.deferred) connection.fault('plays-too-fast', { deferred: ack.deferred });
      connection.send(ack.frame);
      const stored = reserved.claimed + reserved.unclaimed;
      deps.metrics?.playsAcknowledged(stored, ack.refused, ack.deferred);
      if (stored) deps.onActivity?.('plays');
    };
    if (!deps.acks) return acknowledge();
    await new Promise<void>((resolve, reject) =>
      deps.acks!.push(() => {
        try {
          acknowledge();
          resolve();
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  return { take, refuseBusy, isFull: admission.isFull };
}
export type PlaysIntake = ReturnType<typeof createPlaysIntake>;
