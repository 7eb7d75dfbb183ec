// What reports read from the airing log, in the names of proof's contract (COORDINATION.md): daily
// rollups, daily online time, one screen-day's as-run log and the chain check. proof answers them
// (server/proof/report-sources.ts); reports never scan raw plays.

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
  /** The terminal's state then as a GD/J emergency-broadcast terminal status code (server/proof/terminal-status.ts). */
  terminalStatus: 1 | 2 | 3 | 4 | 5;
}
export interface AsRun { screenId: string; day: string; lines: AsRunLine[] }
export interface ChainCheck {
  ok: boolean;
  checked: number;
  firstBad?: { screenId: string; seq: number; kind: 'changed' | 'inserted' | 'removed' };
  /** false: this store keeps no chain yet (interim), so nothing could be checked. */
  available: boolean;
}

/** Promises: the airing log may be PostgreSQL's (server/storage/pg/airing.pg.ts). */
export interface ReportSources {
  dailyRollups(range: DayRange): Promise<RollupRow[]>;
  dailyOnline(range: DayRange): Promise<OnlineRow[]>;
  asRun(screenId: string, day: string): Promise<AsRun>;
  verifyChain(screenId?: string): Promise<ChainCheck>;
  close(): void;
}

/**
 * The sources for one report build: the rollups and online time of a day range are read once and
 * shared by the sections that ask (the weekly report's coverage, compliance and topic mix all read
 * the same week), each taking its screens from the shared rows.
 */
export function shareReads(sources: ReportSources): ReportSources {
  const rollups = new Map<string, Promise<RollupRow[]>>();
  const online = new Map<string, Promise<OnlineRow[]>>();
  const shared = <R extends { screenId: string }>(cache: Map<string, Promise<R[]>>, read: (range: DayRange) => Promise<R[]>) =>
    async ({ screenIds, ...range }: DayRange): Promise<R[]> => {
      const key = JSON.stringify(range);
      let rows = cache.get(key);
      if (!rows) cache.set(key, (rows = read(range)));
      if (screenIds === undefined) return rows;
      const wanted = new Set(screenIds);
      return (await rows).filter((r) => wanted.has(r.screenId));
    };
  return {
    dailyRollups: shared(rollups, (range) => sources.dailyRollups(range)),
    dailyOnline: shared(online, (range) => sources.dailyOnline(range)),
    asRun: (screenId, day) => sources.asRun(screenId, day),
    verifyChain: (screenId) => sources.verifyChain(screenId),
    close: () => sources.close(),
  };
}
