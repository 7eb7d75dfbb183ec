// Read-only questions asked of the airing log: daily rollups, online time, the hash chain. A second,
// read-only SQLite connection (WAL lets it read while the log writes), so reports never hold up
// play records. Days are local days in the server's zone (CRIER_TIME_ZONE), as the rollups count them.
import Database from 'better-sqlite3';
import path from 'node:path';
import { DEFAULT_TIME_ZONE } from '../../playlists/wall-clock.js';
import { toStoredPlay, type StoredPlay } from './airing.store.js';
import { localDaysBetween } from './local-day.js';
import { GENESIS, linkHex, verifyScreenChain, type ChainBreak, type ChainedRow, type ChainLink } from './play-chain.js';

export interface DayRange {
  /** Local dates "YYYY-MM-DD", inclusive. */
  fromDay: string;
  toDay: string;
  screenIds?: readonly string[] | undefined;
}

export interface RollupRow {
  day: string;
  screenId: string;
  mediaId: string;
  plays: number;
  completed: number;
  airtimeMs: number;
}

export interface OnlineDayRow {
  day: string;
  screenId: string;
  onlineMs: number;
}

export interface HeartbeatInterval {
  start: number;
  end: number;
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  firstBad?: ChainBreak;
}

/** One screen-day as the as-run log needs it: the plays that started in it and the chain check of their records. */
export interface ScreenDay {
  /** Oldest first (ties by id), records without chain columns included. */
  plays: StoredPlay[];
  /** The check of the day's seq range (one record of margin each side); `checked: 0` on a day without chained plays. */
  chain: ChainCheck;
}

export interface AiringReports {
  // Promises: the PostgreSQL version (server/storage/pg/airing.pg.ts) cannot answer at once.
  /** Claimed plays per local day, screen and media item (unclaimed screens' plays are counted apart: `provisional: true`). */
  dailyRollups(range: DayRange & { provisional?: boolean }): Promise<RollupRow[]>;
  /** Online time per screen and local day, from the heartbeat intervals; screen-days with none are left out. */
  dailyOnline(range: DayRange): Promise<OnlineDayRow[]>;
  /** Online intervals of one screen overlapping [from, to), clipped to it. */
  onlineIntervals(screenId: string, from: number, to: number): Promise<HeartbeatInterval[]>;
  /** Checks every screen's chain (or one's) from its anchor to its head; names the first break. */
  verifyChain(screenId?: string): Promise<ChainCheck>;
  /** Checks the records of one screen from seq `fromSeq` to `toSeq`, with one record of margin each side. */
  verifyChainSegment(screenId: string, fromSeq: number, toSeq: number): Promise<ChainCheck>;
  /** Health reports of a screen received in [from, to), with the one in force at `from`, oldest first (details parsed). */
  healthBetween(screenId: string, from: number, to: number): Promise<{ at: number; details: Record<string, unknown> }[]>;
  /**
   * A screen's plays that started in [from, to) and the chain check of their seq range, from one read
   * of the records: the answers of listPlays + seqRange + verifyChainSegment without reading the day
   * twice (and a record of the day without chain columns named as inserted, as verifyChain names it).
   */
  screenDay(screenId: string, from: number, to: number): Promise<ScreenDay>;
  /** The seq range of a screen's plays that started in [from, to). */
  seqRange(screenId: string, from: number, to: number): Promise<{ fromSeq: number; toSeq: number } | null>;
  close(): Promise<void>;
}

/** The embedded (SQLite) reports, whose connection tests and tools may also query directly. */
export interface SqliteAiringReports extends AiringReports {
  db: Database.Database;
}

export const screenFilter = (ids: readonly string[] | undefined) => (ids === undefined ? null : new Set(ids));

export interface ScreenInterval {
  screenId: string;
  start: number;
  end: number;
}

