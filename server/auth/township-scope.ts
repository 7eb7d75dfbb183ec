// Township scope: staff with a township see and act only on that township's screens, and may only
// aim rules (schedules, broadcasts, alerts, quiet hours, volume schedules) inside it. Enforced in hooks
// keyed on the route pattern, so the screen and rule services stay scope-free; county staff pass through.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { screenById } from '../../playlists/catalogue.index.js';
import type { Screen } from '../../playlists/catalogue.schema.js';
import type { Target } from '../../playlists/schedule.schema.js';
import { registerIndex } from '../../playlists/register.index.js';
import { AppError } from '../errors.js';
import type { AiringLog } from '../storage/airing.store.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

export const outOfScope = (township: string) =>
  new AppError(403, 'out-of-scope', `超出本乡镇（${township}）的范围 / outside your township (${township})`);

/** The catalogue collection behind each rule route. */
const RULE_COLLECTIONS: Record<string, string> = {
  schedules: 'schedules',
  broadcasts: 'broadcasts',
  alerts: 'alerts',
  'quiet-hours': 'quietHours',
  'volume-schedules': 'volumeSchedules',
};
const RULE_ROUTE = /^\/api\/v1\/(schedules|broadcasts|alerts|quiet-hours|volume-schedules)(\/:id)?(\/[a-z-]+)?$/;
const SCREEN_ROUTE = /^\/api\/v1\/screens\/:id(\/|$)/;

/** A target stays inside a township when it names only that township, or only screens in it. */
export function targetInside(target: Target, township: string, screens: readonly Pick<Screen, 'id' | 'township'>[]): boolean {
  switch (target.kind) {
    case 'townships':
      return target.townships.every((t) => t === township);
    case 'screens':
      return target.screenIds.every((id) => screens.find((s) => s.id === id)?.township === township);
    default:
      // all, groups and site types reach across townships (now or once another screen joins).
      return false;
  }
}

/** The township a signed-in user is limited to, or null for county staff and admins. */
export const scopedTownship = (request: FastifyRequest): string | null => {
  const user = request.signedIn?.user;
  return user && user.role !== 'admin' && user.township ? user.township : null;
};

export function installTownshipScope(app: FastifyInstance, deps: { catalogue: CatalogueStore; airingLog: AiringLog }): void {
  const screens = () => deps.catalogue.read().screens;
  const screenTownship = (id: string) => screenById(deps.catalogue.read(), id)?.township;
  /** Unknown screens pass: the route answers 404 as for anyone. */
  const checkScreen = (id: string, township: string) => {
    const screen = screenById(deps.catalogue.read(), id);
    if (screen && screen.township !== township) throw outOfScope(township);
  };

  app.addHook('preHandler', async (request, reply) => {
    const township = scopedTownship(request);
    const url = request.routeOptions.url;
    if (!township || !url?.startsWith('/api/v1/')) return;
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;

    if (SCREEN_ROUTE.test(url) && params.id) checkScreen(params.id, township);
    if (typeof query.screenId === 'string') checkScreen(query.screenId, township);
    // A screen is placed by a site of the register: township staff only at sites of their township.
    if (request.method !== 'GET' && /^\/api\/v1\/screens(\/|$)/.test(url) && typeof body.siteId === 'string') {
      const place = registerIndex(deps.catalogue.read()).placeOfSite(body.siteId);
      if (place && place.townshipName !== township) throw outOfScope(township);
    }

    const rule = RULE_ROUTE.exec(url);
    if (rule && request.method !== 'GET') {
      const collection = RULE_COLLECTIONS[rule[1]!]!;
      if (params.id) {
        // Changing or deleting an existing rule: it must already lie inside the township.
        const existing = ((deps.catalogue.read() as unknown as Record<string, { id: string; target?: Target }[] | undefined>)[collection] ?? []).find((r) => r.id === params.id);
        if (existing?.target && !targetInside(existing.target, township, screens())) throw outOfScope(township);
      }
      const target = body.target as Target | undefined;
      if (target && !targetInside(target, township, screens())) throw outOfScope(township);
    }

    // Play records without a screen filter: answered here from the township's screens only.
    if (url === '/api/v1/plays' && request.method === 'GET' && query.screenId === undefined) {
      const { from, to, limit, unclaimed } = query as { from?: Date; to?: Date; limit: number; unclaimed?: 'include' | 'exclude' | 'only' };
      const own = screens().filter((s) => s.township === township);
      const isProvisional = unclaimed === 'only' ? true : unclaimed === 'exclude' ? false : undefined;
      const records = (await Promise.all(own.map((s) => deps.airingLog.listPlays({ screenId: s.id, from, to, isProvisional, limit }))))
        .flat()
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
        .slice(0, limit);
      const count = async (provisional: boolean) =>
        (await Promise.all(own.map((s) => deps.airingLog.countPlays({ screenId: s.id, from, to, isProvisional: provisional })))).reduce((n, c) => n + c, 0);
      const totals = { claimed: unclaimed === 'only' ? 0 : await count(false), unclaimed: unclaimed === 'exclude' ? 0 : await count(true) };
      const total = totals.claimed + totals.unclaimed;
      return reply.send({ total, totals, records });
    }
  });

  // Lists: drop what belongs to other townships' screens (the screen list, and any report rows keyed by screenId).
  app.addHook('preSerialization', async (request, _reply, payload: unknown) => {
    const township = scopedTownship(request);
    const url = request.routeOptions.url;
    if (!township || request.method !== 'GET' || !url?.startsWith('/api/v1/')) return payload;
    const visible = (item: unknown) => {
      if (typeof item !== 'object' || item === null) return true;
      const row = item as { screenId?: unknown; township?: unknown; id?: unknown };
      if (url === '/api/v1/screens') return row.township === township;
      if (typeof row.screenId === 'string') return screenTownship(row.screenId) === township;
      return true;
    };
    if (Array.isArray(payload)) return payload.filter(visible);
    if (typeof payload === 'object' && payload !== null && url !== '/api/v1/screens') {
      const copy: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
      for (const [key, value] of Object.entries(copy)) if (Array.isArray(value)) copy[key] = value.filter(visible);
      return copy;
    }
    return payload;
  });
}

