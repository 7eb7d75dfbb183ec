// Errors carry a stable machine-readable `reason` beside a human message (Chinese first, then English).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/** What a client got wrong, in Chinese, by status, for the faults fastify itself finds (body, URL, headers). */
const CLIENT_FAULTS: Record<number, [reason: string, zh: string]> = {
  400: ['bad-request', '请求格式有误'],
  404: ['not-found', '未找到'],
  405: ['method-not-allowed', '不支持此请求方法'],
  406: ['not-acceptable', '无法提供所要求的格式'],
  411: ['length-required', '缺少内容长度'],
  413: ['too-large', '请求内容过大'],
  414: ['url-too-long', '网址过长'],
  415: ['unsupported-media-type', '不支持此内容类型'],
  416: ['bad-range', '请求的范围无效'],
  431: ['headers-too-large', '请求头过大'],
};

/** A 4xx fastify raised (not one of ours): a stable reason and the message Chinese first, English after. */
export function clientFaultBody(status: number, error: { code?: string; message: string }) {
  const [reason, zh] = CLIENT_FAULTS[status] ?? ['bad-request', '请求无效'];
  // fastify's messages may quote the whole (possibly huge) URL or body: keep the line short.
  return { statusCode: status, reason, message: `${zh} / ${error.message.slice(0, 200)}`, ...(error.code ? { details: { code: error.code } } : {}) };
}

/** Errors fastify's router raises before any route runs (bad URL encoding, a parameter over maxParamLength). */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  void reply.code(status).send(clientFaultBody(status, error));
}

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
      return reply.code(status).send(clientFaultBody(status, error));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ statusCode: 500, reason: 'internal', message: '服务器内部错误 / internal server error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ statusCode: 404, reason: 'not-found', message: `未找到 / not found: ${request.method} ${request.url}` }),
  );
}
