// Volume schedules over HTTP, in the same CRUD shape as the other scheduling rules. Changes need
// `schedules:write` (server/auth/permissions.ts); township-scoped staff stay within their township.
import type { FastifyInstance } from 'fastify';
import type {} from '../auth/auth.hooks.js';
import { VolumeScheduleSchema } from '../../playlists/volume.schema.js';
import type { Target } from '../../playlists/schedule.schema.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import { checkTownshipScope, VolumeScheduleInputSchema, type VolumeSchedulesService } from '../services/volume.service.js';
import { registerCrud } from './schedules.routes.js';

export function registerVolumeRoutes(app: FastifyInstance, deps: { volumeSchedules: VolumeSchedulesService; catalogue: CatalogueStore }): void {
  void app.register(async (scope) => {
    // Runs after the body is validated and before the service: the rule as sent and, when it replaces or
    // deletes one, the rule as stored must both lie within the caller's township.
    scope.addHook('preHandler', async (request) => {
      const township = request.signedIn?.user.township;
      if (!township || request.method === 'GET') return;
      const catalogue = deps.catalogue.read();
      const target = (request.body as { target?: Target } | undefined)?.target;
      if (target) checkTownshipScope(catalogue, target, township);
      const id = (request.params as { id?: string } | undefined)?.id;
      const existing = id ? catalogue.volumeSchedules.find((r) => r.id === id) : undefined;
      if (existing) checkTownshipScope(catalogue, existing.target, township);
    });
    registerCrud(scope, {
      path: '/api/v1/volume-schedules',
      tag: 'volume schedules',
      what: 'volume schedules (volume levels by time of day on a target; the most specific target wins, quiet hours above all)',
      body: VolumeScheduleInputSchema,
      rule: VolumeScheduleSchema,
      service: deps.volumeSchedules,
    });
  });
}
