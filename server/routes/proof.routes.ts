// Proof of airing an inspector can trust: the hash chain checked on the live store, a chain export
// (JSON Lines, or the Outsmart Playout Reporting Standard CSV), and an uploaded export checked.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { IdSchema, type Catalogue } from '../../playlists/catalogue.schema.js';
import { LocalDateSchema } from '../../playlists/schedule.schema.js';
import { dayOf } from '../../playlists/wall-clock.js';
import { scopedTownship } from '../auth/township-scope.js';
import type { Clock } from '../clock.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import type { AsRunService } from '../proof/as-run.service.js';
import { chainExportLines } from '../proof/chain.export.js';
import { describeVerdict, verifyExportLines } from '../proof/chain.verify.js';
import { oprsLines } from '../proof/oprs.export.js';
import type { AiringExportReader } from '../storage/airing.export.js';
import type { AiringLog } from '../storage/airing.store.js';
import type { AiringReports } from '../storage/airing.reports.js';
import { LARGE_ANSWER } from '../compression.js';

export const MAX_EXPORT_DAYS = 400;
/** An uploaded export to check: a screen-week is about 20 MB. */
const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

const BreakSchema = z.object({ screenId: z.string(), seq: z.number().int(), playId: z.string().nullable(), kind: z.enum(['changed', 'inserted', 'removed']) });
export const ChainCheckSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBad: BreakSchema.optional(),
  /** The verdict in words: Chinese, then English. */
  message: z.object({ zh: z.string(), en: z.string() }),
});

const verdictBody = (v: Parameters<typeof describeVerdict>[0]) => {
  const [zh, en] = describeVerdict(v);
  return { ok: v.ok, checked: v.checked, ...(v.firstBad ? { firstBad: v.firstBad } : {}), message: { zh, en } };
};

const WordsSchema = z.object({ zh: z.string(), en: z.string() });
const Iso = z.string();
export const AsRunSchema = z.object({
  screenId: z.string(),
  screenName: z.string(),
  day: z.string(),
  timeZone: z.string(),
  from: Iso,
  to: Iso,
  /** The plan comes from the catalogue as it is now (said in `note`). */
  plannedFrom: z.literal('current-catalogue'),
  note: WordsSchema,
  onlineMs: z.number(),
  online: z.array(z.object({ start: Iso, end: Iso })),
  segments: z.array(z.object({
    start: Iso, end: Iso, mode: z.enum(['loop', 'once']), isQuiet: z.boolean(), rule: WordsSchema, aired: z.number().int(),
    items: z.array(z.object({ itemId: z.string(), mediaId: z.string(), title: z.string(), kind: z.string(), durationMs: z.number() })),
  })),
  aired: z.array(z.object({
    playId: z.string(), seq: z.number().int().nullable(), itemId: z.string(), mediaId: z.string(), title: z.string().nullable(),
    plannedStart: Iso.nullable(), start: Iso, end: Iso, outcome: z.string(), completed: z.boolean(), clockOffsetMs: z.number().nullable(),
    isProvisional: z.boolean(), rule: WordsSchema.nullable(), isPlanned: z.boolean(),
  })),
  missed: z.array(z.object({
    start: Iso, end: Iso, itemId: z.string().nullable(), title: z.string().nullable(), rule: WordsSchema,
    reason: z.enum(['offline', 'outranked', 'not-cached', 'sound-blocked', 'other-content', 'unknown']), reasonWords: WordsSchema,
  })),
  chain: ChainCheckSchema,
});

/** Lines joined into chunks of about 64 kB: a stream chunk per line would cost more than the line. */
async function* inChunks(lines: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= size) (yield chunk), (chunk = '');
  }
  if (chunk) yield chunk;
}

