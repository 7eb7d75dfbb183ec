// The audit trail over HTTP: filtered JSON, and the same as CSV for Excel (UTF-8 BOM, CRLF).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBodySchema } from '../errors.js';
import { csvLines } from '../reports/render/csv.js';
import type { AuditService } from '../services/audit.service.js';
import type { AuditEntry } from '../storage/audit.store.js';

const TimeParam = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const Filters = {
  from: TimeParam.optional().describe('inclusive, ISO 8601 with offset'),
  to: TimeParam.optional().describe('exclusive, ISO 8601 with offset'),
  actor: z.string().max(100).optional().describe('user id or username'),
  entity: z.string().max(40).optional().describe('media, playlist, schedule, screen, broadcast, alert, quiet-hours, user, session…'),
  entityId: z.string().max(100).optional(),
  action: z.string().max(40).optional(),
};
const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({ id: z.string(), username: z.string() }).nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  summary: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

export function auditCsv(entries: AuditEntry[]): string {
  const header = ['时间 at', '用户 actor', '操作 action', '对象 entity', '编号 entityId', '摘要 summary', '之前 before', '之后 after'];
  const rows = entries.map((e) => [e.at, e.actor?.username ?? '', e.action, e.entity, e.entityId, e.summary, e.before, e.after]);
  return csvLines([header, ...rows]);
}

export function registerAuditRoutes(app: FastifyInstance, audit: AuditService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];
  r.get(
    '/api/v1/audit',
    {
      schema: {
        tags,
        summary: 'Audit trail, newest first: who changed what, when, with before and after',
        querystring: z.object({ ...Filters, limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ entries: z.array(AuditEntrySchema) }), 400: ErrorBodySchema },
      },
    },
    async (req) => ({ entries: await audit.query(req.query) }),
  );
  r.get(
    '/api/v1/audit.csv',
    {
      schema: {
        tags,
        summary: 'The audit trail as CSV (UTF-8 with BOM, opens in Excel), same filters',
        querystring: z.object({ ...Filters, limit: z.coerce.number().int().min(1).max(100_000).default(10_000) }),
      },
    },
    async (req, reply) => {
      const csv = auditCsv(await audit.query(req.query));
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="crier-audit-${day}.csv"`)
        .send(csv);
    },
  );
}
