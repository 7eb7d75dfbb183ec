// The weekly report (每周通报) for one ISO week: townships ranked by coverage and compliance, the villages
// left uncovered, airtime per fraud type, and the police figures beside last year's same week and the
// plan's targets. Kept as JSON beside its PDF and XLSX, so a township's own view is cut from it later.
import { z } from 'zod';
import type { PoliceFigure } from '../police/police.schema.js';
import { datesOfWeek, sameWeekLastYear } from '../iso-week.js';
import { buildCompliance } from './compliance.js';
import type { ReportContext } from './context.js';
import { buildCoverage, CoverageReportSchema } from './coverage.js';
import { policeSection, PoliceSectionSchema } from './police-compare.js';
import { buildTopicMix, TopicMixReportSchema } from './topic-mix.js';

export const WeeklyReportSchema = z.object({
  week: z.string(),
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  generatedAt: z.string(),
  minMinutes: z.number(),
  ranking: z.array(
    z.object({
      rank: z.number().int(),
      townshipId: z.string(),
      name: z.string(),
      villages: z.number().int(),
      villagesCovered: z.number().int(),
      coverage: z.number().nullable(),
      coverageRank: z.number().int(),
      plannedMinutes: z.number(),
      airedMinutes: z.number(),
      airtimeRatio: z.number().nullable(),
      complianceRank: z.number().int(),
      screens: z.number().int(),
      stations: z.number().int(),
    }),
  ),
  uncovered: z.array(z.object({ townshipId: z.string(), townshipName: z.string(), villageName: z.string(), gap: z.enum(['no-device', 'not-airing']) })),
  totals: z.object({ villages: z.number().int(), villagesCovered: z.number().int(), coverage: z.number().nullable(), airtimeRatio: z.number().nullable() }).nullable(),
  milestone: CoverageReportSchema.shape.milestone,
  topics: TopicMixReportSchema.shape.topics,
  police: PoliceSectionSchema,
});
export type WeeklyReport = z.infer<typeof WeeklyReportSchema>;

/** The police weeks a weekly report reads: this year's quarter and year so far, and last year's same weeks. */
export const policeWeeksFor = (week: string) => ({ from: sameWeekLastYear(`${week.slice(0, 4)}-W01`), to: week });

/** Ranks 1..n by a value, larger first; missing values rank last; equal values share a rank. */
function ranks<T>(items: T[], value: (x: T) => number | null): Map<T, number> {
  const sorted = [...items].sort((a, b) => (value(b) ?? -1) - (value(a) ?? -1));
  const result = new Map<T, number>();
  sorted.forEach((x, i) => result.set(x, i > 0 && value(sorted[i - 1]!) === value(x) ? result.get(sorted[i - 1]!)! : i + 1));
  return result;
}

export async function buildWeekly(ctx: ReportContext, q: { week: string; minMinutes: number; police: readonly PoliceFigure[] }): Promise<WeeklyReport> {
  const dates = datesOfWeek(q.week);
  const range = { from: dates[0]!, to: dates[6]! };
  const coverage = await buildCoverage(ctx, { ...range, minMinutes: q.minMinutes });
  const compliance = await buildCompliance(ctx, { ...range, withBroadcasts: false });
  const topics = await buildTopicMix(ctx, range);
  const rows = coverage.townships.map((t) => {
    const c = compliance.townships.find((x) => x.id === t.townshipId)!;
    return { t, c };
  });
  const coverageRank = ranks(rows, (r) => r.t.coverage);
  const complianceRank = ranks(rows, (r) => r.c.airtimeRatio);
  const ranking = rows
    .map((r) => ({
      townshipId: r.t.townshipId,
      name: r.t.name,
      villages: r.t.villages,
      villagesCovered: r.t.villagesCovered,
      coverage: r.t.coverage,
      coverageRank: coverageRank.get(r)!,
      plannedMinutes: r.c.plannedMinutes,
      airedMinutes: r.c.airedMinutes,
      airtimeRatio: r.c.airtimeRatio,
      complianceRank: complianceRank.get(r)!,
      screens: r.t.screens,
      stations: r.t.stations,
    }))
    // Coverage first (the plan's deadline), compliance breaks ties.
    .sort((a, b) => a.coverageRank - b.coverageRank || a.complianceRank - b.complianceRank)
    .map((r, i) => ({ rank: i + 1, ...r }));
  const townships = coverage.townships.map((t) => ({ id: t.townshipId, name: t.name }));
  return {
    week: q.week,
    ...range,
    timeZone: ctx.timeZone,
    generatedAt: ctx.now.toISOString(),
    minMinutes: q.minMinutes,
    ranking,
    uncovered: coverage.villages.filter((v) => !v.isCovered).map((v) => ({ townshipId: v.townshipId, townshipName: v.townshipName, villageName: v.name, gap: v.gap! })),
    totals: { villages: coverage.totals.villages, villagesCovered: coverage.totals.villagesCovered, coverage: coverage.totals.coverage, airtimeRatio: compliance.totals.airtimeRatio },
    milestone: coverage.milestone,
    topics: topics.topics,
    police: policeSection(q.police, townships, q.week),
  };
}

/** A township's own view of a county report: its rows only, no county totals. */
export function weeklyForTownship(report: WeeklyReport, townshipId: string): WeeklyReport {
  return {
    ...report,
    ranking: report.ranking.filter((r) => r.townshipId === townshipId),
    uncovered: report.uncovered.filter((u) => u.townshipId === townshipId),
    totals: null,
    milestone: null,
    police: { ...report.police, townships: report.police.townships.filter((t) => t.townshipId === townshipId), types: [], targets: [] },
  };
}
