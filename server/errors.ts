// Errors carry a stable machine-readable `reason` beside a human message (Chinese first, then English).
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDiskFull } from './storage/disk-space.js';

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    /** Machine-readable specifics (e.g. the line of an import that was refused). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new AppError(404, 'not-found', `未找到${what} / ${what} not found: ${id}`);

export const diskFullError = () =>
  new AppError(507, 'disk-full', '服务器磁盘已满，本次更改未保存；请联系管理员腾出空间后重试 / the server\'s disk is full: nothing was saved; ask the administrator to free space, then try again');

export const ErrorBodySchema = z.object({
  statusCode: z.number().int(),
  reason: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

/** One handler for every route: clear 4xx bodies, 5xx details only in the log. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const details = error.details === undefined ? {} : { details: error.details };
      return reply.code(error.statusCode).send({ statusCode: error.statusCode, reason: error.reason, message: error.message, ...details });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({ path: v.instancePath, message: v.message }));
      const first = details[0];
      return reply.code(400).send({
        statusCode: 400,
        reason: 'invalid-request',
        message: `请求无效 / invalid request: ${first ? `${first.path || '/'} ${first.message}` : error.message}`,
        details,
      });
    }
    // No room on the data dir's disk: the clerk is told so, not "internal" (server/storage/disk-space.ts).
    if (isDiskFull(error)) {
      request.log.warn({ err: error }, '磁盘已满 / disk full');
      const full = diskFullError();
      return reply.code(full.statusCode).send({ statusCode: full.statusCode, reason: full.reason, message: full.message });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return reply.code(status).send({ statusCode: status, reason: error.code ?? 'bad-request', message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ statusCode: 500, reason: 'internal', message: '服务器内部错误 / internal server error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ statusCode: 404, reason: 'not-found', message: `未找到 / not found: ${request.method} ${request.url}` }),
  );
}
