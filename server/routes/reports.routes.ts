// Proof-of-airing reports for the console: plays per screen and local day, and online history from
// heartbeats. Claimed screens only, and only those the caller may see (township scope). Shaped to grow
// into campaign reports: every answer carries the screens it covers with their township, so coverage
// per township and planned-vs-aired can be added beside these without changing them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, IsoTimeSchema, type Screen } from '../../playlists/catalogue.schema.js';
import { LocalDateSchema } from '../../playlists/schedule.schema.js';
import { DAY_MS, dateOf, dayOf, localDayAt } from '../../playlists/wall-clock.js';
import type { Clock } from '../clock.js';
import { scopedTownship } from '../auth/township-scope.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import type { AiringLog } from '../storage/airing.store.js';
import type { AiringReports } from '../storage/airing.reports.js';

export const MAX_REPORT_DAYS = 92;
const MAX_HISTORY_DAYS = 31;

const ReportScreenSchema = z.object({
  id: IdSchema,
  name: z.string(),
  township: z.string().nullable(),
  site: z.string().nullable(),
  siteType: z.string().nullable(),
});

export const PlaysPerDaySchema = z.object({
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  days: z.array(z.string()),
  screens: z.array(ReportScreenSchema),
  rows: z.array(z.object({ screenId: IdSchema, day: z.string(), plays: z.number().int(), completed: z.number().int(), seconds: z.number().int() })),
  totals: z.object({ plays: z.number().int(), completed: z.number().int(), seconds: z.number().int() }),
  /** A first campaign figure: plays and screens that aired per township over the range. */
  townships: z.array(z.object({ township: z.string().nullable(), screens: z.number().int(), screensAired: z.number().int(), plays: z.number().int(), seconds: z.number().int() })),
});

export const OnlineHistorySchema = z.object({
  from: IsoTimeSchema,
  to: IsoTimeSchema,
  /** Heartbeats further apart than this split an interval (the server's offline threshold). */
  gapMs: z.number().int(),
  screens: z.array(
    z.object({
      screenId: IdSchema,
      intervals: z.array(z.object({ start: IsoTimeSchema, end: IsoTimeSchema })),
      onlineSeconds: z.number().int(),
    }),
  ),
});


const toReportScreen = (s: Screen) => ({ id: s.id, name: s.name, township: s.township ?? null, site: s.site ?? null, siteType: s.siteType ?? null });

