// Compliance (执行情况): planned against aired airtime and plays per screen, site, village and township
// (planned from the shared resolver, aired from the daily rollups), and the fixed-time broadcasts a
// station or screen missed (from its as-run log).
import { z } from 'zod';
import { TerminalStatusCodeSchema } from '../../proof/terminal-status.js';
import { daysBetween, devicesOf, ratio, townshipsInScope, type Device, type ReportContext } from './context.js';
import { plannedDays } from './planned.js';

export const ComplianceRowSchema = z.object({
  level: z.enum(['township', 'village', 'site', 'screen']),
  id: z.string(),
  name: z.string(),
  townshipName: z.string(),
  villageName: z.string().nullable(),
  plannedMinutes: z.number(),
  airedMinutes: z.number(),
  /** aired / planned airtime, 0..1+ (null when nothing was planned). */
  airtimeRatio: z.number().nullable(),
  plannedPlays: z.number().int(),
  plays: z.number().int(),
  completed: z.number().int(),
});
export type ComplianceRow = z.infer<typeof ComplianceRowSchema>;

export const MissedBroadcastSchema = z.object({
  screenId: z.string(),
  screenName: z.string(),
  kind: z.enum(['screen', 'station']),
  townshipName: z.string(),
  villageName: z.string(),
  day: z.string(),
  plannedAt: z.string(),
  playlistName: z.string().nullable(),
  reason: z.string(),
  /** The terminal's state at that time as a GD/J terminal status code. */
  terminalStatus: TerminalStatusCodeSchema,
});

export const ComplianceReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  townships: z.array(ComplianceRowSchema),
  villages: z.array(ComplianceRowSchema),
  sites: z.array(ComplianceRowSchema),
  screens: z.array(ComplianceRowSchema),
  totals: ComplianceRowSchema,
  broadcasts: z.object({ planned: z.number().int(), missed: z.number().int() }).nullable(),
  missedBroadcasts: z.array(MissedBroadcastSchema),
});
export type ComplianceReport = z.infer<typeof ComplianceReportSchema>;

interface Sums { plannedMs: number; airedMs: number; plannedPlays: number; plays: number; completed: number }
const empty = (): Sums => ({ plannedMs: 0, airedMs: 0, plannedPlays: 0, plays: 0, completed: 0 });
const add = (a: Sums, b: Sums) => {
  for (const k of Object.keys(a) as (keyof Sums)[]) a[k] += b[k];
};
const minutes = (ms: number) => Math.round(ms / 6_000) / 10;

export async function buildCompliance(ctx: ReportContext, q: { from: string; to: string; withBroadcasts: boolean }): Promise<ComplianceReport> {
  const { devices } = devicesOf(ctx);
  const rollups = await ctx.sources.dailyRollups({ fromDay: q.from, toDay: q.to, screenIds: devices.map((d) => d.screen.id) });
  const aired = new Map<string, Sums>();
  for (const r of rollups) {
    const s = aired.get(r.screenId) ?? empty();
    add(s, { plannedMs: 0, airedMs: r.airtimeMs, plannedPlays: 0, plays: r.plays, completed: r.completed });
    aired.set(r.screenId, s);
  }
  const missed: z.infer<typeof MissedBroadcastSchema>[] = [];
  let plannedBroadcasts = 0;
  const perScreen = new Map<string, Sums>();
  for (const d of devices) {
    const plan = plannedDays(ctx.catalogue, d.screen, d.kind === 'station', q.from, q.to, ctx.timeZone);
    const sums = aired.get(d.screen.id) ?? empty();
    for (const day of plan) (sums.plannedMs += day.airtimeMs), (sums.plannedPlays += day.plays);
    perScreen.set(d.screen.id, sums);
    if (q.withBroadcasts) {
      for (const day of plan.filter((p) => p.broadcasts.length > 0)) {
        plannedBroadcasts += day.broadcasts.length;
        missed.push(...(await missedOf(ctx, d, day.day, day.broadcasts)));
      }
    }
  }

  const rowsBy = (level: ComplianceRow['level'], keyOf: (d: Device) => [id: string, name: string, village: string | null]) => {
    const groups = new Map<string, { name: string; township: string; village: string | null; sums: Sums }>();
    for (const d of devices) {
      const [id, name, village] = keyOf(d);
      const g = groups.get(id) ?? { name, township: d.place.townshipName, village, sums: empty() };
      add(g.sums, perScreen.get(d.screen.id)!);
      groups.set(id, g);
    }
    return [...groups].map(([id, g]) => toRow(level, id, g.name, g.township, g.village, g.sums));
  };
  const townships = townshipsInScope(ctx).map((t) => {
    const sums = empty();
    for (const d of devices) if (d.place.townshipId === t.id) add(sums, perScreen.get(d.screen.id)!);
    return toRow('township', t.id, t.name, t.name, null, sums);
  });
  const total = empty();
  for (const s of perScreen.values()) add(total, s);
  return {
    from: q.from,
    to: q.to,
    timeZone: ctx.timeZone,
    townships,
    villages: rowsBy('village', (d) => [d.place.villageId, d.place.villageName, null]),
    sites: rowsBy('site', (d) => [d.place.siteId, d.place.siteName, d.place.villageName]),
    screens: rowsBy('screen', (d) => [d.screen.id, d.screen.name, d.place.villageName]),
    totals: toRow('township', 'all', '全县 county', '', null, total),
    broadcasts: q.withBroadcasts ? { planned: plannedBroadcasts, missed: missed.length } : null,
    missedBroadcasts: missed,
  };
}

function toRow(level: ComplianceRow['level'], id: string, name: string, townshipName: string, villageName: string | null, s: Sums): ComplianceRow {
  return {
    level,
    id,
    name,
    townshipName,
    villageName,
    plannedMinutes: minutes(s.plannedMs),
    airedMinutes: minutes(s.airedMs),
    airtimeRatio: ratio(s.airedMs, s.plannedMs),
    plannedPlays: Math.round(s.plannedPlays),
    plays: s.plays,
    completed: s.completed,
  };
}

/** A broadcast counts as aired when one of its items started within its window (a minute's grace before). */
async function missedOf(ctx: ReportContext, d: Device, day: string, due: { start: number; end: number; playlistName: string | null; mediaIds: string[] }[]) {
  const asRun = await ctx.sources.asRun(d.screen.id, day);
  const online = (await ctx.sources.dailyOnline({ fromDay: day, toDay: day, screenIds: [d.screen.id] })).length > 0;
  return due.flatMap((b) => {
    const media = new Set(b.mediaIds);
    const hit = asRun.lines.some((l) => l.status !== 'not-aired' && l.startedAt && l.mediaId && media.has(l.mediaId) && Date.parse(l.startedAt) >= b.start - 60_000 && Date.parse(l.startedAt) < b.end);
    if (hit) return [];
    const told = asRun.lines.find((l) => l.status === 'not-aired' && l.plannedAt && Math.abs(Date.parse(l.plannedAt) - b.start) < 60_000 && l.reason);
    const reason = told?.reason ?? (online ? '在线但未播出 / online, not aired' : '离线 / offline');
    const terminalStatus = told?.terminalStatus ?? (online ? 1 : 2);
    return [{ screenId: d.screen.id, screenName: d.screen.name, kind: d.kind, townshipName: d.place.townshipName, villageName: d.place.villageName, day, plannedAt: new Date(b.start).toISOString(), playlistName: b.playlistName, reason, terminalStatus }];
  });
}
