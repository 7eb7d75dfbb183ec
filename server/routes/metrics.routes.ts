// GET /metrics for Prometheus (issue 13.9). Not public: it answers a signed-in admin's session, or a
// scraper that sends `Authorization: Bearer <CRIER_METRICS_TOKEN>` (docs/operations.md).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth.hooks.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import type { AccountsService } from '../services/accounts.service.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerMetricsRoute(app: FastifyInstance, deps: { metrics: Metrics; accounts: AccountsService; token: string | undefined }): void {
  const tokenDigest = deps.token ? digest(deps.token) : null;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const isScraper = tokenDigest !== null && bearer !== undefined && timingSafeEqual(digest(bearer), tokenDigest);
    if (!isScraper) {
      const signedIn = await deps.accounts.resolveSession(request.cookies[SESSION_COOKIE]);
      if (!signedIn) throw new AppError(401, 'not-signed-in', '需要管理员登录或 CRIER_METRICS_TOKEN / sign in as an admin or send the metrics token');
      if (signedIn.user.role !== 'admin') throw new AppError(403, 'forbidden', '仅管理员可查看运行指标 / metrics are for admins only');
    }
    reply.header('cache-control', 'no-store').type(deps.metrics.register.contentType);
    return deps.metrics.register.metrics();
  });
}
