// How long a player may wait, at random, before it answers `manifest-applied` (protocol v1.5; the player's side
// is player/applied-answer.ts). A push for all reaches 10,000 players within half a second and each answers
// as soon as it has applied it: answered at once, those 10,000 frames arrive while the server is still writing
// the push to the rest (in the load test that made the last players wait ~1.5× as long; docs/scaling.md, ninth
// session). Spread over ~0.15 ms per connected player they come after the wave. A small fleet answers at once.
import { MAX_APPLIED_SPREAD_MS } from '../../player/protocol.js';

export const DEFAULT_SPREAD_MS_PER_PLAYER = 0.15;
/** Below this the spread is not worth the later confirmation (about 330 players). */
const MIN_SPREAD_MS = 50;
const MAX_SPREAD_MS = Math.min(2000, MAX_APPLIED_SPREAD_MS);
/** A new value is told in a `heartbeat-ack` only when it moved this much from what the player was told. */
export const SPREAD_RETELL_MS = 100;

/** `msPerPlayer`: CRIER_APPLIED_SPREAD_MS_PER_PLAYER (0: every player answers at once). */
export function appliedSpreadFor(connectedPlayers: number, msPerPlayer = DEFAULT_SPREAD_MS_PER_PLAYER): number {
  const ms = Math.round(connectedPlayers * msPerPlayer);
  return ms < MIN_SPREAD_MS ? 0 : Math.min(MAX_SPREAD_MS, ms);
}