export function registerProofRoutes(
  app: FastifyInstance,
  deps: { reports: AiringReports; airingLog: AiringLog; asRuns: AsRunService; clock: Clock; timeZone: string; openExport: () => Promise<AiringExportReader>; catalogue: () => Readonly<Catalogue> },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['proof of airing'];
  /** Township staff: their township's screens; county staff: null (every screen, claimed or not). */
  const screensInScope = (req: FastifyRequest): string[] | null => {
    const township = scopedTownship(req);
    return township ? deps.catalogue().screens.filter((s) => !s.isProvisional && s.township === township).map((s) => s.id) : null;
  };

  r.get(
    '/api/v1/proof/verify',
    {
      schema: {
        tags,
        summary: "Checks the live airing log's hash chains (one screen or every screen in scope) and names the first record changed, inserted or removed",
        querystring: z.object({ screenId: IdSchema.optional() }),
        response: { 200: ChainCheckSchema, 400: ErrorBodySchema, 403: ErrorBodySchema },
      },
    },
    async (req) => {
      await deps.airingLog.flush();
      const scope = screensInScope(req);
      if (req.query.screenId !== undefined || scope === null) return verdictBody(await deps.reports.verifyChain(req.query.screenId));
      let checked = 0;
      for (const id of scope) {
        const verdict = await deps.reports.verifyChain(id);
        checked += verdict.checked;
        if (!verdict.ok) return verdictBody({ ...verdict, checked });
      }
      return verdictBody({ ok: true, checked });
    },
  );

  r.get(
    '/api/v1/proof/export',
    {
      schema: {
        tags,
        summary: `Plays of a day range with their hash chain, as JSON Lines (a header with each screen's anchor, then one record per line); at most ${MAX_EXPORT_DAYS} days`,
        querystring: z.object({
          from: LocalDateSchema,
          to: LocalDateSchema,
          screenId: IdSchema.optional(),
          /** jsonl: with the hash chain; oprs: the Outsmart Playout Reporting Standard CSV (no header). */
          format: z.enum(['jsonl', 'oprs']).default('jsonl'),
        }),
      },
      compress: LARGE_ANSWER,
    },
    async (req, reply) => {
      const { from, to, screenId, format } = req.query;
      if (dayOf(to) < dayOf(from)) throw new AppError(422, 'end-before-start', '结束日期不能早于开始日期 / to must not be before from');
      if (dayOf(to) - dayOf(from) + 1 > MAX_EXPORT_DAYS) throw new AppError(422, 'range-too-long', `最长 ${MAX_EXPORT_DAYS} 天 / at most ${MAX_EXPORT_DAYS} days`);
      await deps.airingLog.flush();
      const scope = screensInScope(req);
      const screenIds = screenId !== undefined ? [screenId] : (scope ?? undefined);
      // Its own reader (SQLite connection, or PostgreSQL client and snapshot), ended when the stream ends or the client goes.
      const reader = await deps.openExport();
      const query = { fromDay: from, toDay: to, screenIds, timeZone: deps.timeZone, now: deps.clock.now() };
      const lines = format === 'oprs' ? oprsLines(reader, query, deps.catalogue()) : chainExportLines(reader, query);
      const stream = Readable.from(inChunks(lines)).on('close', () => void reader.close());
      const name = `crier-plays-${screenId ?? 'all'}-${from}-${to}.${format === 'oprs' ? 'csv' : 'jsonl'}`;
      return reply.type(format === 'oprs' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(stream);
    },
  );

  r.post(
    '/api/v1/proof/verify-export',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        tags,
        summary: 'Checks an uploaded chain export (the JSON Lines file as a text/plain body) and names the first record changed, inserted or removed',
        body: z.string(),
        response: { 200: ChainCheckSchema.extend({ screens: z.number().int() }), 400: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req) => {
      const verdict = verifyExportLines(req.body.split('\n'));
      if (verdict.unreadable) {
        const [zh, en] = describeVerdict(verdict);
        throw new AppError(422, 'not-an-export', `${zh} / ${en}`);
      }
      return { ...verdictBody(verdict), screens: verdict.screens };
    },
  );

  r.get(
    '/api/v1/proof/as-run',
    {
      schema: {
        tags,
        summary: "One screen-day's as-run log: what the shared resolver plans (from the current catalogue) against what aired, planned items that did not air with the reason, and the chain check of the day's records",
        querystring: z.object({ screenId: IdSchema, day: LocalDateSchema }),
        response: { 200: AsRunSchema, 400: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema },
      },
      // A day's log is ~4,000 plays (2 MB): validating it on the way out took longer than building it.
      // Written as built; test/proof/as-run.test.ts checks the answer is exactly the schema's shape.
      serializerCompiler: () => (data) => JSON.stringify(data),
      compress: LARGE_ANSWER,
    },
    async (req) => {
      await deps.airingLog.flush();
      const asRun = await deps.asRuns.asRun(req.query.screenId, req.query.day);
      return { ...asRun, chain: verdictBody(asRun.chain) };
    },
  );
}