/** Online time per screen and local day of `range`, summed from the intervals overlapping [from, to) that `intervalsIn` reads. */
export async function onlinePerDay(
  { fromDay, toDay, screenIds }: DayRange,
  zone: string,
  intervalsIn: (from: number, to: number) => Iterable<ScreenInterval> | Promise<Iterable<ScreenInterval>>,
): Promise<OnlineDayRow[]> {
  const days = localDaysBetween(fromDay, toDay, zone);
  if (!days.length) return [];
  const wanted = screenFilter(screenIds);
  const sums = new Map<string, OnlineDayRow>();
  for (const i of await intervalsIn(days[0]!.start, days.at(-1)!.end)) {
    if (wanted && !wanted.has(i.screenId)) continue;
    for (const d of days) {
      const ms = Math.min(i.end, d.end) - Math.max(i.start, d.start);
      if (ms <= 0) continue;
      const key = `${d.day}\u0000${i.screenId}`;
      const row = sums.get(key) ?? { day: d.day, screenId: i.screenId, onlineMs: 0 };
      row.onlineMs += ms;
      sums.set(key, row);
    }
  }
  return [...sums.values()].sort((a, b) => (a.day === b.day ? (a.screenId < b.screenId ? -1 : 1) : a.day < b.day ? -1 : 1));
}

