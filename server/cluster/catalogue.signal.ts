// Which screens other nodes' catalogue commits affect (issue 15). A node that commits announces the
// version with the screens the change can affect (playlists/affected-screens.ts), or null for all. A node
// that adopts commits from the shared store (a synced snapshot shares no objects with the one before, so
// it cannot work the set out cheaply itself) passes over its own players of the named screens only.
// A sync may adopt several versions at once, and by either path (the bus, or PostgreSQL's own notice)
// before or after their announcements arrive: the versions' sets are joined once all are known. A version
// whose announcement never comes (Redis pub/sub can lose one) is passed over for all screens after
// `waitMs`, as every change was before.
import { unionAffected, type AffectedScreens } from '../../playlists/affected-screens.js';

export const ANNOUNCEMENT_WAIT_MS = 2000;
/** Announcements kept for versions not adopted yet (a node on embedded stores never adopts any). */
const MAX_KEPT = 1000;

export function createCatalogueSignal(deps: {
  /** Pass over this node's players of these screens. */
  adopted: (named: AffectedScreens) => void;
  waitMs?: number;
}) {
  const waitMs = deps.waitMs ?? ANNOUNCEMENT_WAIT_MS;
  /** Announced (or this node's own) sets by version. */
  const named = new Map<number, AffectedScreens>();
  /** Versions adopted by a sync and not yet passed over. */
  const unsettled = new Set<number>();
  let timer: NodeJS.Timeout | null = null;

  function name(version: number, affected: AffectedScreens): void {
    // Several changes share a commit: each caller's answer joins the others'.
    named.set(version, unionAffected(named.get(version) ?? new Set(), affected));
    for (const v of named.keys()) {
      if (named.size <= MAX_KEPT) break;
      named.delete(v);
    }
  }

  /** Passes over what the adopted versions affect, once each is known (or, giving up, all). */
  function settle(giveUp = false): void {
    if (unsettled.size === 0) return;
    let affected: AffectedScreens = new Set();
    for (const v of unsettled) {
      const set = named.get(v);
      if (set === undefined && !giveUp) return wait();
      affected = unionAffected(affected, set ?? 'all');
    }
    for (const v of unsettled) named.delete(v);
    unsettled.clear();
    if (timer) clearTimeout(timer);
    timer = null;
    deps.adopted(affected);
  }

  function wait(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      settle(true);
    }, waitMs);
    timer.unref();
  }

  return {
    /** This node committed `version` and passed over its own players already; announced by the caller. */
    committed(version: number, affected: AffectedScreens): void {
      name(version, affected);
      settle();
    },
    /** Another node announced `version`; null screen ids: all. */
    announced(version: number | null, screenIds: readonly string[] | null): void {
      if (version === null) return;
      name(version, screenIds === null ? 'all' : new Set(screenIds));
      settle();
    },
    /** A sync moved the snapshot from version `from` to `to`: those commits are this node's to pass over. */
    synced(from: number, to: number): void {
      for (let v = from + 1; v <= to; v++) unsettled.add(v);
      settle();
    },
    close(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
