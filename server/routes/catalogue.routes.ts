// Read-mostly catalogue routes: media, schedules.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, MediaItemSchema, ScheduleEntrySchema } from '../../playlists/catalogue.schema.js';
import { ErrorBodySchema } from '../errors.js';
import { ScheduleInputSchema, type SchedulesService } from '../services/schedules.service.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

export function registerCatalogueRoutes(app: FastifyInstance, deps: { catalogue: CatalogueStore; schedules: SchedulesService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/media',
    { schema: { tags: ['media'], summary: 'List media (slogans, posters, video, audio)', response: { 200: z.array(MediaItemSchema) } } },
    () => deps.catalogue.read().media,
  );
  r.get(
    '/api/v1/schedules',
    { schema: { tags: ['schedules'], summary: 'List schedule entries', response: { 200: z.array(ScheduleEntrySchema) } } },
    () => deps.schedules.list(),
  );
  r.post(
    '/api/v1/schedules',
    {
      schema: {
        tags: ['schedules'],
        summary: 'Place a playlist on every screen or on chosen screens, with a priority',
        body: ScheduleInputSchema,
        response: { 201: ScheduleEntrySchema, 400: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req, reply) => reply.code(201).send(await deps.schedules.create(req.body)),
  );
  r.delete(
    '/api/v1/schedules/:id',
    {
      schema: {
        tags: ['schedules'],
        summary: 'Remove a schedule entry',
        params: z.object({ id: IdSchema }),
        response: { 204: z.null(), 404: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      await deps.schedules.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );
}
