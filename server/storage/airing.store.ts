// The airing log: play records and heartbeats, the proof of airing. Append-heavy and headed for
// millions of rows, so it lives in SQLite (WAL), not in the catalogue file. A small interface keeps
// the door open for PostgreSQL in a larger deployment.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Heartbeat, PlayRecord } from '../../player/protocol.js';

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
}

/** The last heartbeat of a screen as the console shows it (live status). */
export interface StoredHeartbeat {
  receivedAt: string;
  heartbeat: Heartbeat;
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

export interface AiringLog {
  /** Resolves once the records are durably written (fsync'd); duplicates by id are ignored. */
  recordPlays(screenId: string, isProvisional: boolean, records: readonly PlayRecord[]): Promise<{ inserted: number }>;
  /** Buffered and written within a second: a lost heartbeat costs nothing, a play record would. */
  recordHeartbeat(screenId: string, heartbeat: Heartbeat, receivedAt: Date): void;
  listPlays(query: PlayQuery): StoredPlay[];
  countPlays(query: Omit<PlayQuery, 'limit'>): number;
  countHeartbeats(screenId?: string): number;
  /** Latest heartbeat time per screen (ISO), for screens that are offline now. */
  lastHeartbeats(): Map<string, string>;
  /** Latest heartbeat per screen with what it reported (cache, storage, errors …), to show after a restart. */
  latestHeartbeats(): Map<string, StoredHeartbeat>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface PlayRow {
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS plays (
  id TEXT PRIMARY KEY,
  screen_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  media_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  manifest_version TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  is_provisional INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS plays_by_screen_time ON plays (screen_id, started_at);
CREATE INDEX IF NOT EXISTS plays_by_time ON plays (started_at);
CREATE TABLE IF NOT EXISTS heartbeats (
  screen_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  sent_at INTEGER NOT NULL,
  manifest_version TEXT,
  item_id TEXT,
  media_id TEXT,
  uptime_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS heartbeats_by_screen_time ON heartbeats (screen_id, received_at);
`;

/** Columns added after the first release: added to an existing database on open (SQLite's ADD COLUMN is instant). */
const ADDED_COLUMNS: Record<string, [name: string, type: string][]> = {
  plays: [
    ['planned_started_at', 'INTEGER'],
    ['outcome', 'TEXT'],
    ['clock_offset_ms', 'INTEGER'],
  ],
  // The heartbeat's health report (cache, storage, errors …) as JSON; null for older players.
  heartbeats: [['details', 'TEXT']],
};

function migrate(db: Database.Database): void {
  for (const [table, columns] of Object.entries(ADDED_COLUMNS)) {
    const existing = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    for (const [name, type] of columns) if (!existing.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
  }
}

const toStoredPlay = (r: PlayRow): StoredPlay => ({
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

export function createAiringLog(dataDir: string, options: { heartbeatFlushMs?: number } = {}): AiringLog {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'airing.sqlite3'));
  db.pragma('journal_mode = WAL');
  // FULL: a commit is fsync'd before we acknowledge play records to the player.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  migrate(db);

  const insertPlay = db.prepare(`INSERT OR IGNORE INTO plays
    (id, screen_id, item_id, media_id, hash, manifest_version, started_at, ended_at, completed, received_at, is_provisional,
     planned_started_at, outcome, clock_offset_ms)
    VALUES (@id, @screen_id, @item_id, @media_id, @hash, @manifest_version, @started_at, @ended_at, @completed, @received_at, @is_provisional,
     @planned_started_at, @outcome, @clock_offset_ms)`);
  const insertHeartbeat = db.prepare(`INSERT INTO heartbeats
    (screen_id, received_at, sent_at, manifest_version, item_id, media_id, uptime_ms, details)
    VALUES (@screen_id, @received_at, @sent_at, @manifest_version, @item_id, @media_id, @uptime_ms, @details)`);

  // Group commit: play batches arriving in the same tick share one transaction and one fsync.
  type PendingBatch = { rows: PlayRow[]; resolve: (n: { inserted: number }) => void; reject: (e: unknown) => void };
  let pendingPlays: PendingBatch[] = [];
  let playFlushScheduled = false;
  const writePlays = db.transaction((batches: PendingBatch[]) =>
    batches.map((b) => b.rows.reduce((n, row) => n + insertPlay.run(row).changes, 0)),
  );
  const flushPlays = () => {
    playFlushScheduled = false;
    const batches = pendingPlays;
    pendingPlays = [];
    if (batches.length === 0) return;
    try {
      const counts = writePlays(batches);
      batches.forEach((b, i) => b.resolve({ inserted: counts[i]! }));
    } catch (error) {
      for (const b of batches) b.reject(error);
    }
  };

  let pendingHeartbeats: Record<string, unknown>[] = [];
  // Millions of heartbeats a day: the health report is stored only when it says something new
  // (ignoring what drifts every beat: clock offset, round trip, a record or two in flight).
  const lastHealthKey = new Map<string, string>();
  const healthDetails = (screenId: string, h: Heartbeat): string | null => {
    if (h.playerVersion === undefined) return null;
    const { type: _t, sentAt: _s, uptimeMs: _u, airing: _a, ...health } = h;
    const key = JSON.stringify({ ...health, clockOffsetMs: undefined, roundTripMs: undefined, pendingPlays: undefined, storage: health.storage && Math.round(health.storage.usage / 2 ** 20) });
    if (lastHealthKey.get(screenId) === key) return null;
    lastHealthKey.set(screenId, key);
    return JSON.stringify(health);
  };
  const writeHeartbeats = db.transaction((rows: Record<string, unknown>[]) => {
    for (const row of rows) insertHeartbeat.run(row);
  });
  const flushHeartbeats = () => {
    const rows = pendingHeartbeats;
    pendingHeartbeats = [];
    if (rows.length) writeHeartbeats(rows);
  };
  const heartbeatTimer = setInterval(flushHeartbeats, options.heartbeatFlushMs ?? 1000);
  heartbeatTimer.unref();

  return {
    recordPlays(screenId, isProvisional, records) {
      const receivedAt = Date.now();
      const rows: PlayRow[] = records.map((r) => ({
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
      }));
      return new Promise((resolve, reject) => {
        pendingPlays.push({ rows, resolve, reject });
        if (!playFlushScheduled) {
          playFlushScheduled = true;
          setImmediate(flushPlays);
        }
      });
    },
    recordHeartbeat(screenId, heartbeat, receivedAt) {
      pendingHeartbeats.push({
        screen_id: screenId,
        received_at: receivedAt.getTime(),
        sent_at: Date.parse(heartbeat.sentAt),
        manifest_version: heartbeat.manifestVersion,
        item_id: heartbeat.airing?.itemId ?? null,
        media_id: heartbeat.airing?.mediaId ?? null,
        uptime_ms: heartbeat.uptimeMs,
        details: healthDetails(screenId, heartbeat),
      });
    },
    listPlays(query) {
      const { sql, params } = whereClause(query);
      const rows = db
        .prepare(`SELECT * FROM plays ${sql} ORDER BY started_at DESC, id LIMIT @limit`)
        .all({ ...params, limit: query.limit }) as PlayRow[];
      return rows.map(toStoredPlay);
    },
    countPlays(query) {
      const { sql, params } = whereClause(query);
      return (db.prepare(`SELECT count(*) AS n FROM plays ${sql}`).get(params) as { n: number }).n;
    },
    countHeartbeats(screenId) {
      flushHeartbeats();
      const row = screenId
        ? db.prepare('SELECT count(*) AS n FROM heartbeats WHERE screen_id = ?').get(screenId)
        : db.prepare('SELECT count(*) AS n FROM heartbeats').get();
      return (row as { n: number }).n;
    },
    lastHeartbeats() {
      flushHeartbeats();
      const rows = db
        .prepare('SELECT screen_id, max(received_at) AS at FROM heartbeats GROUP BY screen_id')
        .all() as { screen_id: string; at: number }[];
      return new Map(rows.map((r) => [r.screen_id, new Date(r.at).toISOString()]));
    },
    latestHeartbeats() {
      flushHeartbeats();
      // One row per screen: its latest report (SQLite returns the bare columns of the max() row).
      const rows = db
        .prepare(
          `SELECT screen_id, max(received_at) AS at, sent_at, manifest_version, uptime_ms, details FROM heartbeats
           WHERE details IS NOT NULL GROUP BY screen_id`,
        )
        .all() as { screen_id: string; at: number; sent_at: number; manifest_version: string | null; uptime_ms: number; details: string }[];
      const latest = new Map<string, StoredHeartbeat>();
      for (const r of rows) {
        try {
          const health = JSON.parse(r.details) as Omit<Heartbeat, 'type' | 'sentAt' | 'uptimeMs' | 'airing'>;
          const heartbeat: Heartbeat = { ...health, type: 'heartbeat', sentAt: new Date(r.sent_at).toISOString(), airing: null, manifestVersion: r.manifest_version, uptimeMs: r.uptime_ms };
          latest.set(r.screen_id, { receivedAt: new Date(r.at).toISOString(), heartbeat });
        } catch {
          // A damaged row only costs the console one screen's last report.
        }
      }
      return latest;
    },
    async flush() {
      flushPlays();
      flushHeartbeats();
    },
    async close() {
      clearInterval(heartbeatTimer);
      flushPlays();
      flushHeartbeats();
      db.close();
    },
  };
}
