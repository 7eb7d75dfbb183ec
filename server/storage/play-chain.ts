// The per-screen hash chain over stored plays: each record's hash covers its fields and the hash of
// the record before it, so a record changed, inserted or removed after storing breaks the chain at
// that point. One canonical encoding serves the live store and exports alike.
import { hash } from 'node:crypto';

/** The fields a chained record commits to (times in epoch ms), in the store's column names. */
export interface ChainedFields {
  id: string;
  screen_id: string;
  item_id: string;
  media_id: string;
  hash: string;
  manifest_version: string;
  started_at: number;
  ended_at: number;
  completed: number;
  received_at: number;
  is_provisional: number;
  planned_started_at: number | null;
  outcome: string | null;
  clock_offset_ms: number | null;
}

export interface ChainLink {
  seq: number;
  hash: string;
}

/** A stored record with its link; hashes as hex, or as the 32 bytes the SQLite store keeps. */
export interface ChainedRow extends ChainedFields {
  seq: number | null;
  prev_hash: string | Uint8Array | null;
  record_hash: string | Uint8Array | null;
}

/** Where a screen's chain starts: nothing before it. */
export const GENESIS: ChainLink = { seq: 0, hash: '0'.repeat(64) };

/** Version 1 of the encoding: a JSON array in a fixed order (JSON of strings, integers and null is canonical). */
export function canonicalEncoding(r: ChainedFields, prevHash: string): string {
  return JSON.stringify([
    1, prevHash, r.screen_id, r.id, r.item_id, r.media_id, r.hash, r.manifest_version, r.started_at, r.ended_at,
    r.completed, r.is_provisional, r.received_at, r.planned_started_at, r.outcome, r.clock_offset_ms,
  ]);
}

/** The record's hash as 32 bytes (how the SQLite store keeps it); one-shot hashing, no Hash object per record. */
export function chainDigest(r: ChainedFields, prevHash: string): Buffer {
  return hash('sha256', canonicalEncoding(r, prevHash), 'buffer');
}

export function chainHash(r: ChainedFields, prevHash: string): string {
  return hash('sha256', canonicalEncoding(r, prevHash), 'hex');
}

/** A stored link hash as hex: 32 bytes since the store keeps them as BLOBs, hex text in older databases. */
export function linkHex<T extends string | null>(stored: Uint8Array | T): string | T {
  return stored instanceof Uint8Array ? Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('hex') : stored;
}

export type BreakKind = 'changed' | 'inserted' | 'removed';

export interface ChainBreak {
  screenId: string;
  seq: number;
  /** The record at that place (for a removal: the first record after the gap, if any). */
  playId: string | null;
  kind: BreakKind;
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  firstBad?: ChainBreak;
}

/**
 * Walks one screen's records in seq order from its anchor (the last pruned record, or GENESIS) and
 * names the first break. `head` is the link the store recorded as the screen's last: it catches
 * records removed from the end. A record that does not hash to itself is `changed` unless skipping
 * it lets the chain go on (then it was `inserted`); a gap in seq, or a link to a record not there, is
 * `removed`.
 */
export function verifyScreenChain(screenId: string, rows: Iterable<ChainedRow>, anchor: ChainLink, head: ChainLink | null): ChainVerdict {
  const walker = createChainWalker(screenId, anchor);
  for (const row of rows) {
    const verdict = walker.push(row);
    if (verdict) return verdict;
  }
  return walker.end(head);
}

/** The same walk over rows read in pages (a store's cursor), so a long chain is never held in memory. */
export async function verifyScreenChainAsync(screenId: string, rows: AsyncIterable<ChainedRow>, anchor: ChainLink, head: ChainLink | null): Promise<ChainVerdict> {
  const walker = createChainWalker(screenId, anchor);
  for await (const row of rows) {
    const verdict = walker.push(row);
    if (verdict) return verdict;
  }
  return walker.end(head);
}

/** The walk fed one row at a time: `push` answers a break as soon as one is certain, `end` the verdict. */
export function createChainWalker(screenId: string, anchor: ChainLink) {
  let prev = anchor;
  let previous: ChainedRow | null = null;
  let checked = 0;
  const broken = (seq: number, playId: string | null, kind: BreakKind): ChainVerdict => ({ ok: false, checked, firstBad: { screenId, seq, playId, kind } });
  // One record of lookahead: whether skipping a bad record lets the chain go on (then it was inserted).
  const step = (row: ChainedRow, next: ChainedRow | undefined): ChainVerdict | null => {
    const expectedSeq = prev.seq + 1;
    const prevHash = linkHex(row.prev_hash);
    const recordHash = linkHex(row.record_hash);
    if (row.seq === null || prevHash === null || recordHash === null) return broken(row.seq ?? expectedSeq, row.id, 'inserted');
    if (row.seq < expectedSeq) return broken(row.seq, row.id, 'inserted');
    const isSelfOk = chainHash(row, prevHash) === recordHash;
    const isLinked = prevHash === prev.hash;
    const isSkippable = next !== undefined && linkHex(next.prev_hash) === prev.hash;
    if (!isSelfOk) return broken(row.seq, row.id, isSkippable ? 'inserted' : 'changed');
    if (!isLinked) {
      if (row.seq > expectedSeq) return broken(expectedSeq, row.id, 'removed');
      if (isSkippable) return broken(row.seq, row.id, 'inserted');
      // The record before was rewritten together with its own hash: this one still links to the old.
      return previous ? broken(prev.seq, previous.id, 'changed') : broken(expectedSeq, row.id, 'removed');
    }
    if (row.seq !== expectedSeq) return broken(row.seq, row.id, 'changed'); // its seq was edited
    prev = { seq: row.seq, hash: recordHash };
    previous = row;
    checked++;
    return null;
  };
  let pending: ChainedRow | undefined;
  return {
    push(row: ChainedRow): ChainVerdict | null {
      const verdict = pending ? step(pending, row) : null;
      pending = row;
      return verdict;
    },
    end(head: ChainLink | null): ChainVerdict {
      if (pending) {
        const verdict = step(pending, undefined);
        if (verdict) return verdict;
      }
      if (head) {
        if (head.seq > prev.seq) return broken(prev.seq + 1, null, 'removed');
        if (head.seq < prev.seq) return broken(head.seq + 1, null, 'inserted');
        if (head.hash !== prev.hash) return broken(prev.seq, (previous as ChainedRow | null)?.id ?? null, 'changed');
      }
      return { ok: true, checked };
    },
  };
}
