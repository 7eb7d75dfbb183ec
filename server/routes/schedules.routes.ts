// Scheduling rules over HTTP: schedule entries (dayparts), fixed-time broadcasts and quiet hours share one
// CRUD shape; alerts have create, clear and delete. Every status has a response schema (OpenAPI at /docs).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema } from '../../playlists/catalogue.schema.js';
import { AlertSchema, BroadcastSchema, QuietHoursSchema, ScheduleEntrySchema } from '../../playlists/schedule.schema.js';
import { ErrorBodySchema } from '../errors.js';
import { AlertInputSchema, type AlertsService } from '../services/alerts.service.js';
import {
  BroadcastInputSchema,
  QuietHoursInputSchema,
  ScheduleInputSchema,
  type BroadcastsService,
  type QuietHoursService,
  type SchedulesService,
} from '../services/schedules.service.js';

const Params = z.object({ id: IdSchema });

interface CrudService<Input, Rule> {
  list(): Rule[];
  get(id: string): Rule;
  create(input: Input): Promise<Rule>;
  update(id: string, input: Input): Promise<Rule>;
  remove(id: string): Promise<void>;
}

// The route types are checked where each service meets its schemas (the spec object); inside, one shape serves all.
export function registerCrud<Input, Rule>(
  app: FastifyInstance,
  spec: { path: string; tag: string; what: string; body: z.ZodType<Input>; rule: z.ZodType<Rule>; service: CrudService<Input, Rule> },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { path, tag, what } = spec;
  const body = spec.body as z.ZodType;
  const rule = spec.rule as z.ZodType;
  const service = spec.service as CrudService<unknown, never>;
  const tags = [tag];
  const refused = { 400: ErrorBodySchema, 422: ErrorBodySchema };
  r.get(path, { schema: { tags, summary: `List ${what}`, response: { 200: z.array(rule) } } }, () => service.list());
  r.get(`${path}/:id`, { schema: { tags, summary: `Get one ${what}`, params: Params, response: { 200: rule, 404: ErrorBodySchema } } }, (req) =>
    service.get(req.params.id),
  );
  r.post(
    path,
    { schema: { tags, summary: `Create ${what}; affected players get new manifests within a second`, body, response: { 201: rule, ...refused } } },
    async (req, reply) => reply.code(201).send(await service.create(req.body)),
  );
  r.put(
    `${path}/:id`,
    { schema: { tags, summary: `Replace ${what}`, params: Params, body, response: { 200: rule, 404: ErrorBodySchema, ...refused } } },
    (req) => service.update(req.params.id, req.body),
  );
  r.delete(
    `${path}/:id`,
    { schema: { tags, summary: `Delete ${what}`, params: Params, response: { 204: z.null(), 404: ErrorBodySchema } } },
    async (req, reply) => {
      await service.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );
}

export function registerScheduleRoutes(
  app: FastifyInstance,
  deps: { schedules: SchedulesService; broadcasts: BroadcastsService; quietHours: QuietHoursService; alerts: AlertsService },
): void {
  registerCrud(app, { path: '/api/v1/schedules', tag: 'schedules', what: 'schedule entries (a playlist on a target, dates, weekdays, dayparts, priority)', body: ScheduleInputSchema, rule: ScheduleEntrySchema, service: deps.schedules });
  registerCrud(app, { path: '/api/v1/broadcasts', tag: 'broadcasts', what: 'fixed-time broadcasts (a playlist aired once at set times)', body: BroadcastInputSchema, rule: BroadcastSchema, service: deps.broadcasts });
  registerCrud(app, { path: '/api/v1/quiet-hours', tag: 'quiet hours', what: 'quiet hours (no audio in these windows)', body: QuietHoursInputSchema, rule: QuietHoursSchema, service: deps.quietHours });

  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['alerts'];
  r.get(
    '/api/v1/alerts',
    {
      schema: {
        tags,
        summary: 'List alerts (active=true: only those airing now)',
        querystring: z.object({ active: z.enum(['true', 'false']).optional() }),
        response: { 200: z.array(AlertSchema), 400: ErrorBodySchema },
      },
    },
    (req) => deps.alerts.list(req.query.active === undefined ? {} : { active: req.query.active === 'true' }),
  );
  r.get('/api/v1/alerts/:id', { schema: { tags, summary: 'Get an alert', params: Params, response: { 200: AlertSchema, 404: ErrorBodySchema } } }, (req) =>
    deps.alerts.get(req.params.id),
  );
  r.post(
    '/api/v1/alerts',
    {
      schema: {
        tags,
        summary: 'Put urgent content on a target at once, above everything; reaches online players within a second',
        body: AlertInputSchema,
        response: { 201: AlertSchema, 400: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req, reply) => reply.code(201).send(await deps.alerts.create(req.body)),
  );
  r.post(
    '/api/v1/alerts/:id/clear',
    { schema: { tags, summary: 'End an alert now (kept on record)', params: Params, response: { 200: AlertSchema, 404: ErrorBodySchema } } },
    (req) => deps.alerts.clear(req.params.id),
  );
  r.delete(
    '/api/v1/alerts/:id',
    { schema: { tags, summary: 'Delete an alert and its record', params: Params, response: { 204: z.null(), 404: ErrorBodySchema } } },
    async (req, reply) => {
      await deps.alerts.remove(req.params.id);
      return reply.code(204).send(null);
    },
  );
}
