// What reports read from the airing log, behind the names of proof's contract (COORDINATION.md):
// daily rollups, daily online time, one screen-day's as-run log and the chain check. Until proof's
// store provides them, `interimSources` answers from the existing tables so every report works; it is
// replaced in app.ts, and nothing else in server/reports/ knows which one it talks to.
import Database from 'better-sqlite3';
import path from 'node:path';
import { dateOf, dayOf, wallToInstant } from '../../playlists/wall-clock.js';

export interface RollupRow { day: string; screenId: string; mediaId: string; plays: number; completed: number; airtimeMs: number }
export interface OnlineRow { day: string; screenId: string; onlineMs: number }
export interface DayRange { fromDay: string; toDay: string; screenIds?: readonly string[] }

/** One line of a screen-day's as-run log, as reports show it. */
export interface AsRunLine {
  /** Planned start (ISO) when the plan is known; null for something that aired unplanned. */
  plannedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  mediaId: string | null;
  title: string | null;
  /** Which rule put it there: alert, broadcast, schedule, default. */
  source: string | null;
  status: 'completed' | 'cut' | 'not-aired' | 'aired';
  /** Why a planned item did not air (offline, something else won, media not cached, sound blocked). */
  reason: string | null;
  clockOffsetMs: number | null;
}
export interface AsRun { screenId: string; day: string; lines: AsRunLine[] }
export interface ChainCheck {
  ok: boolean;
  checked: number;
  firstBad?: { screenId: string; seq: number; kind: 'changed' | 'inserted' | 'removed' };
  /** false: this store keeps no chain yet (interim), so nothing could be checked. */
  available: boolean;
}

export interface ReportSources {
  dailyRollups(range: DayRange): RollupRow[];
  dailyOnline(range: DayRange): OnlineRow[];
  asRun(screenId: string, day: string): AsRun;
  verifyChain(screenId?: string): ChainCheck;
  close(): void;
}

/**
 * Interim answers from `plays` and `heartbeats` (grouped by local day in `timeZone`). Heartbeats no
 * further apart than `gapMs` count as online between them.
 */
export function interimSources(dataDir: string, timeZone: string, gapMs: number): ReportSources {
  const db = new Database(path.join(dataDir, 'airing.sqlite3'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const rollup = db.prepare(`SELECT screen_id AS screenId, media_id AS mediaId, count(*) AS plays, sum(completed) AS completed,
      sum(max(ended_at - started_at, 0)) AS airtimeMs
    FROM plays WHERE is_provisional = 0 AND started_at >= ? AND started_at < ? GROUP BY screen_id, media_id`);
  const beats = db.prepare(`SELECT screen_id AS screenId, received_at AS at FROM heartbeats
    WHERE received_at >= ? AND received_at < ? ORDER BY screen_id, received_at`);
  const playsOf = db.prepare(`SELECT media_id AS mediaId, started_at AS startedAt, ended_at AS endedAt, completed,
      planned_started_at AS plannedAt, clock_offset_ms AS clockOffsetMs
    FROM plays WHERE screen_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at`);
  const days = ({ fromDay, toDay }: DayRange) => {
    const list: { day: string; start: number; end: number }[] = [];
    for (let d = dayOf(fromDay); d <= dayOf(toDay); d++) list.push({ day: dateOf(d), start: wallToInstant(d, 0, timeZone), end: wallToInstant(d + 1, 0, timeZone) });
    return list;
  };
  const wanted = (range: DayRange) => (range.screenIds ? new Set(range.screenIds) : null);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

  return {
    dailyRollups(range) {
      const keep = wanted(range);
      return days(range).flatMap(({ day, start, end }) =>
        (rollup.all(start, end) as Omit<RollupRow, 'day'>[]).filter((r) => !keep || keep.has(r.screenId)).map((r) => ({ day, ...r })),
      );
    },
    dailyOnline(range) {
      const keep = wanted(range);
      const rows: OnlineRow[] = [];
      for (const { day, start, end } of days(range)) {
        const online = new Map<string, number>();
        let last: { screenId: string; at: number } | null = null;
        for (const beat of beats.iterate(start, end) as Iterable<{ screenId: string; at: number }>) {
          if (keep && !keep.has(beat.screenId)) continue;
          if (last?.screenId === beat.screenId && beat.at - last.at <= gapMs) online.set(beat.screenId, (online.get(beat.screenId) ?? 0) + beat.at - last.at);
          else if (!online.has(beat.screenId)) online.set(beat.screenId, 0);
          last = beat;
        }
        for (const [screenId, onlineMs] of online) rows.push({ day, screenId, onlineMs });
      }
      return rows;
    },
    asRun(screenId, day) {
      const { start, end } = days({ fromDay: day, toDay: day })[0]!;
      const plays = playsOf.all(screenId, start, end) as { mediaId: string; startedAt: number; endedAt: number; completed: number; plannedAt: number | null; clockOffsetMs: number | null }[];
      return {
        screenId,
        day,
        lines: plays.map((p) => ({
          plannedAt: iso(p.plannedAt),
          startedAt: iso(p.startedAt),
          endedAt: iso(p.endedAt),
          mediaId: p.mediaId,
          title: null,
          source: null,
          status: p.completed ? 'completed' : 'cut',
          reason: null,
          clockOffsetMs: p.clockOffsetMs,
        })),
      };
    },
    verifyChain: () => ({ ok: true, checked: 0, available: false }),
    close: () => db.close(),
  };
}
