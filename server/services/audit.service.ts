// The audit trail's writer: catalogue commits (diffed by id), sign-ins, account changes, screen commands.
// A failed audit write never fails the request (the change already happened) and never loses the
// entry: entries wait in memory, in the order they happened, and are written again (backing off to
// RETRY_MAX_MS) until the store takes them; each failure is logged at error and counted, and /healthz
// and /metrics show what waits (`health`). On shutdown, entries still unwritten go to the log in full.
import type { FastifyBaseLogger } from 'fastify';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { diffCatalogues } from '../audit/catalogue-diff.js';
import type { RequestContext } from '../auth/request-context.js';
import type { AuditQuery, AuditStore, NewAuditEntry } from '../storage/audit.store.js';

export type AuditService = ReturnType<typeof createAuditService>;

/** Entries per store write: a backlog after an outage goes out in a few transactions, not one huge one. */
const BATCH = 1000;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/** What /healthz and /metrics say of the audit trail's writes. */
export interface AuditHealth {
  /** Entries recorded but not yet in the store. */
  pending: number;
  /** When the current run of failures began (null: the last write succeeded). */
  failingSince: string | null;
  /** Failed store writes since start. */
  failures: number;
}

export function createAuditService(deps: { store: AuditStore; log: FastifyBaseLogger; now?: () => Date }) {
  const { store, log } = deps;
  const now = deps.now ?? (() => new Date());
  const pending: NewAuditEntry[] = [];
  let writing: Promise<void> | null = null;
  let retry: NodeJS.Timeout | null = null;
  let delayMs = RETRY_FIRST_MS;
  let failing: { since: string } | null = null;
  let failures = 0;
  let isClosed = false;
  const whenEmpty: (() => void)[] = [];

  /** Writes the backlog oldest first; on a failure keeps it and tries again later. */
  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, BATCH);
      try {
        await store.append(batch);
      } catch (err) {
        failures += 1;
        failing ??= { since: now().toISOString() };
        if (isClosed) return spill(err);
        log.error({ err, pending: pending.length, retryInMs: delayMs }, '审计日志写入失败，记录按顺序保留并将重试 / audit write failed: the entries are kept in order and retried');
        retry = setTimeout(() => ((retry = null), start()), delayMs);
        retry.unref();
        delayMs = Math.min(delayMs * 2, RETRY_MAX_MS);
        return;
      }
      pending.splice(0, batch.length);
      if (failing) log.warn({ since: failing.since, failures }, '审计日志恢复写入 / audit writes work again');
      failing = null;
      delayMs = RETRY_FIRST_MS;
    }
    for (const resolve of whenEmpty.splice(0)) resolve();
  }
  /** Shutting down and the store still refuses: the entries go to the log in full rather than nowhere. */
  function spill(err: unknown): void {
    log.error({ err, entries: pending }, `${pending.length} 条审计记录未能写入存储，全文记入此日志 / ${pending.length} audit entries could not be written to the store: here they are in full`);
    pending.length = 0;
    for (const resolve of whenEmpty.splice(0)) resolve();
  }
  function start(): void {
    if (writing || retry) return;
    writing = flush().finally(() => (writing = null));
  }

  const append = (entries: NewAuditEntry[]) => {
    if (entries.length === 0) return;
    const at = now().toISOString();
    pending.push(...entries.map((e) => ({ at, ...e })));
    start();
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
    /** Waits for a write under way (not for a retry: a failing store must not hold readers up). */
    query: async (q: AuditQuery) => {
      await writing;
      return store.query(q);
    },
    /** Resolves once every entry recorded so far is in the store. */
    settled: (): Promise<void> => (pending.length === 0 && !writing ? Promise.resolve() : new Promise((resolve) => whenEmpty.push(resolve))),
    health: (): AuditHealth => ({ pending: pending.length, failingSince: failing?.since ?? null, failures }),
    /** On shutdown: one last try at once; what the store still refuses is logged in full, so it is never lost silently. */
    async close(): Promise<void> {
      isClosed = true;
      if (retry) (clearTimeout(retry), (retry = null));
      await writing;
      start();
      await writing;
    },
  };
}
