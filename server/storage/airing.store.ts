// The airing log: play records and heartbeats, the proof of airing. Append-heavy and headed for
// millions of rows, so it lives in SQLite (WAL), not in the catalogue file. Each play is chained
// (per-screen hash chain) and rolled up (per local day, screen and media item) in the transaction
// that stores it, so reports never scan raw plays and a later edit of the file shows.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Heartbeat, PlayRecord } from '../../player/protocol.js';
import { DEFAULT_TIME_ZONE } from '../../playlists/wall-clock.js';
import { createHeartbeatIntervals, type StoredHeartbeat } from './airing.heartbeats.js';
import { createRetention } from './airing.retention.js';
import { addToRollups, type RollupSum } from './airing.rollup-sums.js';
import { SCHEMA, migrateColumns, migrateHeartbeatRows } from './airing.schema.js';
import { createLocalDayOf } from './local-day.js';
import { chainHash, GENESIS, type ChainedFields, type ChainLink } from './play-chain.js';

export type { StoredHeartbeat } from './airing.heartbeats.js';

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
}

export interface AiringLog {
  /** Resolves once the records are durably written (fsync'd) with their chain links and rollups; duplicates by id are ignored. */
  recordPlays(screenId: string, isProvisional: boolean, records: readonly PlayRecord[]): Promise<{ inserted: number }>;
  /** Buffered and written within a second: a lost heartbeat costs nothing, a play record would. */
  recordHeartbeat(screenId: string, heartbeat: Heartbeat, receivedAt: Date): void;
  // Reads answer with a Promise: the PostgreSQL log (server/storage/pg/airing.pg.ts) cannot answer at once.
  listPlays(query: PlayQuery): Promise<StoredPlay[]>;
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

export interface PlayRow extends ChainedFields {
  seq: number;
  prev_hash: string;
  record_hash: string;
}

export const toStoredPlay = (r: PlayRow): StoredPlay => ({
  id: r.id,
  screenId: r.screen_id,
  itemId: r.item_id,
  mediaId: r.media_id,
  hash: r.hash,
  manifestVersion: r.manifest_version,
  startedAt: new Date(r.started_at).toISOString(),
  endedAt: new Date(r.ended_at).toISOString(),
  completed: r.completed === 1,
  receivedAt: new Date(r.received_at).toISOString(),
  isProvisional: r.is_provisional === 1,
  plannedStartedAt: r.planned_started_at === null ? null : new Date(r.planned_started_at).toISOString(),
  outcome: r.outcome,
  clockOffsetMs: r.clock_offset_ms,
  seq: r.seq,
  prevHash: r.prev_hash,
  recordHash: r.record_hash,
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

type PlayFieldsSource = Pick<PlayRecord, 'id' | 'itemId' | 'mediaId' | 'hash' | 'manifestVersion' | 'startedAt' | 'endedAt' | 'completed'> & {
  plannedStartedAt?: string | null | undefined;
  outcome?: string | null | undefined;
  clockOffsetMs?: number | null | undefined;
};

/** A play (as the player sent it, or as exported) in the store's columns. */
export const playFields = (screenId: string, isProvisional: boolean, receivedAt: number, r: PlayFieldsSource): ChainedFields => ({
  id: r.id,
  screen_id: screenId,
  item_id: r.itemId,
  media_id: r.mediaId,
  hash: r.hash,
  manifest_version: r.manifestVersion,
  started_at: Date.parse(r.startedAt),
  ended_at: Date.parse(r.endedAt),
  completed: r.completed ? 1 : 0,
  received_at: receivedAt,
  is_provisional: isProvisional ? 1 : 0,
  planned_started_at: r.plannedStartedAt ? Date.parse(r.plannedStartedAt) : null,
  outcome: r.outcome ?? null,
  clock_offset_ms: r.clockOffsetMs ?? null,
});

export function createAiringLog(dataDir: string, options: AiringLogOptions = {}): AiringLog {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'airing.sqlite3'));
  db.pragma('journal_mode = WAL');
  // FULL: a commit is fsync'd before we acknowledge play records to the player.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const { isChainNew } = migrateColumns(db);
  const onlineGapMs = options.onlineGapMs ?? 90_000;
  migrateHeartbeatRows(db, onlineGapMs);
  const dayOf = createLocalDayOf(options.timeZone ?? DEFAULT_TIME_ZONE);

  // Positional parameters: binding by name costs a property lookup per column on the hot path.
  const insertPlay = db.prepare(`INSERT OR IGNORE INTO plays
    (id, screen_id, item_id, media_id, hash, manifest_version, started_at, ended_at, completed, received_at, is_provisional,
     planned_started_at, outcome, clock_offset_ms, seq, prev_hash, record_hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const storePlay = (r: PlayRow) =>
    insertPlay.run(r.id, r.screen_id, r.item_id, r.media_id, r.hash, r.manifest_version, r.started_at, r.ended_at, r.completed, r.received_at,
      r.is_provisional, r.planned_started_at, r.outcome, r.clock_offset_ms, r.seq, r.prev_hash, r.record_hash).changes === 1;
  const upsertHead = db.prepare(`INSERT INTO chain_heads (screen_id, seq, hash) VALUES (?, ?, ?)
    ON CONFLICT (screen_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`);
  const addRollup = db.prepare(`INSERT INTO rollups (day, screen_id, media_id, is_provisional, plays, completed, airtime_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (day, screen_id, media_id, is_provisional) DO UPDATE SET
      plays = plays + excluded.plays, completed = completed + excluded.completed, airtime_ms = airtime_ms + excluded.airtime_ms`);

  const heads = new Map<string, ChainLink>();
  const loadHeads = () => {
    heads.clear();
    for (const h of db.prepare('SELECT screen_id, seq, hash FROM chain_heads').all() as { screen_id: string; seq: number; hash: string }[]) heads.set(h.screen_id, { seq: h.seq, hash: h.hash });
  };
  loadHeads();

  /**
   * Chains rows and stores them (inside the caller's transaction), adding them to their day's
   * rollups; `store` answers whether the row was new (a resend is neither chained nor counted).
   * Links move in `moved` only: the in-memory heads follow once the transaction has committed.
   */
  const chainAndRollUp = (rows: Iterable<ChainedFields>, store: (row: PlayRow) => boolean, moved: Map<string, ChainLink>): number => {
    const sums = new Map<string, RollupSum>();
    let stored = 0;
    for (const fields of rows) {
      const prev = moved.get(fields.screen_id) ?? heads.get(fields.screen_id) ?? GENESIS;
      const row: PlayRow = { ...fields, seq: prev.seq + 1, prev_hash: prev.hash, record_hash: chainHash(fields, prev.hash) };
      if (!store(row)) continue;
      stored++;
      moved.set(row.screen_id, { seq: row.seq, hash: row.record_hash });
      addToRollups(sums, row, dayOf);
    }
    for (const s of sums.values()) addRollup.run(...s);
    return stored;
  };
  const saveHeads = (moved: Map<string, ChainLink>) => {
    for (const [screenId, link] of moved) upsertHead.run(screenId, link.seq, link.hash);
  };

  if (isChainNew) {
    // A database from before the chain: its plays are chained and rolled up once, in the order they arrived.
    const setChain = db.prepare('UPDATE plays SET seq = ?, prev_hash = ?, record_hash = ? WHERE id = ?');
    const old = db.prepare('SELECT * FROM plays WHERE seq IS NULL ORDER BY screen_id, received_at, rowid').all() as ChainedFields[];
    const moved = new Map<string, ChainLink>();
    db.transaction(() => {
      chainAndRollUp(old, (row) => setChain.run(row.seq, row.prev_hash, row.record_hash, row.id).changes === 1, moved);
      saveHeads(moved);
    })();
    loadHeads();
  }

  // Group commit: play batches arriving in the same tick share one transaction and one fsync.
  type PendingBatch = { rows: ChainedFields[]; resolve: (n: { inserted: number }) => void; reject: (e: unknown) => void };
  let pendingPlays: PendingBatch[] = [];
  let playFlushScheduled = false;
  const writePlays = db.transaction((batches: PendingBatch[], moved: Map<string, ChainLink>) => {
    const counts = batches.map((b) => chainAndRollUp(b.rows, storePlay, moved));
    saveHeads(moved);
    return counts;
  });
  const flushPlays = () => {
    playFlushScheduled = false;
    const batches = pendingPlays;
    pendingPlays = [];
    if (batches.length === 0) return;
    const moved = new Map<string, ChainLink>();
    try {
      const counts = writePlays(batches, moved);
      for (const [screenId, link] of moved) heads.set(screenId, link);
      batches.forEach((b, i) => b.resolve({ inserted: counts[i]! }));
    } catch (error) {
      for (const b of batches) b.reject(error);
    }
  };

  const heartbeats = createHeartbeatIntervals(db, onlineGapMs);
  const heartbeatTimer = setInterval(() => heartbeats.flush(), options.heartbeatFlushMs ?? 1000);
  heartbeatTimer.unref();
  const retention = createRetention(db);

  return {
    recordPlays(screenId, isProvisional, records) {
      const receivedAt = Date.now();
      const rows = records.map((r) => playFields(screenId, isProvisional, receivedAt, r));
      return new Promise((resolve, reject) => {
        pendingPlays.push({ rows, resolve, reject });
        if (!playFlushScheduled) {
          playFlushScheduled = true;
          setImmediate(flushPlays);
        }
      });
    },
    recordHeartbeat(screenId, heartbeat, receivedAt) {
      heartbeats.record(screenId, heartbeat, receivedAt);
    },
    async listPlays(query) {
      const { sql, params } = whereClause(query);
      const rows = db
        .prepare(`SELECT * FROM plays ${sql} ORDER BY started_at DESC, id LIMIT @limit`)
        .all({ ...params, limit: query.limit }) as PlayRow[];
      return rows.map(toStoredPlay);
    },
    async countPlays(query) {
      const { sql, params } = whereClause(query);
      return (db.prepare(`SELECT count(*) AS n FROM plays ${sql}`).get(params) as { n: number }).n;
    },
    countHeartbeats: async (screenId) => heartbeats.count(screenId),
    lastHeartbeats: async () => heartbeats.lastHeartbeats(),
    latestHeartbeats: async () => heartbeats.latestHealth(),
    async prune(now, retentionDays) {
      flushPlays();
      heartbeats.flush();
      const cutoff = now.getTime() - retentionDays * 86_400_000;
      const pruned = retention.prune(cutoff);
      heartbeats.forgetBefore(cutoff);
      return pruned;
    },
    async flush() {
      flushPlays();
      heartbeats.flush();
    },
    async close() {
      clearInterval(heartbeatTimer);
      flushPlays();
      heartbeats.flush();
      db.close();
    },
  };
}