export function registerReportRoutes(
  app: FastifyInstance,
  deps: {
    reports: AiringReports;
    airingLog: AiringLog;
    clock: Clock;
    timeZone: string;
    offlineAfterMs: number;
    screens: () => readonly Screen[];
  },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['proof of airing'];
  const claimedScreens = (req: FastifyRequest, screenId: string | undefined) => {
    const township = scopedTownship(req);
    const screens = deps.screens().filter((s) => !s.isProvisional && (!township || s.township === township));
    if (screenId === undefined) return screens;
    const screen = screens.find((s) => s.id === screenId);
    if (!screen) throw new AppError(404, 'not-found', `未找到已认领的屏幕 / no claimed screen ${screenId}`);
    return [screen];
  };

  r.get(
    '/api/v1/reports/plays-per-day',
    {
      schema: {
        tags,
        summary: `Plays and seconds aired per claimed screen and local day (${'`from`'}..${'`to`'} inclusive, default the last 7 days, at most ${MAX_REPORT_DAYS})`,
        querystring: z.object({ from: LocalDateSchema.optional(), to: LocalDateSchema.optional(), screenId: IdSchema.optional() }),
        response: { 200: PlaysPerDaySchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req) => {
      const zone = deps.timeZone;
      const today = localDayAt(deps.clock.now().getTime(), zone).day;
      const last = req.query.to ? dayOf(req.query.to) : today;
      const first = req.query.from ? dayOf(req.query.from) : last - 6;
      if (last < first) throw new AppError(422, 'end-before-start', '结束日期不能早于开始日期 / to must not be before from');
      if (last - first + 1 > MAX_REPORT_DAYS) throw new AppError(422, 'range-too-long', `报表最长 ${MAX_REPORT_DAYS} 天 / at most ${MAX_REPORT_DAYS} days per report`);
      const screens = claimedScreens(req, req.query.screenId);
      await deps.airingLog.flush();
      const days = Array.from({ length: last - first + 1 }, (_, k) => ({ day: dateOf(first + k) }));
      const perScreenDay = new Map<string, { screenId: string; day: string; plays: number; completed: number; ms: number }>();
      for (const r of await deps.reports.dailyRollups({ fromDay: dateOf(first), toDay: dateOf(last), screenIds: screens.map((s) => s.id) })) {
        const key = `${r.day}\u0000${r.screenId}`;
        const row = perScreenDay.get(key) ?? { screenId: r.screenId, day: r.day, plays: 0, completed: 0, ms: 0 };
        (row.plays += r.plays), (row.completed += r.completed), (row.ms += r.airtimeMs);
        perScreenDay.set(key, row);
      }
      const rows = [...perScreenDay.values()].map(({ ms, ...row }) => ({ ...row, seconds: Math.round(ms / 1000) }));
      const totals = { plays: 0, completed: 0, seconds: 0 };
      for (const row of rows) (totals.plays += row.plays), (totals.completed += row.completed), (totals.seconds += row.seconds);
      const byTownship = new Map<string | null, { township: string | null; screens: number; screensAired: number; plays: number; seconds: number }>();
      const aired = new Set(rows.map((row) => row.screenId));
      const townshipOf = new Map(screens.map((s) => [s.id, s.township ?? null]));
      for (const s of screens) {
        const entry = byTownship.get(s.township ?? null) ?? { township: s.township ?? null, screens: 0, screensAired: 0, plays: 0, seconds: 0 };
        entry.screens++;
        if (aired.has(s.id)) entry.screensAired++;
        byTownship.set(entry.township, entry);
      }
      for (const row of rows) {
        const entry = byTownship.get(townshipOf.get(row.screenId) ?? null)!;
        (entry.plays += row.plays), (entry.seconds += row.seconds);
      }
      return {
        timeZone: zone,
        from: dateOf(first),
        to: dateOf(last),
        days: days.map((d) => d.day),
        screens: screens.map(toReportScreen),
        rows,
        totals,
        townships: [...byTownship.values()].sort((a, b) => (a.township ?? '').localeCompare(b.township ?? '', 'zh-CN')),
      };
    },
  );

  r.get(
    '/api/v1/reports/online-history',
    {
      schema: {
        tags,
        summary: `When claimed screens were online, from their heartbeats (default the last 24 h, at most ${MAX_HISTORY_DAYS} days)`,
        querystring: z.object({ screenId: IdSchema.optional(), from: IsoTimeSchema.optional(), to: IsoTimeSchema.optional() }),
        response: { 200: OnlineHistorySchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req) => {
      const to = req.query.to ? Date.parse(req.query.to) : deps.clock.now().getTime();
      const from = req.query.from ? Date.parse(req.query.from) : to - DAY_MS;
      if (to <= from) throw new AppError(422, 'end-before-start', '结束时间须晚于开始时间 / to must be after from');
      if (to - from > MAX_HISTORY_DAYS * DAY_MS) throw new AppError(422, 'range-too-long', `最长 ${MAX_HISTORY_DAYS} 天 / at most ${MAX_HISTORY_DAYS} days`);
      const screens = claimedScreens(req, req.query.screenId);
      await deps.airingLog.flush();
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        from: iso(from),
        to: iso(to),
        gapMs: deps.offlineAfterMs,
        screens: await Promise.all(screens.map(async (s) => {
          const intervals = await deps.reports.onlineIntervals(s.id, from, to);
          return {
            screenId: s.id,
            intervals: intervals.map((i) => ({ start: iso(i.start), end: iso(i.end) })),
            onlineSeconds: Math.round(intervals.reduce((sum, i) => sum + i.end - i.start, 0) / 1000),
          };
        })),
      };
    },
  );
}
