import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HealthSchema } from '../api.schema.js';
import type { MediaTools } from '../../media/ffmpeg.run.js';
import type { Presence } from '../gateway/presence.js';
import { diskState } from '../storage/disk-space.js';

export function registerHealthRoutes(app: FastifyInstance, deps: { presence: Presence; version: string; timeZone: string; mediaTools: () => Promise<MediaTools>; dataDir: string }): void {
  const startedAt = Date.now();
  app.withTypeProvider<ZodTypeProvider>().get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'Liveness and a few vital signs', response: { 200: HealthSchema } } },
    async () => ({
      status: 'ok' as const,
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      screensOnline: deps.presence.connectedScreens,
      timeZone: deps.timeZone,
      mediaTools: await deps.mediaTools(),
      disk: await diskState(deps.dataDir),
    }),
  );
}
