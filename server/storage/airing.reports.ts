// Read-only questions asked of the airing log for proof-of-airing reports: plays per screen and local
// day, and when each screen was online. A second, read-only SQLite connection (WAL lets it read while
// the log writes), so reports never hold up play records. Queries take a list of day boundaries
// (instants) rather than a fixed zone, so campaign reports (per township, planned vs aired) can reuse
// them with any grouping the caller builds around them.
import Database from 'better-sqlite3';
import path from 'node:path';

export interface DayBucket {
  /** Local date "YYYY-MM-DD". */
  day: string;
  /** [start, end) in epoch ms. */
  start: number;
  end: number;
}

export interface PlaysPerDayRow {
  screenId: string;
  day: string;
  plays: number;
  completed: number;
  /** Sum of (end − start) of the plays that started that day, in seconds. */
  seconds: number;
}

export interface HeartbeatInterval {
  start: number;
  end: number;
}

export interface AiringReports {
  /** Claimed plays only (unclaimed screens' plays are kept apart in every count); rows with no plays are left out. */
  playsPerDay(days: readonly DayBucket[], screenIds: readonly string[] | null): PlaysPerDayRow[];
  /**
   * Online intervals of one screen from its heartbeats: consecutive heartbeats no further apart than
   * `gapMs` form one interval, which lasts until its last heartbeat (the player said nothing after it).
   */
  onlineIntervals(screenId: string, from: number, to: number, gapMs: number): HeartbeatInterval[];
  close(): void;
}

export function createAiringReports(dataDir: string): AiringReports {
  // The airing log created the file and its tables before this opens it.
  const db = new Database(path.join(dataDir, 'airing.sqlite3'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const perDay = db.prepare(`SELECT screen_id AS screenId, count(*) AS plays, sum(completed) AS completed,
      sum(max(ended_at - started_at, 0)) AS ms
    FROM plays WHERE is_provisional = 0 AND started_at >= ? AND started_at < ? GROUP BY screen_id`);
  const beats = db.prepare(`SELECT received_at AS at FROM heartbeats
    WHERE screen_id = ? AND received_at >= ? AND received_at < ? ORDER BY received_at`).pluck();

  return {
    playsPerDay(days, screenIds) {
      const wanted = screenIds ? new Set(screenIds) : null;
      const rows: PlaysPerDayRow[] = [];
      // One indexed range query per day: a report spans weeks, not years, so this stays cheap.
      for (const bucket of days) {
        for (const r of perDay.all(bucket.start, bucket.end) as { screenId: string; plays: number; completed: number; ms: number }[]) {
          if (wanted && !wanted.has(r.screenId)) continue;
          rows.push({ screenId: r.screenId, day: bucket.day, plays: r.plays, completed: r.completed, seconds: Math.round(r.ms / 1000) });
        }
      }
      return rows;
    },
    onlineIntervals(screenId, from, to, gapMs) {
      const intervals: HeartbeatInterval[] = [];
      let current: HeartbeatInterval | null = null;
      for (const at of beats.iterate(screenId, from, to) as Iterable<number>) {
        if (current && at - current.end <= gapMs) current.end = at;
        else intervals.push((current = { start: at, end: at }));
      }
      return intervals;
    },
    close() {
      db.close();
    },
  };
}
