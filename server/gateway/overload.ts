// When the server falls behind it refuses new work clearly instead of stalling everyone: new player
// connections get 503 with Retry-After (players back off and come again), play batches get `busy`
// (players keep them and resend). Behind means the event loop stalled recently, or the plays waiting
// for the disk reached their bound. Refusals are logged at warn, at most every ten seconds, with counts.
import type { FastifyBaseLogger } from 'fastify';
import type { EventLoopWatch } from '../ops/event-loop.js';
import type { PlaysAdmission } from './plays-admission.js';

/** After a stall, new connections wait this long for the loop to stay smooth. */
export const SHED_HOLD_MS = 5_000;
/** What a refused connection is told to wait (players add their own jittered backoff). */
export const CONNECT_RETRY_AFTER_SECONDS = 5;
const LOG_EVERY_MS = 10_000;

export type OverloadReason = 'event-loop' | 'plays';
export type Overload = ReturnType<typeof createOverload>;

export function createOverload(deps: {
  eventLoop?: Pick<EventLoopWatch, 'stalledWithin'> | undefined;
  /** A stall this long makes the server behind (0: stalls never refuse connections). */
  lagMs: number;
  plays: Pick<PlaysAdmission, 'isFull' | 'pending'>;
  log: Pick<FastifyBaseLogger, 'warn'>;
  onRefused?: (kind: 'connection' | 'plays', count: number) => void;
}) {
  const refusedSinceLog = { connection: 0, plays: 0 };
  let lastLogAt = -Infinity;

  return {
    /** Why new work is refused now, or null when the server keeps up. */
    reason(): OverloadReason | null {
      if (deps.lagMs > 0 && deps.eventLoop?.stalledWithin(deps.lagMs, SHED_HOLD_MS)) return 'event-loop';
      if (deps.plays.isFull()) return 'plays';
      return null;
    },
    /** Counts a refusal (records for plays, 1 for a connection) and says so in the log now and then. */
    refused(kind: 'connection' | 'plays', count: number, reason: OverloadReason): void {
      refusedSinceLog[kind] += count;
      deps.onRefused?.(kind, count);
      const now = performance.now();
      if (now - lastLogAt < LOG_EVERY_MS) return;
      lastLogAt = now;
      deps.log.warn(
        { reason, connectionsRefused: refusedSinceLog.connection, playsRefused: refusedSinceLog.plays, playsPending: deps.plays.pending },
        '服务器繁忙：暂拒新连接或播放记录，客户端稍后重试 / server busy: new connections or plays refused for now; clients retry later',
      );
      refusedSinceLog.connection = 0;
      refusedSinceLog.plays = 0;
    },
  };
}
