// Screens and their proof of airing: status, manifest preview, commands, play records.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema } from '../../playlists/catalogue.schema.js';
import { ManifestSchema } from '../../playlists/manifest.schema.js';
import { CommandRequestSchema } from '../../player/protocol.js';
import { PlayListSchema, ScreenWithStatusSchema } from '../api.schema.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import type { ManifestPublisher } from '../services/manifest.publisher.js';
import { ScreenPatchSchema, type ScreensService } from '../services/screens.service.js';
import type { AiringLog } from '../storage/airing.store.js';

const Params = z.object({ id: IdSchema });
const TimeParam = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const PlayQuerySchema = z
  .object({
    screenId: IdSchema.optional(),
    from: TimeParam.optional().describe('inclusive, ISO 8601 with offset, on the play start'),
    to: TimeParam.optional().describe('exclusive, ISO 8601 with offset'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    unclaimed: z
      .enum(['include', 'exclude', 'only'])
      .default('include')
      .describe('plays made while a screen was unclaimed: listed beside claimed ones (flagged isProvisional), left out, or alone'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });

export function registerScreenRoutes(
  app: FastifyInstance,
  deps: { screens: ScreensService; publisher: ManifestPublisher; airingLog: AiringLog },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['screens'];
  r.get(
    '/api/v1/screens',
    { schema: { tags, summary: 'List screens with live status', response: { 200: z.array(ScreenWithStatusSchema) } } },
    () => deps.screens.list(),
  );
  r.get(
    '/api/v1/screens/:id',
    { schema: { tags, summary: 'Get a screen with live status', params: Params, response: { 200: ScreenWithStatusSchema, 404: ErrorBodySchema } } },
    (req) => deps.screens.get(req.params.id),
  );
  r.patch(
    '/api/v1/screens/:id',
    {
      schema: {
        tags,
        summary: 'Set a screen\'s name, township, site, site type, groups or time zone (what scheduling targets match)',
        params: Params,
        body: ScreenPatchSchema,
        response: { 200: ScreenWithStatusSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    (req) => deps.screens.update(req.params.id, req.body),
  );
  r.get(
    '/api/v1/screens/:id/manifest',
    { schema: { tags, summary: 'The manifest this screen should air now', params: Params, response: { 200: ManifestSchema, 404: ErrorBodySchema } } },
    (req) => {
      deps.screens.get(req.params.id);
      const manifest = deps.publisher.manifestFor(req.params.id);
      if (!manifest) throw new AppError(404, 'nothing-to-air', `没有可播放的内容 / nothing to air for ${req.params.id}`);
      return manifest;
    },
  );
  r.post(
    '/api/v1/screens/:id/commands',
    {
      schema: {
        tags,
        summary: 'Send a command to every open connection of the screen: reload, identify, or volume {volume: 0–100} until the next volume boundary',
        params: Params,
        body: CommandRequestSchema,
        response: { 202: z.object({ commandId: z.string(), delivered: z.number().int() }), 400: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (req, reply) => reply.code(202).send(deps.screens.sendCommand(req.params.id, req.body)),
  );
  r.get(
    '/api/v1/plays',
    {
      schema: {
        tags: ['proof of airing'],
        summary: 'Play records, newest first, filtered by screen and start time; counts of claimed and unclaimed screens apart',
        querystring: PlayQuerySchema,
        response: { 200: PlayListSchema, 400: ErrorBodySchema },
      },
    },
    async (req) => {
      const { limit, unclaimed, ...range } = req.query;
      const filter = { ...range, ...(unclaimed === 'include' ? {} : { isProvisional: unclaimed === 'only' }) };
      // Plays of unclaimed screens never swell a claimed count: the totals are always given apart.
      const totals = {
        claimed: unclaimed === 'only' ? 0 : await deps.airingLog.countPlays({ ...range, isProvisional: false }),
        unclaimed: unclaimed === 'exclude' ? 0 : await deps.airingLog.countPlays({ ...range, isProvisional: true }),
      };
      return { total: totals.claimed + totals.unclaimed, totals, records: await deps.airingLog.listPlays({ ...filter, limit }) };
    },
  );
}
