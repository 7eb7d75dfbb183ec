// Exports of the airing log that carry the hash chain: JSON Lines, a header line first (format, day
// range, and per screen the chain's anchor — the link before the first exported record — and head),
// then one line per play in chain order. Each screen's records form one unbroken chain segment: from
// the first to the last record of the range in chain order, so a record received late that started
// outside the range may be in it, and none in between is left out.
import Database from 'better-sqlite3';
import path from 'node:path';
import { z } from 'zod';
import { localDayBucket } from '../storage/local-day.js';
import { GENESIS, linkHex, type ChainedRow, type ChainLink } from '../storage/play-chain.js';
import { playFields, toStoredPlay, type PlayRow, type StoredPlay } from '../storage/airing.store.js';

export const EXPORT_FORMAT = 'crier-play-chain';

const LinkSchema = z.object({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) });
export const ExportHeaderSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  exportedAt: z.string(),
  timeZone: z.string(),
  fromDay: z.string(),
  toDay: z.string(),
  /** How each record's hash is made, for a verifier written from this file alone. */
  encoding: z.string(),
  screens: z.array(z.object({ screenId: z.string(), anchor: LinkSchema, head: LinkSchema, records: z.number().int().min(0) })),
});
export type ExportHeader = z.infer<typeof ExportHeaderSchema>;

const nullable = <T extends z.ZodType>(s: T) => s.nullable();
export const ExportRecordSchema = z.object({
  screenId: z.string(),
  seq: z.number().int().min(1),
  id: z.string(),
  itemId: z.string(),
  mediaId: z.string(),
  hash: z.string(),
  manifestVersion: z.string(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  completed: z.boolean(),
  receivedAt: z.iso.datetime(),
  isProvisional: z.boolean(),
  plannedStartedAt: nullable(z.iso.datetime()),
  outcome: nullable(z.string()),
  clockOffsetMs: nullable(z.number().int()),
  prevHash: z.string(),
  recordHash: z.string(),
});
export type ExportRecord = z.infer<typeof ExportRecordSchema>;

export const ENCODING_NOTE =
  'record_hash = sha256_hex(JSON.stringify([1, prevHash, screenId, id, itemId, mediaId, hash, manifestVersion, startedAt_ms, endedAt_ms, completed_0_1, isProvisional_0_1, receivedAt_ms, plannedStartedAt_ms|null, outcome|null, clockOffsetMs|null]))';

/** An exported (or stored) play back in the store's columns, to hash it the same way. */
export const toChainedRow = (r: ExportRecord | StoredPlay): ChainedRow => ({
  ...playFields(r.screenId, r.isProvisional, Date.parse(r.receivedAt), r),
  seq: r.seq,
  prev_hash: r.prevHash,
  record_hash: r.recordHash,
});

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

/** Opens its own read-only connection (an export iterates for a while; nothing else may use the connection meanwhile). */
export function openExportDatabase(dataDir: string): Database.Database {
  const db = new Database(path.join(dataDir, 'airing.sqlite3'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Each screen's chain segment covering the plays that started in the day range. */
export function chainSegments(db: Database.Database, q: ExportQuery): ChainSegment[] {
  const from = localDayBucket(q.fromDay, q.timeZone).start;
  const to = localDayBucket(q.toDay, q.timeZone).end;
  const ranges = db
    .prepare('SELECT screen_id AS screenId, min(seq) AS fromSeq, max(seq) AS toSeq FROM plays WHERE started_at >= ? AND started_at < ? AND seq IS NOT NULL GROUP BY screen_id ORDER BY screen_id')
    .all(from, to) as { screenId: string; fromSeq: number; toSeq: number }[];
  const wanted = q.screenIds ? new Set(q.screenIds) : null;
  const plucked = db.prepare('SELECT record_hash FROM plays WHERE screen_id = ? AND seq = ?').pluck();
  const recordHash = (screenId: string, seq: number) => linkHex((plucked.get(screenId, seq) as string | Uint8Array | undefined) ?? null);
  const anchorOf = db.prepare('SELECT seq, hash FROM chain_anchors WHERE screen_id = ?');
  return ranges
    .filter((r) => !wanted || wanted.has(r.screenId))
    .map((r) => {
      const pruned = (anchorOf.get(r.screenId) as ChainLink | undefined) ?? GENESIS;
      const before = r.fromSeq - 1;
      // The store's own link before the segment: the record there, or the pruning anchor.
      const anchorHash = before === pruned.seq ? pruned.hash : (recordHash(r.screenId, before) ?? '');
      return {
        ...r,
        anchor: { seq: before, hash: anchorHash || '0'.repeat(64) },
        head: { seq: r.toSeq, hash: recordHash(r.screenId, r.toSeq) ?? '' },
      };
    });
}

/** The records of a segment in chain order, as exported. */
export function* segmentRecords(db: Database.Database, segment: ChainSegment): Generator<StoredPlay> {
  const rows = db.prepare('SELECT * FROM plays WHERE screen_id = ? AND seq >= ? AND seq <= ? ORDER BY seq').iterate(segment.screenId, segment.fromSeq, segment.toSeq);
  for (const row of rows as Iterable<PlayRow>) yield toStoredPlay(row);
}

/** The JSON Lines export, line by line (each ends with a newline). */
export function* chainExportLines(db: Database.Database, q: ExportQuery): Generator<string> {
  const segments = chainSegments(db, q);
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: q.now.toISOString(),
    timeZone: q.timeZone,
    fromDay: q.fromDay,
    toDay: q.toDay,
    encoding: ENCODING_NOTE,
    screens: segments.map((s) => ({ screenId: s.screenId, anchor: s.anchor, head: s.head, records: s.toSeq - s.fromSeq + 1 })),
  };
  yield `${JSON.stringify(header)}\n`;
  for (const segment of segments) {
    for (const play of segmentRecords(db, segment)) {
      const record: ExportRecord = {
        screenId: play.screenId, seq: play.seq!, id: play.id, itemId: play.itemId, mediaId: play.mediaId, hash: play.hash, manifestVersion: play.manifestVersion,
        startedAt: play.startedAt, endedAt: play.endedAt, completed: play.completed, receivedAt: play.receivedAt, isProvisional: play.isProvisional,
        plannedStartedAt: play.plannedStartedAt, outcome: play.outcome, clockOffsetMs: play.clockOffsetMs, prevHash: play.prevHash!, recordHash: play.recordHash!,
      };
      yield `${JSON.stringify(record)}\n`;
    }
  }
}
