// Every Monday 08:00 in the server's zone, the weekly report for the ISO week that just ended. Like
// server/scheduling/boundaries.ts: one node-schedule job for the next instant, computed from the
// injected clock (a test clock may run ahead), re-planned after each run.
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

export function createWeeklyJob(deps: { clock: Clock; timeZone: string; log: FastifyBaseLogger; run: (week: string) => Promise<unknown> }) {
  const { clock, timeZone, log } = deps;
  let job: schedule.Job | null = null;
  let isClosed = false;
  let nextAt: number | null = null;

  async function fire(at: Date): Promise<void> {
    const week = weekReportedAt(at, timeZone);
    try {
      await deps.run(week);
      log.info({ week }, '已生成每周通报 / weekly report generated');
    } catch (err) {
      log.error({ err, week }, '每周通报生成失败 / weekly report failed');
    }
  }

  function plan(): void {
    job?.cancel();
    job = null;
    if (isClosed) return;
    const now = clock.now();
    nextAt = nextWeeklyRun(now, timeZone);
    const realAt = new Date(Date.now() + (nextAt - now.getTime()) + 5);
    job = schedule.scheduleJob(realAt, () => {
      void fire(new Date(nextAt!)).finally(plan);
    });
  }

  return {
    plan,
    /** What the job does when it fires at `at` (tests and catch-up call it directly). */
    fire,
    get next(): Date | null {
      return nextAt === null ? null : new Date(nextAt);
    },
    close(): void {
      isClosed = true;
      job?.cancel();
      job = null;
    },
  };
}
