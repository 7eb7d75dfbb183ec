// Coverage (社会面全覆盖): per township, every village/community and its sites, with the screens and
// stations registered, online each day, and airing at least N minutes a day; the villages with no
// working screen or loudspeaker, by name; progress against the campaign's coverage milestone.
import { z } from 'zod';
import { dayOf } from '../../../playlists/wall-clock.js';
import { daysBetween, devicesOf, ratio, sumByScreenDay, townshipsInScope, type Device, type ReportContext } from './context.js';

const Counts = {
  screens: z.number().int(),
  stations: z.number().int(),
  /** Online (heartbeats or plays) on every day of the range. */
  online: z.number().int(),
  /** Aired at least `minMinutes` on every day of the range. */
  working: z.number().int(),
};

export const CoverageDeviceSchema = z.object({
  screenId: z.string(),
  name: z.string(),
  kind: z.enum(['screen', 'station']),
  siteName: z.string(),
  siteType: z.string(),
  daysOnline: z.number().int(),
  daysWorking: z.number().int(),
  /** Mean minutes aired per day over the range. */
  minutesPerDay: z.number(),
});

export const CoverageVillageSchema = z.object({
  townshipId: z.string(),
  townshipName: z.string(),
  villageId: z.string(),
  name: z.string(),
  kind: z.enum(['community', 'village']),
  sites: z.number().int(),
  ...Counts,
  isCovered: z.boolean(),
  /** Why not covered: nothing installed, or installed but not airing enough. */
  gap: z.enum(['no-device', 'not-airing']).nullable(),
  devices: z.array(CoverageDeviceSchema),
});

export const CoverageTownshipSchema = z.object({
  townshipId: z.string(),
  name: z.string(),
  villages: z.number().int(),
  villagesCovered: z.number().int(),
  /** Share of villages covered, 0..1 (null without villages). */
  coverage: z.number().nullable(),
  ...Counts,
});

export const CoverageReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number().int(),
  timeZone: z.string(),
  minMinutes: z.number(),
  townships: z.array(CoverageTownshipSchema),
  villages: z.array(CoverageVillageSchema),
  totals: z.object({ villages: z.number().int(), villagesCovered: z.number().int(), coverage: z.number().nullable(), ...Counts }),
  milestone: z
    .object({ name: z.string(), dueDate: z.string(), target: z.number().nullable(), coverage: z.number().nullable(), isMet: z.boolean(), daysLeft: z.number().int() })
    .nullable(),
  /** Claimed screens not yet attached to a site of the register (they cover no village). */
  unattachedScreens: z.number().int(),
});
export type CoverageReport = z.infer<typeof CoverageReportSchema>;

export async function buildCoverage(ctx: ReportContext, q: { from: string; to: string; minMinutes: number }): Promise<CoverageReport> {
  const days = daysBetween(q.from, q.to);
  const { devices, unattached } = devicesOf(ctx);
  const screenIds = devices.map((d) => d.screen.id);
  const range = { fromDay: q.from, toDay: q.to, screenIds };
  const airtime = sumByScreenDay(await ctx.sources.dailyRollups(range), (r) => r.airtimeMs);
  const online = sumByScreenDay(await ctx.sources.dailyOnline(range), (r) => r.onlineMs);
  const minMs = q.minMinutes * 60_000;

  const deviceRow = (d: Device) => {
    let daysOnline = 0;
    let daysWorking = 0;
    let ms = 0;
    for (const day of days) {
      const aired = airtime.get(`${d.screen.id}|${day}`) ?? 0;
      ms += aired;
      if (aired > 0 || online.has(`${d.screen.id}|${day}`)) daysOnline++;
      if (aired >= minMs) daysWorking++;
    }
    return { screenId: d.screen.id, name: d.screen.name, kind: d.kind, siteName: d.place.siteName, siteType: d.place.siteType, daysOnline, daysWorking, minutesPerDay: Math.round((ms / 60_000 / days.length) * 10) / 10 };
  };
  const count = (rows: ReturnType<typeof deviceRow>[]) => ({
    screens: rows.filter((r) => r.kind === 'screen').length,
    stations: rows.filter((r) => r.kind === 'station').length,
    online: rows.filter((r) => r.daysOnline === days.length).length,
    working: rows.filter((r) => r.daysWorking === days.length).length,
  });

  const byVillage = new Map<string, Device[]>();
  for (const d of devices) byVillage.set(d.place.villageId, [...(byVillage.get(d.place.villageId) ?? []), d]);
  const sitesPerVillage = new Map<string, number>();
  for (const s of ctx.places.sites) sitesPerVillage.set(s.villageId, (sitesPerVillage.get(s.villageId) ?? 0) + 1);

  const townships = townshipsInScope(ctx);
  const townshipIds = new Set(townships.map((t) => t.id));
  const townshipName = new Map(townships.map((t) => [t.id, t.name]));
  const villages = ctx.places.villages
    .filter((v) => townshipIds.has(v.townshipId))
    .map((v) => {
      const rows = (byVillage.get(v.id) ?? []).map(deviceRow);
      const counts = count(rows);
      const isCovered = counts.working > 0;
      return {
        townshipId: v.townshipId,
        townshipName: townshipName.get(v.townshipId) ?? v.townshipId,
        villageId: v.id,
        name: v.name,
        kind: v.kind,
        sites: sitesPerVillage.get(v.id) ?? 0,
        ...counts,
        isCovered,
        gap: isCovered ? null : rows.length === 0 ? ('no-device' as const) : ('not-airing' as const),
        devices: rows,
      };
    });

  const sum = (list: typeof villages) => ({
    villages: list.length,
    villagesCovered: list.filter((v) => v.isCovered).length,
    coverage: ratio(list.filter((v) => v.isCovered).length, list.length),
    screens: list.reduce((n, v) => n + v.screens, 0),
    stations: list.reduce((n, v) => n + v.stations, 0),
    online: list.reduce((n, v) => n + v.online, 0),
    working: list.reduce((n, v) => n + v.working, 0),
  });
  const totals = sum(villages);
  const milestone = ctx.places.campaign.milestones.find((m) => m.kind === 'coverage');
  const target = milestone?.target === undefined ? null : milestone.target / 100;
  return {
    from: q.from,
    to: q.to,
    days: days.length,
    timeZone: ctx.timeZone,
    minMinutes: q.minMinutes,
    townships: townships.map((t) => ({ townshipId: t.id, name: t.name, ...sum(villages.filter((v) => v.townshipId === t.id)) })),
    villages,
    totals,
    milestone: milestone
      ? { name: milestone.name, dueDate: milestone.dueDate, target, coverage: totals.coverage, isMet: totals.coverage !== null && totals.coverage >= (target ?? 1), daysLeft: dayOf(milestone.dueDate) - dayOf(q.to) }
      : null,
    unattachedScreens: unattached.length,
  };
}
