// Runs the airing log's retention once shortly after start and then daily. A timer rather than a
// wall-clock schedule: pruning a day's worth of old rows is cheap and may happen at any hour.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { AiringLog } from './airing.store.js';

const DAY_MS = 86_400_000;
const FIRST_RUN_DELAY_MS = 60_000;

export function scheduleRetention(deps: { airingLog: AiringLog; clock: Clock; retentionDays: number; log: FastifyBaseLogger }) {
  const run = async () => {
    try {
      const pruned = await deps.airingLog.prune(deps.clock.now(), deps.retentionDays);
      if (pruned.plays || pruned.intervals) deps.log.info({ ...pruned, retentionDays: deps.retentionDays }, 'airing log: old raw records pruned');
    } catch (error) {
      deps.log.error({ err: error }, 'airing log: pruning failed; it is tried again tomorrow');
    }
  };
  const first = setTimeout(run, FIRST_RUN_DELAY_MS);
  const daily = setInterval(run, DAY_MS);
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
