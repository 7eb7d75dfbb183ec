// Topic mix (宣传内容构成): airtime per fraud type, the plan's four high-incidence types first. An item
// tagged with several types shares its airtime equally among them, so the types add up to the total.
import { z } from 'zod';
import { FraudTagSchema } from '../../../playlists/catalogue.schema.js';
import { devicesOf, ratio, townshipsInScope, type ReportContext } from './context.js';

/** The plan's order: 网贷, 投资博彩, 刷单, 网购退赔 (high incidence), then 冒充领导/熟人, 其他. */
export const FRAUD_TYPES = FraudTagSchema.options;
export const HIGH_INCIDENCE = FRAUD_TYPES.slice(0, 4);
export const UNTAGGED = '未标注';
const TOPICS = [...FRAUD_TYPES, UNTAGGED] as const;

export const TopicMixReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  topics: z.array(z.object({ topic: z.string(), isHighIncidence: z.boolean(), airedMinutes: z.number(), plays: z.number(), share: z.number().nullable() })),
  /** Minutes per topic per township, in the topics' order. */
  townships: z.array(z.object({ townshipId: z.string(), name: z.string(), minutes: z.array(z.number()), totalMinutes: z.number() })),
  totalMinutes: z.number(),
});
export type TopicMixReport = z.infer<typeof TopicMixReportSchema>;

const round1 = (n: number) => Math.round(n * 10) / 10;

export async function buildTopicMix(ctx: ReportContext, q: { from: string; to: string }): Promise<TopicMixReport> {
  const { devices } = devicesOf(ctx);
  const townshipOf = new Map(devices.map((d) => [d.screen.id, d.place.townshipId]));
  const tags = new Map(ctx.catalogue.media.map((m) => [m.id, m.tags.length > 0 ? m.tags : [UNTAGGED]]));
  const index = new Map<string, number>(TOPICS.map((t, i) => [t, i]));
  const ms = TOPICS.map(() => 0);
  const plays = TOPICS.map(() => 0);
  const perTownship = new Map<string, number[]>();
  for (const r of await ctx.sources.dailyRollups({ fromDay: q.from, toDay: q.to, screenIds: devices.map((d) => d.screen.id) })) {
    const topics = tags.get(r.mediaId) ?? [UNTAGGED];
    const row = perTownship.get(townshipOf.get(r.screenId)!) ?? TOPICS.map(() => 0);
    for (const topic of topics) {
      const i = index.get(topic)!;
      ms[i]! += r.airtimeMs / topics.length;
      plays[i]! += r.plays / topics.length;
      row[i]! += r.airtimeMs / topics.length;
    }
    perTownship.set(townshipOf.get(r.screenId)!, row);
  }
  const total = ms.reduce((a, b) => a + b, 0);
  return {
    from: q.from,
    to: q.to,
    timeZone: ctx.timeZone,
    topics: TOPICS.map((topic, i) => ({ topic, isHighIncidence: (HIGH_INCIDENCE as readonly string[]).includes(topic), airedMinutes: round1(ms[i]! / 60_000), plays: round1(plays[i]!), share: ratio(ms[i]!, total) })),
    townships: townshipsInScope(ctx).map((t) => {
      const row = perTownship.get(t.id) ?? TOPICS.map(() => 0);
      return { townshipId: t.id, name: t.name, minutes: row.map((x) => round1(x / 60_000)), totalMinutes: round1(row.reduce((a, b) => a + b, 0) / 60_000) };
    }),
    totalMinutes: round1(total / 60_000),
  };
}
