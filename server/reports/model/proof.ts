// Proof for one screen and day (播出证明): the as-run timeline an inspector asks for, with where the
// screen stands and whether its records' hash chain is intact.
import { z } from 'zod';
import { TerminalStatusCodeSchema } from '../../proof/terminal-status.js';
import type { ReportContext } from './context.js';

export const ProofReportSchema = z.object({
  screenId: z.string(),
  screenName: z.string(),
  place: z.object({ townshipName: z.string(), villageName: z.string(), siteName: z.string(), siteType: z.string() }).nullable(),
  day: z.string(),
  timeZone: z.string(),
  lines: z.array(
    z.object({
      plannedAt: z.string().nullable(),
      startedAt: z.string().nullable(),
      endedAt: z.string().nullable(),
      mediaId: z.string().nullable(),
      title: z.string().nullable(),
      source: z.string().nullable(),
      status: z.enum(['completed', 'cut', 'not-aired', 'aired']),
      reason: z.string().nullable(),
      clockOffsetMs: z.number().nullable(),
      terminalStatus: TerminalStatusCodeSchema,
    }),
  ),
  summary: z.object({ aired: z.number().int(), completed: z.number().int(), notAired: z.number().int(), airedMinutes: z.number() }),
  chain: z.object({
    available: z.boolean(),
    ok: z.boolean(),
    checked: z.number().int(),
    firstBad: z.object({ screenId: z.string(), seq: z.number(), kind: z.enum(['changed', 'inserted', 'removed']) }).optional(),
  }),
});
export type ProofReport = z.infer<typeof ProofReportSchema>;

export async function buildProof(ctx: ReportContext, q: { screenId: string; day: string }): Promise<ProofReport | null> {
  const screen = ctx.catalogue.screens.find((s) => s.id === q.screenId && !s.isProvisional);
  if (!screen) return null;
  const place = ctx.places.placeOf(screen.id);
  const titles = new Map(ctx.catalogue.media.map((m) => [m.id, m.title]));
  const asRun = await ctx.sources.asRun(screen.id, q.day);
  const lines = asRun.lines.map((l) => ({ ...l, title: l.title ?? (l.mediaId ? titles.get(l.mediaId) ?? l.mediaId : null) }));
  const aired = lines.filter((l) => l.status !== 'not-aired');
  const airedMs = aired.reduce((sum, l) => sum + (l.startedAt && l.endedAt ? Math.max(0, Date.parse(l.endedAt) - Date.parse(l.startedAt)) : 0), 0);
  return {
    screenId: screen.id,
    screenName: screen.name,
    place: place && { townshipName: place.townshipName, villageName: place.villageName, siteName: place.siteName, siteType: place.siteType },
    day: q.day,
    timeZone: ctx.timeZone,
    lines,
    summary: { aired: aired.length, completed: lines.filter((l) => l.status === 'completed').length, notAired: lines.length - aired.length, airedMinutes: Math.round(airedMs / 6_000) / 10 },
    chain: await ctx.sources.verifyChain(screen.id),
  };
}
