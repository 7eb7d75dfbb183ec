// Timed jobs that change shared data (the weekly report, the airing log's pruning) run once per
// cluster, not once per node: every node keeps its timer, and when it fires the node claims that
// occurrence with SET NX and an expiry; only the node that got the claim runs it. No leader to elect
// or lose: a node that dies does not hold a claim past its expiry, and the next occurrence is anyone's.
// Day rollovers and alert expiries are not claimed: each node republishes to its own players.
import type { ClusterBus } from './cluster.bus.js';

export type RunOnce = (occurrence: string, holdMs: number) => Promise<boolean>;

export function createRunOnce(bus: ClusterBus): RunOnce {
  return async (occurrence, holdMs) => (await bus.redis.set(bus.key(`once:${occurrence}`), bus.nodeId, 'PX', holdMs, 'NX')) === 'OK';
}
