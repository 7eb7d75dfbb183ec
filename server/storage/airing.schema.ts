// The airing log's tables and the upgrades of a database written by an older release, applied at open.
import type Database from 'better-sqlite3';

export const SCHEMA = `
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
-- Per local day (server zone), screen and media item; provisional (unclaimed) plays in rows of their own.
CREATE TABLE IF NOT EXISTS rollups (
  day TEXT NOT NULL,
  screen_id TEXT NOT NULL,
  media_id TEXT NOT NULL,
  is_provisional INTEGER NOT NULL,
  plays INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  airtime_ms INTEGER NOT NULL,
  PRIMARY KEY (day, screen_id, media_id, is_provisional)
) WITHOUT ROWID;
-- Each screen's last chained record, and the last one pruned (where verification starts).
CREATE TABLE IF NOT EXISTS chain_heads (screen_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chain_anchors (screen_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;
-- Heartbeats as online intervals: [start, end] = first and last heartbeat of a run without a gap.
CREATE TABLE IF NOT EXISTS online_intervals (
  screen_id TEXT NOT NULL,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  beats INTEGER NOT NULL,
  PRIMARY KEY (screen_id, start_at)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS online_intervals_by_end ON online_intervals (end_at);
-- A heartbeat's health report (cache, storage, errors …), kept only when it says something new.
CREATE TABLE IF NOT EXISTS heartbeat_health (
  screen_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  sent_at INTEGER NOT NULL,
  manifest_version TEXT,
  uptime_ms INTEGER NOT NULL,
  details TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS heartbeat_health_by_screen_time ON heartbeat_health (screen_id, received_at);
`;

/** Columns added after the first release: added to an existing database on open (SQLite's ADD COLUMN is instant). */
const ADDED_COLUMNS: Record<string, [name: string, type: string][]> = {
  plays: [
    ['planned_started_at', 'INTEGER'],
    ['outcome', 'TEXT'],
    ['clock_offset_ms', 'INTEGER'],
    // The hash chain; null only in a database that predates it, until the open that chains it.
    // Hashes are 32-byte BLOBs (the first release of the chain wrote hex text; readers take both).
    ['seq', 'INTEGER'],
    ['prev_hash', 'BLOB'],
    ['record_hash', 'BLOB'],
  ],
};

/** Adds missing columns; answers whether the plays predate the chain (so they are chained and rolled up once, now). */
export function migrateColumns(db: Database.Database): { isChainNew: boolean } {
  let isChainNew = false;
  for (const [table, columns] of Object.entries(ADDED_COLUMNS)) {
    const existing = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    for (const [name, type] of columns) {
      if (existing.has(name)) continue;
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
      if (name === 'seq') isChainNew = true;
    }
  }
  db.exec('CREATE INDEX IF NOT EXISTS plays_by_screen_seq ON plays (screen_id, seq)');
  return { isChainNew };
}

/** An older release kept one row per heartbeat: fold them into intervals and health changes, then drop them. */
export function migrateHeartbeatRows(db: Database.Database, gapMs: number): void {
  const hasOld = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'heartbeats'`).get();
  if (!hasOld) return;
  const columns = new Set((db.prepare('PRAGMA table_info(heartbeats)').all() as { name: string }[]).map((c) => c.name));
  const insertInterval = db.prepare('INSERT OR REPLACE INTO online_intervals (screen_id, start_at, end_at, beats) VALUES (?, ?, ?, ?)');
  const insertHealth = db.prepare('INSERT INTO heartbeat_health (screen_id, received_at, sent_at, manifest_version, uptime_ms, details) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    type Beat = { screen_id: string; received_at: number; sent_at: number; manifest_version: string | null; uptime_ms: number; details: string | null };
    // One screen at a time: the connection cannot write while it iterates, and .all() of every screen could be large.
    const screenIds = db.prepare('SELECT DISTINCT screen_id FROM heartbeats').pluck().all() as string[];
    const beatsOf = db.prepare(`SELECT screen_id, received_at, sent_at, manifest_version, uptime_ms, ${columns.has('details') ? 'details' : 'NULL AS details'}
      FROM heartbeats WHERE screen_id = ? ORDER BY received_at`);
    for (const screenId of screenIds) {
      let open: { start: number; end: number; beats: number } | null = null;
      for (const b of beatsOf.all(screenId) as Beat[]) {
        if (open && b.received_at - open.end <= gapMs) (open.end = b.received_at), open.beats++;
        else {
          if (open) insertInterval.run(screenId, open.start, open.end, open.beats);
          open = { start: b.received_at, end: b.received_at, beats: 1 };
        }
        if (b.details !== null) insertHealth.run(screenId, b.received_at, b.sent_at, b.manifest_version, b.uptime_ms, b.details);
      }
      if (open) insertInterval.run(screenId, open.start, open.end, open.beats);
    }
    db.exec('DROP TABLE heartbeats');
  })();
}
