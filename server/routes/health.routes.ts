import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HealthSchema, type ClusterNode } from '../api.schema.js';
import type { MediaTools } from '../../media/ffmpeg.run.js';
import type { Presence } from '../gateway/presence.js';
import type { AuditHealth } from '../services/audit.service.js';
import { diskState, type DiskState } from '../storage/disk-space.js';

/** /healthz may be polled many times a second (load balancers, the load simulator): the disk is asked at most this often. */
export const DISK_STATE_MAX_AGE_MS = 2_000;

export function registerHealthRoutes(app: FastifyInstance, deps: { presence: Presence; version: string; timeZone: string; mediaTools: () => Promise<MediaTools>; dataDir: string; audit: () => AuditHealth; cluster?: () => { nodeId: string; nodes: ClusterNode[] } }): void {
  const startedAt = Date.now();
  let disk: { at: number; state: Promise<DiskState | null> } | null = null;
  const diskNow = () => {
    if (!disk || Date.now() - disk.at > DISK_STATE_MAX_AGE_MS) disk = { at: Date.now(), state: diskState(deps.dataDir) };
    return disk.state;
  };
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
      disk: await diskNow(),
      // From memory (the nodes' keys are read every 5 s anyway): a probe costs no Redis round trip.
      cluster: deps.cluster?.() ?? null,
      audit: deps.audit(),
    }),
  );
}
