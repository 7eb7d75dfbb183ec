// The OpenAPI document's own parts beyond the schemas (issue 13.9): the cookie session and the CSRF
// header as security schemes, each route's security from the same permission table the hooks
// enforce, and an operationId for every route, derived from its method and path.
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessFor } from './auth/permissions.js';
import { ErrorBodySchema } from './errors.js';
import { CONTENT_TYPES } from './reports/render/index.js';

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

export const SECURITY_SCHEMES = {
  session: { type: 'apiKey', in: 'cookie', name: 'crier_session', description: '登录后的会话 Cookie / the session cookie set by POST /api/v1/auth/login' },
  csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: '修改类请求所需 / required on changes: the csrfToken of login or GET /api/v1/auth/me' },
} as const;

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `GET /api/v1/screens/:id/timeline` → `getScreensByIdTimeline`; `/docs/json` → `getDocsJson`. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((seg) => seg && seg !== 'api' && seg !== 'v1')
    .map((seg) => (seg.startsWith(':') ? `By${capital(seg.slice(1))}` : seg.split(/[^A-Za-z0-9]+/).map(capital).join('')));
  return method.toLowerCase() + (words.join('') || 'Root');
}

const { $schema: _, ...ERROR_BODY } = z.toJSONSchema(ErrorBodySchema);
const errorAnswer = (description: string) => ({ description, ...ERROR_BODY });
/** Routes ending in `/:format` send the report as a file (server/routes/campaign-reports.routes.ts). */
const REPORT_FILE = {
  description: '报表文件 / the report as a file',
  content: Object.fromEntries(Object.values(CONTENT_TYPES).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
};

/**
 * The answers the hooks give before any handler runs, declared on each route they guard: 401 without
 * a session, 403 without the CSRF token or the permission (server/auth/auth.hooks.ts). A route's own
 * schema may describe them more closely; it is kept.
 */
function withDoorAnswers(response: Record<string, unknown>, method: string, url: string): Record<string, unknown> {
  const access = accessFor(method, url);
  const out = { ...response };
  if (access.kind !== 'public') out['401'] ??= errorAnswer('未登录或会话已结束 / not signed in, or the session ended (`not-signed-in`)');
  if (access.kind !== 'public' && (MUTATING.has(method) || access.kind === 'permission')) {
    out['403'] ??= errorAnswer('无此权限，或缺少 CSRF 令牌 / not allowed for this role (`forbidden`), or the CSRF token is missing (`csrf-invalid`)');
  }
  // Downloads declare no body schema; without a 2xx of their own they keep @fastify/swagger's default one.
  if (!Object.keys(out).some((code) => code.startsWith('2'))) out['200'] = url.endsWith('/:format') ? REPORT_FILE : { description: '成功 / OK' };
  return out;
}

export function openApiTransform(input: TransformInput) {
  const out = jsonSchemaTransform(input);
  const method = String(input.route.method);
  const access = accessFor(method, input.url);
  const security = access.kind === 'public' ? [] : MUTATING.has(method) ? [{ session: [], csrf: [] }] : [{ session: [] }];
  const response = withDoorAnswers((out.schema.response ?? {}) as Record<string, unknown>, method, input.url);
  return { ...out, schema: { ...out.schema, response, operationId: operationIdOf(method, input.url), security } };
}
