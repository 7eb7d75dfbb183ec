// Roles, what each may do, and which permission every API route needs. Pure: the route table test and
// `GET /auth/me` read the same tables the request hook enforces.
import { z } from 'zod';

export const RoleSchema = z.enum(['admin', 'editor', 'approver', 'viewer', 'police']);
export type Role = z.infer<typeof RoleSchema>;

export const PERMISSIONS = [
  'media:write',
  'media:approve',
  'playlists:write',
  'schedules:write',
  'alerts:write',
  'screens:write',
  'screens:command',
  'register:write',
  'users:admin',
  'audit:read',
  // Police case figures (公安每周案情) and the weekly report made on demand (issue 11.6).
  'police:write',
  'reports:generate',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// register:write is narrowed further by the register itself: county admins, or a township's own staff in it.
const EDITING: Permission[] = ['media:write', 'playlists:write', 'schedules:write', 'alerts:write', 'screens:write', 'screens:command', 'register:write'];

/** Every signed-in user may read; these are the extra rights per role. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  // An approver is an editor who may also release what editors upload, and read the audit trail.
  approver: [...EDITING, 'media:approve', 'audit:read'],
  editor: EDITING,
  viewer: [],
  // The police anti-fraud centre enters case figures and reads reports; it never touches content.
  police: ['police:write'],
};

export const can = (role: Role, permission: Permission) => ROLE_PERMISSIONS[role].includes(permission);

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isMutating = (method: string) => MUTATING.has(method.toUpperCase());

/** What a route asks of its caller. */
export type Access =
  | { kind: 'public' }
  /** A session but no particular right (reads, logout, own password). */
  | { kind: 'signed-in' }
  | { kind: 'permission'; permission: Permission };

// Most specific first. A changing route that matches nothing needs `users:admin`: a route added later
// without a line here is closed to everyone but the county admin rather than open to all.
const WRITE_RULES: [RegExp, Permission][] = [
  [/^\/api\/v1\/media\/[^/]+\/(approve|reject)$/, 'media:approve'],
  [/^\/api\/v1\/(media|jobs)(\/|$)/, 'media:write'],
  [/^\/api\/v1\/playlists(\/|$)/, 'playlists:write'],
  [/^\/api\/v1\/(schedules|broadcasts|quiet-hours|volume-schedules)(\/|$)/, 'schedules:write'],
  [/^\/api\/v1\/alerts(\/|$)/, 'alerts:write'],
  [/^\/api\/v1\/screens\/[^/]+\/commands$/, 'screens:command'],
  [/^\/api\/v1\/screens(\/|$)/, 'screens:write'],
  [/^\/api\/v1\/register(\/|$)/, 'register:write'],
  [/^\/api\/v1\/users(\/|$)/, 'users:admin'],
  [/^\/api\/v1\/police-figures(\/|$)/, 'police:write'],
  [/^\/api\/v1\/reports\/weekly(\/|$)/, 'reports:generate'],
];
const READ_RULES: [RegExp, Permission][] = [
  [/^\/api\/v1\/users(\/|$)/, 'users:admin'],
  [/^\/api\/v1\/audit(\.csv)?(\/|$)/, 'audit:read'],
];
const PUBLIC_API = new Set(['POST /api/v1/auth/login']);
const SIGNED_IN_WRITES = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password',
  // Checking an uploaded export changes nothing: a POST only because the file travels in the body.
  'POST /api/v1/proof/verify-export',
]);

/**
 * The access a route needs, from its method and URL pattern (`/api/v1/media/:id`). Outside /api/v1
 * everything is public (player, media files, pages, health) except the console socket.
 */
export function accessFor(method: string, url: string): Access {
  if (url === '/ws/console') return { kind: 'signed-in' };
  if (!url.startsWith('/api/v1/')) return { kind: 'public' };
  const key = `${method.toUpperCase()} ${url}`;
  if (PUBLIC_API.has(key)) return { kind: 'public' };
  if (SIGNED_IN_WRITES.has(key)) return { kind: 'signed-in' };
  const rules = isMutating(method) ? WRITE_RULES : READ_RULES;
  const permission = rules.find(([pattern]) => pattern.test(url))?.[1];
  if (permission) return { kind: 'permission', permission };
  return isMutating(method) ? { kind: 'permission', permission: 'users:admin' } : { kind: 'signed-in' };
}
