// A batch's plays summed per local day, screen, media item and claimed/unclaimed: the rows the
// rollups table adds to, whichever store writes them.
import type { ChainedFields } from './play-chain.js';

export type RollupSum = [day: string, screenId: string, mediaId: string, isProvisional: number, plays: number, completed: number, ms: number];

export function addToRollups(sums: Map<string, RollupSum>, row: ChainedFields, dayOf: (ms: number) => string): void {
  const day = dayOf(row.started_at);
  const key = `${day}\u0000${row.screen_id}\u0000${row.media_id}\u0000${row.is_provisional}`;
  const ms = Math.max(row.ended_at - row.started_at, 0);
  const sum = sums.get(key);
  if (sum) sum[4]++, (sum[5] += row.completed), (sum[6] += ms);
  else sums.set(key, [day, row.screen_id, row.media_id, row.is_provisional, 1, row.completed, ms]);
}
