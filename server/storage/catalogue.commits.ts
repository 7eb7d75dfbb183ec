// The catalogue's write path, shared by both stores (the JSON file, PostgreSQL): changes queue, are
// applied in call order to a draft, validated, and made current only once the store has them durably.
// Group commit: changes queued while a write is in flight reach the store together, so a storm of new
// screens after an outage costs a few writes, not one each.
// A change costs what it touches: it runs on a copy-on-write draft (catalogue.draft.ts) and only the
// items it changed are validated and handed to the store (catalogue.delta.ts).
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { settle, type CatalogueDelta } from './catalogue.delta.js';
import { detached, draftOf, finished } from './catalogue.draft.js';
import type { CatalogueHooks, UpdateOptions } from './catalogue.store.js';

/** Where commits go. `write` resolves the new version, or null when another node committed first. */
export interface CommitTarget {
  /** `delta`: what changed since the catalogue at `baseVersion` (a store may write only that). */
  write(next: Catalogue, baseVersion: number, delta: CatalogueDelta): Promise<number | null>;
  /** The latest committed catalogue, fetched after `write` lost a race. */
  latest(): Promise<{ catalogue: Catalogue; version: number }>;
}

/** Another node kept winning: give up rather than spin (each loss means that node made progress). */
const MAX_ROUNDS = 20;

export function createCommitQueue(start: { catalogue: Catalogue; version: number }, target: CommitTarget, hooks?: CatalogueHooks) {
  let current = start.catalogue;
  let version = start.version;
  type Pending = { change: (draft: Catalogue) => unknown; context: unknown; isAlone: boolean; resolve: (value: unknown) => void; reject: (error: unknown) => void };
  type Applied = { p: Pending; result: unknown };
  let pending: Pending[] = [];
  let isWriting = false;

  type Outcome = { next: Catalogue; delta: CatalogueDelta; applied: Applied[] };

  /** Fast path: the whole batch on one draft, validated once. Null if any change throws or the result is invalid. */
  function applyTogether(batch: Pending[]): Outcome | null {
    try {
      const draft = draftOf(current);
      // Each result is copied out at once: the next change in the batch must not change what this one returned.
      const applied = batch.map((p) => ({ p, result: detached(p.change(draft)) }));
      hooks?.prepare?.(draft, current, batch[0]?.context);
      return { ...settle(current, finished(draft)), applied };
    } catch {
      return null;
    }
  }

  /** Slow path: each change validated on its own, so a refused one fails alone and leaves no trace. */
  function applyOneByOne(batch: Pending[]): Outcome {
    let next: Readonly<Catalogue> = current;
    const applied: Applied[] = [];
    for (const p of batch) {
      try {
        const draft = draftOf(next);
        const result = detached(p.change(draft));
        hooks?.prepare?.(draft, next, p.context);
        next = settle(next, finished(draft)).next;
        applied.push({ p, result });
      } catch (error) {
        p.reject(error);
      }
    }
    // One delta for the changes that passed, from the catalogue before the batch: the store writes it once.
    const whole = settle(current, next as Catalogue);
    return { next: whole.next, delta: whole.delta, applied };
  }

  /** A newer commit from elsewhere becomes current; an older or equal one (our own, seen late) is ignored. */
  function adopt(latest: { catalogue: Catalogue; version: number }): boolean {
    if (latest.version <= version) return false;
    current = latest.catalogue;
    version = latest.version;
    return true;
  }

  /** Applies a batch and writes it; when another node committed first, catches up and applies it again. */
  async function commit(batch: Pending[]): Promise<void> {
    let round = batch;
    for (let attempt = 1; ; attempt++) {
      const base = current;
      const { next, delta, applied } = applyTogether(round) ?? applyOneByOne(round);
      if (applied.length === 0) return;
      try {
        const written = await target.write(next, version, delta);
        if (written === null) {
          if (attempt >= MAX_ROUNDS) throw new Error(`目录写入冲突过多 / catalogue write lost ${MAX_ROUNDS} races to other nodes`);
          adopt(await target.latest());
          round = applied.map((a) => a.p);
          continue;
        }
        // A sync may have adopted this very commit (or a later one) meanwhile: never step back.
        if (written > version) {
          current = next;
          version = written;
        }
        hooks?.committed?.(base, next, batch[0]!.context);
        for (const { p, result } of applied) p.resolve(result);
      } catch (error) {
        for (const { p } of applied) p.reject(error);
      }
      return;
    }
  }

  async function drain(): Promise<void> {
    isWriting = true;
    while (pending.length) {
      // A batch shares one actor, so each commit is attributable to one; a storm of players (no actor) still shares commits.
      const keyOf = (p: Pending) => (hooks?.batchKey ? hooks.batchKey(p.context) : p.context);
      const first = keyOf(pending[0]!);
      const split = pending[0]!.isAlone ? 1 : pending.findIndex((p) => p.isAlone || keyOf(p) !== first);
      const batch = split < 0 ? pending : pending.slice(0, split);
      pending = split < 0 ? [] : pending.slice(split);
      await commit(batch);
    }
    isWriting = false;
  }

  return {
    read: (): Readonly<Catalogue> => current,
    version: () => version,
    adopt,
    update<T>(change: (draft: Catalogue) => T, options: UpdateOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ change, context: hooks?.context(), isAlone: options.isAlone ?? false, resolve: resolve as (value: unknown) => void, reject });
        if (!isWriting) void drain();
      });
    },
  };
}
