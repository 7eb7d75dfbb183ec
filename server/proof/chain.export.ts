// Exports of the airing log that carry the hash chain: JSON Lines, a header line first (format, day
// range, and per screen the chain's anchor — the link before the first exported record — and head),
// then one line per play in chain order. Each screen's records form one unbroken chain segment: from
// the first to the last record of the range in chain order, so a record received late that started
// outside the range may be in it, and none in between is left out.
import { z } from 'zod';
import type { AiringExportReader, ExportQuery } from '../storage/airing.export.js';
import type { ChainedRow } from '../storage/play-chain.js';
import { playFields, type StoredPlay } from '../storage/airing.store.js';

export type { ExportQuery } from '../storage/airing.export.js';

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

/** The JSON Lines export, line by line (each ends with a newline). */
export async function* chainExportLines(reader: AiringExportReader, q: ExportQuery): AsyncGenerator<string> {
  const segments = await reader.segments(q);
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
    for await (const play of reader.records(segment)) {
      const record: ExportRecord = {
        screenId: play.screenId, seq: play.seq!, id: play.id, itemId: play.itemId, mediaId: play.mediaId, hash: play.hash, manifestVersion: play.manifestVersion,
        startedAt: play.startedAt, endedAt: play.endedAt, completed: play.completed, receivedAt: play.receivedAt, isProvisional: play.isProvisional,
        plannedStartedAt: play.plannedStartedAt, outcome: play.outcome, clockOffsetMs: play.clockOffsetMs, prevHash: play.prevHash!, recordHash: play.recordHash!,
      };
      yield `${JSON.stringify(record)}\n`;
    }
  }
}
