// Police figures beside last year's same week and the plan's targets: the four high-incidence types
// down 10 % in the first quarter, all fraud down 20 % in the quarter and 30 % in the year. A township
// week with no figures at all is missing (null), never zero; types not entered in a reported week are 0.
import { z } from 'zod';
import type { PoliceFigure } from '../police/police.schema.js';
import { quarterWeeksUpTo, sameWeekLastYear, yearWeeksUpTo } from '../iso-week.js';
import { FRAUD_TYPES, HIGH_INCIDENCE } from './topic-mix.js';

const Pair = z.object({ cases: z.number().nullable(), lossYuan: z.number().nullable() });
const Compare = z.object({ now: Pair, lastYear: Pair, casesChange: z.number().nullable(), lossChange: z.number().nullable() });

export const PoliceSectionSchema = z.object({
  week: z.string(),
  lastYearWeek: z.string(),
  townships: z.array(z.object({ townshipId: z.string(), name: z.string(), all: Compare, highIncidence: Compare })),
  types: z.array(z.object({ fraudType: z.string(), isHighIncidence: z.boolean(), compare: Compare })),
  targets: z.array(
    z.object({
      label: z.string(),
      /** -0.1 = down 10 %. */
      target: z.number(),
      weeks: z.array(z.string()),
      compare: Compare,
      /** Township-weeks without figures in either year, over all those the row needs. */
      missing: z.number().int(),
      needed: z.number().int(),
      isMet: z.boolean().nullable(),
    }),
  ),
});
export type PoliceSection = z.infer<typeof PoliceSectionSchema>;

type Sum = z.infer<typeof Pair>;
const change = (now: number | null, before: number | null) => (now === null || before === null || before === 0 ? null : (now - before) / before);
const compare = (now: Sum, lastYear: Sum) => ({ now, lastYear, casesChange: change(now.cases, lastYear.cases), lossChange: change(now.lossYuan, lastYear.lossYuan) });

export function policeSection(figures: readonly PoliceFigure[], townships: readonly { id: string; name: string }[], week: string): PoliceSection {
  const reported = new Set(figures.map((f) => `${f.townshipId}|${f.week}`));
  const byKey = new Map<string, PoliceFigure[]>();
  for (const f of figures) byKey.set(`${f.townshipId}|${f.week}`, [...(byKey.get(`${f.townshipId}|${f.week}`) ?? []), f]);
  /** Sum over townships × weeks of the types; null when any township-week needed is missing. */
  const sum = (townshipIds: string[], weeks: string[], types: readonly string[]): Sum & { missing: number } => {
    let cases = 0;
    let lossYuan = 0;
    let missing = 0;
    for (const t of townshipIds)
      for (const w of weeks) {
        if (!reported.has(`${t}|${w}`)) {
          missing++;
          continue;
        }
        for (const f of byKey.get(`${t}|${w}`)!) if (types.includes(f.fraudType)) (cases += f.cases), (lossYuan += f.lossYuan);
      }
    return missing > 0 ? { cases: null, lossYuan: null, missing } : { cases, lossYuan: Math.round(lossYuan * 100) / 100, missing };
  };
  const lastYearWeek = sameWeekLastYear(week);
  const ids = townships.map((t) => t.id);
  const pair = ({ cases, lossYuan }: Sum) => ({ cases, lossYuan });
  const weekCompare = (townshipIds: string[], types: readonly string[]) => compare(pair(sum(townshipIds, [week], types)), pair(sum(townshipIds, [lastYearWeek], types)));
  const target = (label: string, goal: number, weeks: string[], types: readonly string[]) => {
    const now = sum(ids, weeks, types);
    const before = sum(ids, weeks.map(sameWeekLastYear), types);
    const c = compare(pair(now), pair(before));
    return { label, target: goal, weeks, compare: c, missing: now.missing + before.missing, needed: ids.length * weeks.length * 2, isMet: c.casesChange === null ? null : c.casesChange <= goal };
  };
  const quarter = quarterWeeksUpTo(week);
  const isFirstQuarter = quarter[0]!.endsWith('-W01');
  return {
    week,
    lastYearWeek,
    townships: townships.map((t) => ({ townshipId: t.id, name: t.name, all: weekCompare([t.id], FRAUD_TYPES), highIncidence: weekCompare([t.id], HIGH_INCIDENCE) })),
    types: FRAUD_TYPES.map((type) => ({ fraudType: type, isHighIncidence: (HIGH_INCIDENCE as readonly string[]).includes(type), compare: weekCompare(ids, [type]) })),
    targets: [
      // The plan's quarter targets are for the first quarter, the campaign's; the year's holds all year.
      ...(isFirstQuarter
        ? [target('四类高发案件 一季度累计（目标下降 10%）', -0.1, quarter, HIGH_INCIDENCE), target('全部案件 一季度累计（目标下降 20%）', -0.2, quarter, FRAUD_TYPES)]
        : []),
      target('全部案件 本年累计（目标下降 30%）', -0.3, yearWeeksUpTo(week), FRAUD_TYPES),
    ],
  };
}
