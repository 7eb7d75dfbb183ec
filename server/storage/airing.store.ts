// The airing log: play records and heartbeats, the proof of airing. Append-heavy and headed for
// millions of rows, so it lives in SQLite (WAL), not in the catalogue file. Each play is chained
// (per-screen hash chain) and rolled up (per local day, screen and media item) in the transaction
// that stores it, so reports never scan raw plays and a later edit of the file shows. Writes run on
// a connection of their own in a writer thread (airing.writer.ts); reads stay on this thread's.
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Heartbeat, PlayRecord } from '../../player/protocol.js';
import { DEFAULT_TIME_ZONE } from '../../playlists/wall-clock.js';
import { createHeartbeatIntervals, type StoredHeartbeat } from './airing.heartbeats.js';
import { SCHEMA, migrateColumns, migrateHeartbeatRows } from './airing.schema.js';
import { isoTime } from './iso-time.js';
import { createLocalDayOf } from './local-day.js';
import { createPlayIngest } from './airing.ingest.js';
import type { PruneSlice } from './airing.retention.js';
import { startAiringWriter, type WriterMode } from './airing.writer.js';
import { openWriteConnection } from './airing.writes.js';
import { linkHex, type ChainedFields, type ChainedRow } from './play-chain.js';

export type { StoredHeartbeat } from './airing.heartbeats.js';
export { playFields } from './airing.ingest.js';

export interface StoredPlay {
  id: string;
  screenId: string;
  itemId: string;
  mediaId: string;
  hash: string;
  manifestVersion: string;
  startedAt: string;
  endedAt: string;
  completed: boolean;
  receivedAt: string;
  /** Plays of unclaimed screens are kept apart from claimed ones in every count. */
  isProvisional: boolean;
  /** From players ≥ 0.2 (null for older ones): when the timeline meant it to start, how it ended, the player's clock correction. */
  plannedStartedAt: string | null;
  outcome: string | null;
  clockOffsetMs: number | null;
  /** The screen's hash chain: this record's place, the hash it links to and its own. */
  seq: number | null;
  prevHash: string | null;
  recordHash: string | null;
}

export interface PlayQuery {
  screenId?: string | undefined;
  /** Inclusive lower bound on the play's start. */
  from?: Date | undefined;
  /** Exclusive upper bound on the play's start. */
  to?: Date | undefined;
  /** true: only plays of unclaimed screens; false: only claimed ones; absent: both. */
  isProvisional?: boolean | undefined;
  limit: number;
}

export interface AiringLogOptions {
  heartbeatFlushMs?: number;
  /** Heartbeats further apart than this split an online interval (the server's offline threshold). */
  onlineGapMs?: number;
  /** The zone whose local days the rollups count in (CRIER_TIME_ZONE). */
  timeZone?: string;
  /** Where commits run: a writer thread (the default), or inline on the event loop (for comparison). */
  writer?: WriterMode;
  /** The writer thread's nice value (Linux; CRIER_WRITER_NICE): 0 or none, the process's. */
  writerNice?: number;
}

export interface AiringLog {
  /** Resolves once the records are durably written (fsync'd) with their chain links and rollups; duplicates by id are ignored. */
  recordPlays(screenId: string, isProvisional: boolean, records: readonly PlayRecord[]): Promise<{ inserted: number }>;
  /** Buffered and written within a second: a lost heartbeat costs nothing, a play record would. */
  recordHeartbeat(screenId: string, heartbeat: Heartbeat, receivedAt: Date): void;
  // Reads answer with a Promise: the PostgreSQL log (server/storage/pg/airing.pg.ts) cannot answer at once.
  listPlays(query: PlayQuery): Promise<StoredPlay[]>;
  /**
   * When each of these screens' latest stored play started (ms since the epoch); a screen without plays is
   * absent. One read for them all, an index seek a screen ((screen_id, started_at)): the play limits read
   * every screen's at start, not one per screen in a burst on the event loop.
   */
  lastPlayStarts(screenIds: readonly string[]): Promise<Map<string, number>>;
  countPlays(query: Omit<PlayQuery, 'limit'>): Promise<number>;
  /** Heartbeats received (each online interval counts its beats). */
  countHeartbeats(screenId?: string): Promise<number>;
  /** Latest heartbeat time per screen (ISO), for screens that are offline now. */
  lastHeartbeats(): Promise<Map<string, string>>;
  /** Latest heartbeat per screen with what it reported (cache, storage, errors …), to show after a restart. */
  latestHeartbeats(): Promise<Map<string, StoredHeartbeat>>;
  /** Deletes raw plays and online intervals older than `retentionDays` before `now`; rollups stay, chains keep an anchor. */
  prune(now: Date, retentionDays: number): Promise<{ plays: number; intervals: number }>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A plays row as SQLite returns it: link hashes as 32-byte BLOBs (hex text in rows written before that). */
export interface PlayRow extends ChainedFields {
  seq: number;
  prev_hash: string | Uint8Array;
  record_hash: string | Uint8Array;
}

export const toStoredPlay = (r: ChainedRow): StoredPlay => ({
  id: r.id,
  screenId: r.screen_id,
  itemId: r.item_id,
  mediaId: r.media_id,
  hash: r.hash,
  manifestVersion: r.manifest_version,
  startedAt: isoTime(r.started_at),
  endedAt: isoTime(r.ended_at),
  completed: r.completed === 1,
  receivedAt: isoTime(r.received_at),
  isProvisional: r.is_provisional === 1,
  plannedStartedAt: r.planned_started_at === null ? null : isoTime(r.planned_started_at),
  outcome: r.outcome,
  clockOffsetMs: r.clock_offset_ms,
  seq: r.seq,
  prevHash: linkHex(r.prev_hash),
  recordHash: linkHex(r.record_hash),
});

function whereClause(q: Omit<PlayQuery, 'limit'>): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.screenId !== undefined) (parts.push('screen_id = @screenId'), (params.screenId = q.screenId));
  if (q.from !== undefined) (parts.push('started_at >= @from'), (params.from = q.from.getTime()));
  if (q.to !== undefined) (parts.push('started_at < @to'), (params.to = q.to.getTime()));
  if (q.isProvisional !== undefined) (parts.push('is_provisional = @isProvisional'), (params.isProvisional = q.isProvisional ? 1 : 0));
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** max() over the (screen_id, started_at) index of each screen listed: one seek a screen, in one statement (one snapshot). */
const LAST_PLAY_STARTS = 'SELECT ids.value AS screenId, (SELECT max(started_at) FROM plays WHERE screen_id = ids.value) AS at FROM json_each(?) AS ids';

