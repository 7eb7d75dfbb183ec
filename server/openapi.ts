// The OpenAPI document's own parts beyond the schemas (issue 13.9): the cookie session and the CSRF
// header as security schemes, each route's security from the same permission table the hooks
// enforce, and an operationId for every route, derived from its method and path.
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { accessFor } from './auth/permissions.js';

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

export function openApiTransform(input: TransformInput) {
  const out = jsonSchemaTransform(input);
  const method = String(input.route.method);
  const access = accessFor(method, input.url);
  const security = access.kind === 'public' ? [] : MUTATING.has(method) ? [{ session: [], csrf: [] }] : [{ session: [] }];
  return { ...out, schema: { ...out.schema, operationId: operationIdOf(method, input.url), security } };
}
