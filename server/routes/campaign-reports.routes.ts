// Campaign reports (issue 11.5–11.6): coverage, compliance, proof for one screen-day, topic mix, and
// the weekly report's history. Each answers JSON, and the same report as PDF, XLSX or CSV under
// `/:format`. Township staff get their township only (the context carries their scope).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LocalDateSchema } from '../../playlists/schedule.schema.js';
import { dateOf, dayOf, localDayAt } from '../../playlists/wall-clock.js';
import { scopedTownship } from '../auth/township-scope.js';
import type { Clock } from '../clock.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import { complianceDocument, coverageDocument, proofDocument, topicMixDocument } from '../reports/documents.js';
import { IsoWeekSchema, mondayOf, weekOfDay } from '../reports/iso-week.js';
import { buildCompliance, ComplianceReportSchema } from '../reports/model/compliance.js';
import type { ReportContext } from '../reports/model/context.js';
import { buildCoverage, CoverageReportSchema } from '../reports/model/coverage.js';
import { buildProof, ProofReportSchema } from '../reports/model/proof.js';
import { buildTopicMix, TopicMixReportSchema } from '../reports/model/topic-mix.js';
import { weeklyForTownship, WeeklyReportSchema } from '../reports/model/weekly.js';
import type { ReportDocument } from '../reports/render/document.js';
import { attachment, CONTENT_TYPES, renderReport, REPORT_FORMATS, type ReportFormat } from '../reports/render/index.js';
import { weeklyDocument } from '../reports/weekly.document.js';
import type { WeeklyService } from '../reports/weekly.service.js';
import { LARGE_ANSWER } from '../compression.js';

export const MAX_CAMPAIGN_REPORT_DAYS = 92;
const FormatParams = z.object({ format: z.enum(REPORT_FORMATS) });
const RangeQuery = { from: LocalDateSchema.optional(), to: LocalDateSchema.optional() };
const WeeklyEntrySchema = z.object({ week: z.string(), generatedAt: z.string(), generatedBy: z.string().nullable() });

