// Volume schedules over HTTP, in the same CRUD shape as the other scheduling rules. Changes need
// `schedules:write` (server/auth/permissions.ts); township-scoped staff stay within their township
// (server/auth/township-scope.ts, as for every rule).
import type { FastifyInstance } from 'fastify';
import { VolumeScheduleSchema } from '../../playlists/volume.schema.js';
import { VolumeScheduleInputSchema, type VolumeSchedulesService } from '../services/volume.service.js';
import { registerCrud } from './schedules.routes.js';

export function registerVolumeRoutes(app: FastifyInstance, volumeSchedules: VolumeSchedulesService): void {
  registerCrud(app, {
    path: '/api/v1/volume-schedules',
    tag: 'volume schedules',
    what: 'volume schedules (volume levels by time of day on a target; the most specific target wins, quiet hours above all)',
    body: VolumeScheduleInputSchema,
    rule: VolumeScheduleSchema,
    service: volumeSchedules,
  });
}