export function createAiringReports(dataDir: string, options: { timeZone?: string } = {}): SqliteAiringReports {
  // The airing log created the file and its tables before this opens it.
  const db = new Database(path.join(dataDir, 'airing.sqlite3'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const zone = options.timeZone ?? DEFAULT_TIME_ZONE;
  return createAiringQueries(db, zone);
}

/** A segment of one screen's records (seq order, one of margin each side) checked from the record before it, or from the anchor at the chain's start. */
export function verifySegment(screenId: string, rows: readonly ChainedRow[], anchor: ChainLink, head: ChainLink): ChainCheck {
  const first = rows[0];
  if (!first || first.seq === null || first.prev_hash === null) return verifyScreenChain(screenId, rows, anchor, null);
  const start = first.seq === anchor.seq + 1 ? anchor : { seq: first.seq - 1, hash: linkHex(first.prev_hash) };
  const last = rows.at(-1)!;
  return verifyScreenChain(screenId, rows, start, last.seq !== null && last.seq >= head.seq ? head : null);
}

/**
 * The columns of a screen-day read, links as lowercase hex (what linkHex makes of the stored bytes;
 * rows from before the BLOB links already hold hex text): converted once by the database, where
 * making a Buffer per link and hexing it in JavaScript was a good part of the proof's time.
 */
export const screenDayColumns = (hexOf: (column: string) => string) =>
  `id, screen_id, item_id, media_id, hash, manifest_version, started_at, ended_at, completed, received_at, is_provisional,
   planned_started_at, outcome, clock_offset_ms, seq, ${hexOf('prev_hash')} AS prev_hash, ${hexOf('record_hash')} AS record_hash`;

/** A row of screenDayColumns read as an array (SQLite's raw mode: better-sqlite3 builds arrays far faster than objects). */
export const screenDayRow = (c: unknown[]): ChainedRow => ({
  id: c[0], screen_id: c[1], item_id: c[2], media_id: c[3], hash: c[4], manifest_version: c[5], started_at: c[6], ended_at: c[7], completed: c[8],
  received_at: c[9], is_provisional: c[10], planned_started_at: c[11], outcome: c[12], clock_offset_ms: c[13], seq: c[14], prev_hash: c[15], record_hash: c[16],
} as ChainedRow);

/** A screen-day's records as one read finds them (see screenDayOf). */
export interface ScreenDayRecords {
  /**
   * The screen's chained records in seq order, from the nearest one before the first seq of the
   * day's plays to the nearest one after its last: the nearest that exist, not seq ± 1, so a removed
   * first or last record of the day leaves a gap the check sees.
   */
  segment: readonly ChainedRow[];
  /** No chained record before the day's first: the check starts from the chain's anchor. */
  isFromStart: boolean;
  /** No chained record after the day's last: the check ends at the chain's head. */
  isToEnd: boolean;
  /** The screen's records without chain columns that started in the day. */
  unchained: readonly ChainedRow[];
}

/**
 * A screen-day from one read. The chain check covers the day's seq range and the records either
 * side, and where the day holds a record without chain columns it names that one as inserted, first,
 * as the full check (verifyChain) does: it is on the as-run log, so the day's check must not call it
 * sound.
 */
export function screenDayOf(screenId: string, from: number, to: number, day: ScreenDayRecords, anchor: ChainLink, head: ChainLink): ScreenDay {
  const records = [...day.unchained, ...day.segment];
  const first = records[0];
  let chain: ChainCheck = { ok: true, checked: 0 };
  if (first) {
    const start = day.isFromStart || first.seq === null || first.prev_hash === null ? anchor : { seq: first.seq - 1, hash: linkHex(first.prev_hash) };
    chain = verifyScreenChain(screenId, records, start, day.isToEnd ? head : null);
  }
  const inDay = day.segment.filter((r) => r.started_at >= from && r.started_at < to);
  // The order listPlays gave the as-run log once sorted by start: start, then id.
  const plays = [...day.unchained, ...inDay].sort((a, b) => a.started_at - b.started_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(toStoredPlay);
  return { plays, chain };
}

export function parseHealth(rows: readonly { at: number; details: string }[]): { at: number; details: Record<string, unknown> }[] {
  return rows.flatMap((r) => {
    try {
      return [{ at: r.at, details: JSON.parse(r.details) as Record<string, unknown> }];
    } catch {
      return []; // a damaged report costs one reason, not the as-run log
    }
  });
}

/** The queries on an open connection: the server's read-only one, or the verify tool's. */
export function createAiringQueries(db: Database.Database, zone: string): SqliteAiringReports {
  const rollups = db.prepare(`SELECT day, screen_id AS screenId, media_id AS mediaId, plays, completed, airtime_ms AS airtimeMs
    FROM rollups WHERE day >= ? AND day <= ? AND is_provisional = ? ORDER BY day, screen_id, media_id`);
  const intervalsIn = db.prepare(`SELECT screen_id AS screenId, start_at AS start, end_at AS end FROM online_intervals
    WHERE end_at >= ? AND start_at < ? ORDER BY screen_id, start_at`);
  const intervalsOf = db.prepare(`SELECT start_at AS start, end_at AS end FROM online_intervals
    WHERE screen_id = ? AND end_at >= ? AND start_at < ? ORDER BY start_at`);
  const chainScreens = db.prepare('SELECT screen_id FROM chain_heads UNION SELECT DISTINCT screen_id FROM plays').pluck();
  const headOf = db.prepare('SELECT seq, hash FROM chain_heads WHERE screen_id = ?');
  const anchorOf = db.prepare('SELECT seq, hash FROM chain_anchors WHERE screen_id = ?');
  const chainRows = db.prepare('SELECT * FROM plays WHERE screen_id = ? ORDER BY seq, rowid');
  const segmentRows = db.prepare('SELECT * FROM plays WHERE screen_id = ? AND seq >= ? AND seq <= ? ORDER BY seq, rowid');
  const healthRows = db.prepare(`SELECT received_at AS at, details FROM heartbeat_health WHERE screen_id = ? AND received_at >= ? AND received_at < ?
    UNION ALL SELECT * FROM (SELECT received_at, details FROM heartbeat_health WHERE screen_id = ? AND received_at < ? ORDER BY received_at DESC LIMIT 1)
    ORDER BY at`);
  const seqRange = db.prepare('SELECT min(seq) AS fromSeq, max(seq) AS toSeq FROM plays WHERE screen_id = ? AND started_at >= ? AND started_at < ?');
  const sqliteHex = (c: string) => `CASE typeof(${c}) WHEN 'blob' THEN lower(hex(${c})) ELSE ${c} END`;
  const daySegment = db.prepare(`SELECT ${screenDayColumns(sqliteHex)} FROM plays WHERE screen_id = ? AND seq >= ? AND seq <= ? ORDER BY seq, rowid`).raw();
  const dayUnchained = db.prepare(`SELECT ${screenDayColumns(sqliteHex)} FROM plays WHERE screen_id = ? AND seq IS NULL AND started_at >= ? AND started_at < ? ORDER BY rowid`).raw();
  const seqBefore = db.prepare('SELECT seq FROM plays WHERE screen_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1').pluck();
  const seqAfter = db.prepare('SELECT seq FROM plays WHERE screen_id = ? AND seq > ? ORDER BY seq LIMIT 1').pluck();
  // One snapshot: records written meanwhile do not look like a break.
  const readScreenDay = db.transaction((screenId: string, from: number, to: number) => {
    const range = seqRange.get(screenId, from, to) as { fromSeq: number | null; toSeq: number | null };
    let segment: ChainedRow[] = [];
    let isFromStart = true;
    let isToEnd = true;
    if (range.fromSeq !== null && range.toSeq !== null) {
      const before = seqBefore.get(screenId, range.fromSeq) as number | undefined;
      const after = seqAfter.get(screenId, range.toSeq) as number | undefined;
      (isFromStart = before === undefined), (isToEnd = after === undefined);
      segment = (daySegment.all(screenId, before ?? range.fromSeq, after ?? range.toSeq) as unknown[][]).map(screenDayRow);
    }
    const unchained = (dayUnchained.all(screenId, from, to) as unknown[][]).map(screenDayRow);
    const link = (statement: Database.Statement) => (statement.get(screenId) as ChainLink | undefined) ?? GENESIS;
    return screenDayOf(screenId, from, to, { segment, isFromStart, isToEnd, unchained }, link(anchorOf), link(headOf));
  });

  const verifyOne = (screenId: string) =>
    verifyScreenChain(
      screenId,
      chainRows.iterate(screenId) as Iterable<ChainedRow>,
      (anchorOf.get(screenId) as ChainLink | undefined) ?? GENESIS,
      (headOf.get(screenId) as ChainLink | undefined) ?? GENESIS,
    );

  return {
    db,
    async dailyRollups({ fromDay, toDay, screenIds, provisional }) {
      const wanted = screenFilter(screenIds);
      const rows = rollups.all(fromDay, toDay, provisional ? 1 : 0) as RollupRow[];
      return wanted ? rows.filter((r) => wanted.has(r.screenId)) : rows;
    },
    async dailyOnline(range) {
      return onlinePerDay(range, zone, (from, to) => intervalsIn.iterate(from, to) as Iterable<ScreenInterval>);
    },
    async onlineIntervals(screenId, from, to) {
      return (intervalsOf.all(screenId, from, to) as HeartbeatInterval[]).map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }));
    },
    async verifyChain(screenId) {
      const screens = screenId === undefined ? (chainScreens.all() as string[]) : [screenId];
      let checked = 0;
      for (const id of screens) {
        const verdict = db.transaction(() => verifyOne(id))();
        checked += verdict.checked;
        if (!verdict.ok) return { ...verdict, checked };
      }
      return { ok: true, checked };
    },
    async verifyChainSegment(screenId, fromSeq, toSeq) {
      const rows = segmentRows.all(screenId, fromSeq - 1, toSeq + 1) as ChainedRow[];
      return verifySegment(screenId, rows, (anchorOf.get(screenId) as ChainLink | undefined) ?? GENESIS, (headOf.get(screenId) as ChainLink | undefined) ?? GENESIS);
    },
    async healthBetween(screenId, from, to) {
      return parseHealth(healthRows.all(screenId, from, to, screenId, from) as { at: number; details: string }[]);
    },
    async screenDay(screenId, from, to) {
      return readScreenDay(screenId, from, to);
    },
    async seqRange(screenId, from, to) {
      const r = seqRange.get(screenId, from, to) as { fromSeq: number | null; toSeq: number | null };
      return r.fromSeq === null || r.toSeq === null ? null : { fromSeq: r.fromSeq, toSeq: r.toSeq };
    },
    async close() {
      db.close();
    },
  };
}