export function registerCampaignReportRoutes(
  app: FastifyInstance,
  deps: { context: (scope: string | null) => ReportContext; weekly: WeeklyService; clock: Clock; timeZone: string; defaultMinMinutes: number },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['campaign reports'];
  const today = () => localDayAt(deps.clock.now().getTime(), deps.timeZone).day;
  /** Default: the last 7 whole days (today is still running, so it would look uncovered). */
  const rangeOf = (q: { from?: string | undefined; to?: string | undefined }) => {
    const to = q.to ?? dateOf(today() - 1);
    const from = q.from ?? dateOf(dayOf(to) - 6);
    if (dayOf(to) < dayOf(from)) throw new AppError(422, 'end-before-start', '结束日期不能早于开始日期 / to must not be before from');
    if (dayOf(to) - dayOf(from) + 1 > MAX_CAMPAIGN_REPORT_DAYS) throw new AppError(422, 'range-too-long', `报表最长 ${MAX_CAMPAIGN_REPORT_DAYS} 天 / at most ${MAX_CAMPAIGN_REPORT_DAYS} days per report`);
    return { from, to };
  };
  const sendFile = (reply: FastifyReply, doc: ReportDocument, format: ReportFormat, bytes: Buffer) =>
    reply.header('content-type', CONTENT_TYPES[format]).header('content-disposition', attachment(doc, format)).send(bytes);
  const send = async (reply: FastifyReply, doc: ReportDocument, format: ReportFormat) => sendFile(reply, doc, format, await renderReport(doc, format));
  const ctxOf = (req: FastifyRequest) => deps.context(scopedTownship(req));

  /** One report: JSON at `path`, the document at `path/:format`. */
  function report<Q extends z.ZodRawShape, S extends z.ZodType>(path: string, summary: string, query: Q, schema: S, build: (ctx: ReportContext, q: z.infer<z.ZodObject<Q>>) => Promise<z.infer<S>>, document: (report: z.infer<S>, at: Date) => ReportDocument) {
    const querystring = z.object(query);
    // Generic schemas defeat the type provider's inference, so this one route is declared untyped; zod still validates both ways.
    // compress: the JSON and CSV answers (a screen-day's proof is ~2 MB); PDF and XLSX are sent as they are (already compressed formats).
    app.get(path, { schema: { tags, summary, querystring, response: { 200: schema, 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema } }, compress: LARGE_ANSWER }, async (req) =>
      build(ctxOf(req), req.query as z.infer<z.ZodObject<Q>>),
    );
    r.get(
      `${path}/:format`,
      { schema: { tags, summary: `${summary}: as PDF (A4), XLSX or CSV (UTF-8 with BOM)`, querystring, params: FormatParams, response: { 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema } }, compress: LARGE_ANSWER },
      async (req, reply) => {
        const ctx = ctxOf(req);
        return send(reply, document(await build(ctx, req.query as z.infer<z.ZodObject<Q>>), ctx.now), req.params.format);
      },
    );
  }

  const MinMinutes = z.coerce.number().min(0).max(1440).default(deps.defaultMinMinutes);
  report(
    '/api/v1/reports/coverage',
    'Coverage per township, village/community and site: screens and stations registered, online, airing ≥ minMinutes a day; villages without a working device; the coverage milestone',
    { ...RangeQuery, minMinutes: MinMinutes },
    CoverageReportSchema,
    (ctx, q) => buildCoverage(ctx, { ...rangeOf(q), minMinutes: q.minMinutes }),
    coverageDocument,
  );
  report(
    '/api/v1/reports/compliance',
    'Planned (shared resolver) against aired (rollups) airtime and plays per township, village, site and screen; fixed-time broadcasts missed',
    RangeQuery,
    ComplianceReportSchema,
    (ctx, q) => buildCompliance(ctx, { ...rangeOf(q), withBroadcasts: true }),
    complianceDocument,
  );
  report(
    '/api/v1/reports/topic-mix',
    'Airtime per fraud type, the four high-incidence types first, county-wide and per township',
    RangeQuery,
    TopicMixReportSchema,
    (ctx, q) => buildTopicMix(ctx, rangeOf(q)),
    topicMixDocument,
  );
  report(
    '/api/v1/reports/proof',
    "One screen's as-run log for one local day, with the hash chain check",
    { screenId: z.string().min(1).max(64), day: LocalDateSchema },
    ProofReportSchema,
    async (ctx, q) => {
      const proof = await buildProof(ctx, q);
      if (!proof) throw new AppError(404, 'not-found', `未找到已认领的屏幕 / no claimed screen ${q.screenId}`);
      return proof;
    },
    proofDocument,
  );

  // ── weekly report (每周通报) ──
  const weeklyOf = async (req: FastifyRequest, week: string) => {
    const found = await deps.weekly.read(week);
    if (!found) throw new AppError(404, 'not-found', `尚未生成 ${week} 的每周通报 / no weekly report for ${week} yet`);
    const scope = scopedTownship(req);
    if (scope === null) return { ...found, isCounty: true };
    const townshipId = deps.context(scope).places.townshipOf(scope);
    return { ...found, report: weeklyForTownship(found.report, townshipId ?? '\u0000'), isCounty: false };
  };
  r.get(
    '/api/v1/reports/weekly',
    { schema: { tags, summary: 'Weekly reports made so far, newest first', response: { 200: z.object({ reports: z.array(WeeklyEntrySchema), next: z.string().nullable() }) } } },
    async () => ({ reports: (await deps.weekly.list()).map(({ week, generatedAt, generatedBy }) => ({ week, generatedAt, generatedBy })), next: null }),
  );
  r.get(
    '/api/v1/reports/weekly/:week',
    { schema: { tags, summary: 'One weekly report (township staff: their township only)', params: z.object({ week: IsoWeekSchema }), response: { 200: WeeklyReportSchema, 400: ErrorBodySchema, 404: ErrorBodySchema } } },
    async (req) => (await weeklyOf(req, req.params.week)).report,
  );
  r.get(
    '/api/v1/reports/weekly/:week/:format',
    { schema: { tags, summary: 'One weekly report as PDF, XLSX or CSV: the file made at the time (township staff: their township, drawn now)', params: z.object({ week: IsoWeekSchema, format: z.enum(REPORT_FORMATS) }), response: { 400: ErrorBodySchema, 404: ErrorBodySchema } } },
    async (req, reply) => {
      const { entry, report, isCounty } = await weeklyOf(req, req.params.week);
      const { format } = req.params;
      const doc = weeklyDocument(report);
      if (!isCounty || format === 'csv') return send(reply, doc, format);
      return sendFile(reply, doc, format, await deps.weekly.file(entry, format));
    },
  );
  r.post(
    '/api/v1/reports/weekly',
    {
      schema: {
        tags,
        summary: 'Make (or make again) the weekly report of a past ISO week now (reports:generate)',
        body: z.object({ week: IsoWeekSchema }),
        response: { 201: WeeklyEntrySchema, 400: ErrorBodySchema, 403: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      if (mondayOf(req.body.week) + 7 > today()) throw new AppError(422, 'week-not-over', `${req.body.week} 尚未结束（本周为 ${weekOfDay(today())}）/ ${req.body.week} is not over yet`);
      const entry = await deps.weekly.generate(req.body.week, req.signedIn?.user.username ?? null);
      return reply.code(201).send({ week: entry.week, generatedAt: entry.generatedAt, generatedBy: entry.generatedBy });
    },
  );
}
