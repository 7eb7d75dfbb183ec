// Everything issue 6's back end adds to the app, in one place so server/app.ts only calls in: stores,
// the auth hook, request context, first admin, approval of new media, the audit trail and the routes.
import type { FastifyInstance } from 'fastify';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { registerApprovalRoutes } from '../routes/approval.routes.js';
import { registerAuditRoutes } from '../routes/audit.routes.js';
import { registerAuthRoutes } from '../routes/auth.routes.js';
import { registerUserRoutes } from '../routes/users.routes.js';
import { createAccountsService } from '../services/accounts.service.js';
import { createAuditService } from '../services/audit.service.js';
import type { AccountsStore } from '../storage/accounts.store.js';
import type { AuditStore } from '../storage/audit.store.js';
import type { CatalogueHooks, CatalogueStore } from '../storage/catalogue.store.js';
import { installAuth } from './auth.hooks.js';
import type { Redis } from 'ioredis';
import { ensureFirstAdmin } from './first-admin.js';
import { can } from './permissions.js';
import { currentContext, installRequestContext, type RequestContext } from './request-context.js';

/** New media gets its approval state from who added it: pending from editors, approved from approvers. */
export function approvalOfNewMedia(mode: Config['approval'], clock: Clock) {
  return (draft: Catalogue, before: Readonly<Catalogue>, context: RequestContext | undefined) => {
    const actor = context?.actor;
    // Background work (jobs, players) adds no media; with approval off, absent means approved.
    if (mode !== 'required' || !actor) return;
    const known = new Set(before.media.map((m) => m.id));
    for (const media of draft.media) {
      if (known.has(media.id) || media.approval) continue;
      media.approval = can(actor.role, 'media:approve') ? { state: 'approved', by: actor.username, at: clock.now().toISOString() } : { state: 'pending' };
    }
  };
}

export async function installAccounts(app: FastifyInstance, config: Config, deps: { authClock: Clock; clock: Clock; stores: { accounts: AccountsStore; audit: AuditStore }; rateLimits?: { redis: Redis; nameSpace: string } }) {
  const { accounts: accountsStore, audit: auditStore } = deps.stores;
  const accounts = await createAccountsService({
    store: accountsStore,
    now: () => deps.authClock.now().getTime(),
    settings: { sessionIdleMs: config.sessionIdleMs, sessionMaxMs: config.sessionMaxMs, scryptLogN: config.scryptLogN },
  });
  const audit = createAuditService({ store: auditStore, log: app.log });
  const authSettings = { secureCookies: config.secureCookies, sessionMaxMs: config.sessionMaxMs };

  // Hooks first: they must see every route registered after them.
  installRequestContext(app);
  const routes = await installAuth(app, accounts, deps.rateLimits);
  await ensureFirstAdmin({ accounts, adminPassword: config.adminPassword, log: app.log });

  // Screen commands change no stored state, so the catalogue diff cannot see them: logged as they succeed.
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url !== '/api/v1/screens/:id/commands' || reply.statusCode >= 300) return;
    const user = request.signedIn?.user;
    const screenId = (request.params as { id: string }).id;
    const body = request.body as { command?: string } | undefined;
    audit.record({
      actor: user ? { id: user.id, username: user.username } : null,
      action: 'command',
      entity: 'screen',
      entityId: screenId,
      summary: `向屏幕发送指令 ${body?.command ?? ''} / sent command ${body?.command ?? ''} to screen ${screenId}`,
      before: null,
      after: body ?? null,
    });
  });

  const sessionPruner = setInterval(() => void accounts.pruneSessions().catch((err: unknown) => app.log.warn({ err }, 'session pruning failed')), 3_600_000);
  sessionPruner.unref();
  app.addHook('onClose', async () => {
    clearInterval(sessionPruner);
    await audit.close(); // what the store still refuses is logged in full
    accountsStore.close();
    auditStore.close();
  });

  const catalogueHooks: CatalogueHooks<RequestContext | undefined> = {
    context: currentContext,
    prepare: approvalOfNewMedia(config.approval, deps.clock),
    committed: (before, after, context) => audit.catalogueCommitted(before, after, context),
    batchKey: (context) => context?.actor?.id ?? null,
  };

  return {
    accounts,
    audit,
    routes,
    catalogueHooks: catalogueHooks as CatalogueHooks,
    /** /api/v1/auth/*, /api/v1/users, /api/v1/audit(.csv), /api/v1/media/:id/approve|reject */
    registerRoutes(more: { catalogue: CatalogueStore; clock: Clock; onChange: () => void }) {
      registerAuthRoutes(app, { accounts, settings: authSettings, audit });
      registerUserRoutes(app, { accounts, audit });
      registerAuditRoutes(app, audit);
      registerApprovalRoutes(app, more);
    },
  };
}
