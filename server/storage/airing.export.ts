// What a chain export reads from the airing log: each screen's chain segment over a day range, then
// its records in chain order, streamed. One interface, two readers: the SQLite file here (its own
// read-only connection) and PostgreSQL (server/storage/pg/airing.export.pg.ts, a cursor in one snapshot).
import Database from 'better-sqlite3';
import path from 'node:path';
import { localDayBucket } from './local-day.js';
import { GENESIS, linkHex, type ChainLink } from './play-chain.js';
import { toStoredPlay, type PlayRow, type StoredPlay } from './airing.store.js';

export interface ExportQuery {
  fromDay: string;
  toDay: string;
  /** One screen or some; all when absent. */
  screenIds?: readonly string[] | undefined;
  timeZone: string;
  now: Date;
}

export interface ChainSegment {
  screenId: string;
  fromSeq: number;
  toSeq: number;
  anchor: ChainLink;
  head: ChainLink;
}

export interface AiringExportReader {
  /** Each screen's chain segment covering the plays that started in the day range, by screen id. */
  segments(q: ExportQuery): Promise<ChainSegment[]>;
  /** The records of a segment in chain order, read a page at a time. */
  records(segment: ChainSegment): AsyncIterable<StoredPlay>;
  /** Ends the reader's connection or snapshot; safe to call twice. */
  close(): Promise<void>;
}

/** The plays of the range: [start of the first day, end of the last) in epoch ms. */
export const exportWindow = (q: ExportQuery) => ({ from: localDayBucket(q.fromDay, q.timeZone).start, to: localDayBucket(q.toDay, q.timeZone).end });

export interface SegmentRange {
  screenId: string;
  fromSeq: number;
  toSeq: number;
}

/**
 * A segment's anchor (the store's own link before it: the record there, or the pruning anchor) and
 * head, from the lookups each store answers its own way.
 */
export async function segmentOf(
  r: SegmentRange,
  pruned: ChainLink | undefined,
  recordHash: (screenId: string, seq: number) => Promise<string | null>,
): Promise<ChainSegment> {
  const anchor = pruned ?? GENESIS;
  const before = r.fromSeq - 1;
  const anchorHash = before === anchor.seq ? anchor.hash : ((await recordHash(r.screenId, before)) ?? '');
  return { ...r, anchor: { seq: before, hash: anchorHash || '0'.repeat(64) }, head: { seq: r.toSeq, hash: (await recordHash(r.screenId, r.toSeq)) ?? '' } };
}

/** Plays read per page by the readers that page (PostgreSQL's cursor). */
export const EXPORT_PAGE_ROWS = 2000;

/** Opens its own read-only connection (an export iterates for a while; nothing else may use the connection meanwhile). */
export function openSqliteExportReader(dataDir: string): AiringExportReader {
  const db = new Database(path.join(dataDir, 'airing.sqlite3'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const plucked = db.prepare('SELECT record_hash FROM plays WHERE screen_id = ? AND seq = ?').pluck();
  const anchorOf = db.prepare('SELECT seq, hash FROM chain_anchors WHERE screen_id = ?');
  const rowsOf = db.prepare('SELECT * FROM plays WHERE screen_id = ? AND seq >= ? AND seq <= ? ORDER BY seq');
  return {
    async segments(q) {
      const { from, to } = exportWindow(q);
      const ranges = db
        .prepare('SELECT screen_id AS screenId, min(seq) AS fromSeq, max(seq) AS toSeq FROM plays WHERE started_at >= ? AND started_at < ? AND seq IS NOT NULL GROUP BY screen_id ORDER BY screen_id')
        .all(from, to) as SegmentRange[];
      const wanted = q.screenIds ? new Set(q.screenIds) : null;
      const recordHash = async (screenId: string, seq: number) => linkHex((plucked.get(screenId, seq) as string | Uint8Array | undefined) ?? null);
      return Promise.all(ranges.filter((r) => !wanted || wanted.has(r.screenId)).map((r) => segmentOf(r, anchorOf.get(r.screenId) as ChainLink | undefined, recordHash)));
    },
    async *records(segment) {
      for (const row of rowsOf.iterate(segment.screenId, segment.fromSeq, segment.toSeq) as Iterable<PlayRow>) yield toStoredPlay(row);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
