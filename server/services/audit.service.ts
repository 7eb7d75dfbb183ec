// The audit trail's writer: catalogue commits (diffed by id), sign-ins, account changes, screen commands.
// A failed audit write is logged, never turned into a failed request: the change already happened.
import type { FastifyBaseLogger } from 'fastify';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { diffCatalogues } from '../audit/catalogue-diff.js';
import type { RequestContext } from '../auth/request-context.js';
import type { AuditQuery, AuditStore, NewAuditEntry } from '../storage/audit.store.js';

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(deps: { store: AuditStore; log: FastifyBaseLogger; now?: () => Date }) {
  const { store, log } = deps;
  const now = deps.now ?? (() => new Date());
  // Writes are chained so entries land in the order they happened, and `settled` lets tests wait.
  let tail: Promise<void> = Promise.resolve();
  const append = (entries: NewAuditEntry[]) => {
    if (entries.length === 0) return;
    const at = now().toISOString();
    tail = tail
      .then(() => store.append(entries.map((e) => ({ at, ...e }))))
      .catch((err: unknown) => log.error({ err }, '审计日志写入失败 / audit write failed'));
  };
  const actorOf = (context: RequestContext | undefined) => (context?.actor ? { id: context.actor.id, username: context.actor.username } : null);

  return {
    record(entry: NewAuditEntry): void {
      append([entry]);
    },
    catalogueCommitted(before: Readonly<Catalogue>, after: Readonly<Catalogue>, context: RequestContext | undefined): void {
      const actor = actorOf(context);
      append(diffCatalogues(before, after).map((c) => ({ actor, ...c })));
    },
    query: (q: AuditQuery) => tail.then(() => store.query(q)),
    settled: () => tail,
  };
}
