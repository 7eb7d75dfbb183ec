// Retention of raw airing data: plays and online intervals older than the setting are deleted; the
// rollups stay, and each screen's chain keeps an anchor (seq and hash of the last pruned record) so
// what remains still verifies from where it now starts.
import type Database from 'better-sqlite3';
import { linkHex } from './play-chain.js';

/**
 * Screens one prune op walks at most. Ops run one at a time on the writing connection, so a walk of every
 * screen in one op held every commit behind it: at 10,000 screens the plays acknowledged in those 0.5-0.75 s
 * waited for all of it (docs/scaling.md, thirteenth session). A slice of this many takes a few milliseconds.
 */
export const PRUNE_SCREENS_PER_OP = 200;

/** One slice of a prune: rows deleted, and the screen to go on after (null: done). */
export interface PruneSlice {
  plays: number;
  intervals: number;
  next: string | null;
}

export function createRetention(db: Database.Database) {
  const screensAfter = db.prepare('SELECT screen_id FROM chain_heads WHERE screen_id > ? ORDER BY screen_id LIMIT ?').pluck();
  const anchorOf = db.prepare('SELECT seq FROM chain_anchors WHERE screen_id = ?').pluck();
  const headSeq = db.prepare('SELECT seq FROM chain_heads WHERE screen_id = ?').pluck();
  const firstFrom = db.prepare('SELECT seq, received_at, record_hash FROM plays WHERE screen_id = ? AND seq >= ? ORDER BY seq LIMIT 1');
  const atOrBefore = db.prepare('SELECT seq, record_hash FROM plays WHERE screen_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1');
  const deleteUpTo = db.prepare('DELETE FROM plays WHERE screen_id = ? AND seq <= ?');
  const setAnchor = db.prepare(`INSERT INTO chain_anchors (screen_id, seq, hash) VALUES (?, ?, ?)
    ON CONFLICT (screen_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`);
  const deleteIntervals = db.prepare('DELETE FROM online_intervals WHERE end_at < ?');
  // The latest health report of each screen stays, however old: the console shows it.
  const deleteHealth = db.prepare(`DELETE FROM heartbeat_health WHERE received_at < ?
    AND rowid NOT IN (SELECT max(rowid) FROM heartbeat_health GROUP BY screen_id)`);

  /**
   * The last seq of a screen received before `cutoff`. Records are chained as they arrive, so
   * received_at grows with seq: a binary search over the (screen, seq) index finds it in a few reads.
   */
  const lastSeqBefore = (screenId: string, cutoff: number): number | null => {
    let lo = ((anchorOf.get(screenId) as number | undefined) ?? 0) + 1;
    let hi = (headSeq.get(screenId) as number | undefined) ?? 0;
    let found: number | null = null;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = firstFrom.get(screenId, mid) as { seq: number; received_at: number } | undefined;
      if (row && row.seq <= hi && row.received_at < cutoff) (found = row.seq), (lo = row.seq + 1);
      else hi = mid - 1;
    }
    return found;
  };

  return {
    /**
     * Prunes the screens after `after` (all from the first when null), at most `limit` of them, each in a
     * transaction of its own; the slice that reaches the last screen also deletes old online intervals
     * and health reports. Go on from `next` until it is null.
     */
    prune(cutoff: number, after: string | null = null, limit = PRUNE_SCREENS_PER_OP): PruneSlice {
      let plays = 0;
      const screens = screensAfter.all(after ?? '', limit) as string[];
      for (const screenId of screens) {
        const last = lastSeqBefore(screenId, cutoff);
        if (last === null) continue;
        const anchor = atOrBefore.get(screenId, last) as { seq: number; record_hash: string | Uint8Array };
        db.transaction(() => {
          plays += deleteUpTo.run(screenId, anchor.seq).changes;
          setAnchor.run(screenId, anchor.seq, linkHex(anchor.record_hash));
        })();
      }
      if (screens.length === limit) return { plays, intervals: 0, next: screens.at(-1)! };
      const intervals = db.transaction(() => {
        deleteHealth.run(cutoff);
        return deleteIntervals.run(cutoff).changes;
      })();
      return { plays, intervals, next: null };
    },
  };
}
