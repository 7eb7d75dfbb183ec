// Every Monday 08:00 in the server's zone, the weekly report for the ISO week that just ended. Like
// server/scheduling/boundaries.ts: one node-schedule job for the next instant, computed from the
// injected clock (a test clock may run ahead), re-planned after each run. The planned instant is
// saved, so a start after it passed (the server was down on Monday morning) makes the report then.
import schedule from 'node-schedule';
import type { FastifyBaseLogger } from 'fastify';
import { isoWeekday, localDayAt, wallToInstant } from '../../playlists/wall-clock.js';
import type { Clock } from '../clock.js';
import { previousWeek } from './iso-week.js';

export const WEEKLY_AT_MINUTE = 8 * 60;

/** The first Monday 08:00 (local) strictly after `now`. */
export function nextWeeklyRun(now: Date, timeZone: string): number {
  const t = now.getTime();
  const { day } = localDayAt(t, timeZone);
  const monday = day - (isoWeekday(day) - 1);
  const thisWeek = wallToInstant(monday, WEEKLY_AT_MINUTE, timeZone);
  return thisWeek > t ? thisWeek : wallToInstant(monday + 7, WEEKLY_AT_MINUTE, timeZone);
}

/** The week a run at `at` reports on: the one before the week `at` falls in. */
export const weekReportedAt = (at: Date, timeZone: string) => previousWeek(localDayAt(at.getTime(), timeZone).day);

/** After a long outage only the last weeks are made at start; older ones on demand. */
export const MAX_CATCH_UP_WEEKS = 4;

/** Where the job keeps the instant of its next run across restarts. */
export interface SavedRun {
  read(): Promise<number | null>;
  write(at: number): Promise<void>;
}

export function createWeeklyJob(deps: {
  clock: Clock;
  timeZone: string;
  log: FastifyBaseLogger;
  run: (week: string) => Promise<unknown>;
  /** Whether the history already holds the week's report. */
  hasReport: (week: string) => Promise<boolean>;
  saved: SavedRun;
}) {
  const { clock, timeZone, log } = deps;
  let job: schedule.Job | null = null;
  let isClosed = false;
  let nextAt: number | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let caughtUp: Promise<{ made: string[]; isComplete: boolean }> = Promise.resolve({ made: [], isComplete: true });

  async function fire(at: Date): Promise<void> {
    const week = weekReportedAt(at, timeZone);
    try {
      await deps.run(week);
      log.info({ week }, '已生成每周通报 / weekly report generated');
    } catch (err) {
      log.error({ err, week }, '每周通报生成失败 / weekly report failed');
    }
  }

  const save = (at: number) => deps.saved.write(at).catch((err: unknown) => log.warn({ err }, '未能保存每周通报计划时间 / could not save the weekly run'));

  function plan(isSaved = true): void {
    job?.cancel();
    job = null;
    if (isClosed) return;
    const now = clock.now();
    nextAt = nextWeeklyRun(now, timeZone);
    if (isSaved) void save(nextAt);
    const realAt = new Date(Date.now() + (nextAt - now.getTime()) + 5);
    job = schedule.scheduleJob(realAt, () => {
      running = fire(new Date(nextAt!)).finally(() => plan());
    });
  }

  /**
   * The runs that fell while the server was down (from the saved instant to now, the last
   * MAX_CATCH_UP_WEEKS at most), oldest first; a week the history holds is not made again. Answers
   * the weeks made; after a failure the saved instant stays, so the next start tries again.
   */
  async function catchUp(): Promise<{ made: string[]; isComplete: boolean }> {
    const saved = await deps.saved.read();
    const now = clock.now().getTime();
    const made: string[] = [];
    if (saved === null) return { made, isComplete: true };
    let at = Math.max(saved, now - MAX_CATCH_UP_WEEKS * 7 * 86_400_000);
    if (at > saved) at = nextWeeklyRun(new Date(at - 1), timeZone);
    for (; at <= now && !isClosed; at = nextWeeklyRun(new Date(at), timeZone)) {
      const week = weekReportedAt(new Date(at), timeZone);
      if (await deps.hasReport(week)) continue;
      log.info({ week }, '服务器停机错过了每周通报，现在补做 / the weekly report was missed while the server was down: making it now');
      await fire(new Date(at));
      if (!(await deps.hasReport(week))) return { made, isComplete: false };
      made.push(week);
    }
    return { made, isComplete: true };
  }

  return {
    /** At start: the reports missed while down, then the next Monday (planned at once, before the catch-up ends). */
    start(): Promise<{ made: string[]; isComplete: boolean }> {
      plan(false);
      const done = catchUp().then(async (result) => {
        if (result.isComplete && nextAt !== null) await save(nextAt);
        return result;
      });
      running = done.catch((err: unknown) => log.error({ err }, '每周通报补做失败 / weekly catch-up failed'));
      caughtUp = done;
      return done;
    },
    /** The last start's catch-up: the weeks it made. */
    get caughtUp() {
      return caughtUp;
    },
    plan,
    /** What the job does when it fires at `at` (tests and catch-up call it directly). */
    fire,
    get next(): Date | null {
      return nextAt === null ? null : new Date(nextAt);
    },
    /** Stops the schedule and waits for a report being made, so the stores close after it. */
    async close(): Promise<void> {
      isClosed = true;
      job?.cancel();
      job = null;
      await running;
    },
  };
}