export function createAiringLog(dataDir: string, options: AiringLogOptions = {}): AiringLog {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'airing.sqlite3');
  // Upgrades run here, before the writer starts; afterwards this connection only reads.
  const db = openWriteConnection(file);
  db.exec(SCHEMA);
  const { isChainNew } = migrateColumns(db);
  const onlineGapMs = options.onlineGapMs ?? 90_000;
  migrateHeartbeatRows(db, onlineGapMs);
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  if (isChainNew) createPlayIngest(db, createLocalDayOf(timeZone)).chainExisting();

  const writer = startAiringWriter(options.writer ?? 'thread', db, { file, timeZone, ...(options.writerNice ? { nice: options.writerNice } : {}) });
  const heartbeats = createHeartbeatIntervals(db, onlineGapMs, async (changes) => void (await writer.submit({ kind: 'heartbeats', changes })));
  // A failed write keeps its changes for the next flush.
  const heartbeatTimer = setInterval(() => heartbeats.flush().catch(() => {}), options.heartbeatFlushMs ?? 1000);
  heartbeatTimer.unref();
  // A few query shapes (whereClause's combinations), each prepared once: a screen's first plays batch reads its last play.
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => statements.get(sql) ?? statements.set(sql, db.prepare(sql)).get(sql)!;
  const flush = async () => {
    await heartbeats.flush();
    await writer.submit({ kind: 'sync' });
  };

  return {
    async recordPlays(screenId, isProvisional, records) {
      const inserted = await writer.submit({ kind: 'plays', batch: { screenId, isProvisional, receivedAt: Date.now(), records } });
      return { inserted: inserted as number };
    },
    recordHeartbeat(screenId, heartbeat, receivedAt) {
      heartbeats.record(screenId, heartbeat, receivedAt);
    },
    async listPlays(query) {
      const { sql, params } = whereClause(query);
      const rows = prepared(`SELECT * FROM plays ${sql} ORDER BY started_at DESC, id LIMIT @limit`).all({ ...params, limit: query.limit }) as PlayRow[];
      return rows.map(toStoredPlay);
    },
    async lastPlayStarts(screenIds) {
      const rows = prepared(LAST_PLAY_STARTS).all(JSON.stringify(screenIds)) as { screenId: string; at: number | null }[];
      return new Map(rows.flatMap((r) => (r.at === null ? [] : [[r.screenId, r.at] as const])));
    },
    async countPlays(query) {
      const { sql, params } = whereClause(query);
      return (prepared(`SELECT count(*) AS n FROM plays ${sql}`).get(params) as { n: number }).n;
    },
    countHeartbeats: async (screenId) => heartbeats.count(screenId),
    lastHeartbeats: async () => heartbeats.lastHeartbeats(),
    latestHeartbeats: async () => heartbeats.latestHealth(),
    async prune(now, retentionDays) {
      await heartbeats.flush();
      const cutoff = now.getTime() - retentionDays * 86_400_000;
      // In slices, each an op of its own: the commits handed over meanwhile go between them.
      const pruned = { plays: 0, intervals: 0 };
      let after: string | null = null;
      do {
        const slice = (await writer.submit({ kind: 'prune', cutoff, after })) as PruneSlice;
        pruned.plays += slice.plays;
        pruned.intervals += slice.intervals;
        after = slice.next;
      } while (after !== null);
      heartbeats.forgetBefore(cutoff);
      return pruned;
    },
    flush,
    async close() {
      clearInterval(heartbeatTimer);
      try {
        await heartbeats.flush();
      } finally {
        await writer.close();
        db.close();
      }
    },
  };
}
