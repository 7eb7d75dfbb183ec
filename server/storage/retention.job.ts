// Runs the airing log's retention once shortly after start and then daily. A timer rather than a
// wall-clock schedule: pruning a day's worth of old rows is cheap and may happen at any hour.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { AiringLog } from './airing.store.js';
import type { RunOnce } from '../cluster/once.cluster.js';

const DAY_MS = 86_400_000;
const FIRST_RUN_DELAY_MS = 60_000;

/** `runOnce`: in a cluster, only the node that claims the day prunes the shared log (server/cluster/once.cluster.ts). */
export function scheduleRetention(deps: { airingLog: AiringLog; clock: Clock; retentionDays: number; log: FastifyBaseLogger; runOnce?: RunOnce }) {
  const run = async () => {
    try {
      if (deps.runOnce && !(await deps.runOnce(`retention:${deps.clock.now().toISOString().slice(0, 10)}`, DAY_MS - FIRST_RUN_DELAY_MS))) return;
      const pruned = await deps.airingLog.prune(deps.clock.now(), deps.retentionDays);
      if (pruned.plays || pruned.intervals) deps.log.info({ ...pruned, retentionDays: deps.retentionDays }, 'airing log: old raw records pruned');
    } catch (error) {
      deps.log.error({ err: error }, 'airing log: pruning failed; it is tried again tomorrow');
    }
  };
  const first = setTimeout(() => void run(), FIRST_RUN_DELAY_MS);
  const daily = setInterval(() => void run(), DAY_MS);
  first.unref();
  daily.unref();
  return {
    run,
    stop() {
      clearTimeout(first);
      clearInterval(daily);
    },
  };
}
