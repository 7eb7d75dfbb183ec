// The catalogue (media, playlists, schedules, screens) in one JSON file, written atomically and durably
// (temp file, fsync, rename, fsync of the directory) before a change is answered. Behind this small
// interface so a larger deployment can move it to PostgreSQL.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CatalogueSchema, emptyCatalogue, type Catalogue } from '../../playlists/catalogue.schema.js';
import { catalogueDefects } from './catalogue.integrity.js';
import { shareUnchanged } from './catalogue.share.js';
import { damagedStore } from './data-dir.js';
import { readTextFile, writeFileDurably } from './durable-file.js';

export interface CatalogueStore {
  /** The current catalogue. Treat as read-only: change it only through `update`. */
  read(): Readonly<Catalogue>;
  /**
   * Applies `change` to a copy, validates the result and only then makes it current and writes it.
   * A throwing change or an invalid result leaves the catalogue as it was. A change may run more
   * than once (it is retried alone when its batch fails), so it must touch nothing but the draft.
   */
  update<T>(change: (draft: Catalogue) => T): Promise<T>;
  /**
   * Writes the last committed catalogue to `file`, durably: the backup's copy. Taken in one synchronous
   * step, so no change can come between (a change still being written is not committed yet, and not in it).
   */
  backupTo(file: string): Promise<void>;
  /** Counts commits; on PostgreSQL shared by every node, so a higher one elsewhere means this snapshot is behind. */
  version(): number;
  /**
   * Catches up with commits other nodes made (PostgreSQL); resolves true when the snapshot changed, and
   * the caller then republishes as after a local change. Embedded: nobody else writes, so always false.
   */
  sync(): Promise<boolean>;
  readonly isNew: boolean;
}

/**
 * Optional observers, so accounts can attribute changes without any service knowing: `context` is read
 * when a change is queued (whose request it is), `prepare` may adjust the draft before validation
 * (approval state of new media), and `committed` sees each change that reached the disk (the audit).
 */
export interface CatalogueHooks<C = unknown> {
  context(): C;
  prepare?(draft: Catalogue, before: Readonly<Catalogue>, context: C): void;
  committed?(before: Readonly<Catalogue>, after: Readonly<Catalogue>, context: C): void;
  /** Changes with equal keys may share a commit (default: the same context object). */
  batchKey?(context: C): unknown;
}

export async function createCatalogueStore(dataDir: string, hooks?: CatalogueHooks): Promise<CatalogueStore> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'catalogue.json');
  const stored = parseStored(file, await readTextFile(file));
  const isNew = stored === null;
  let current: Catalogue = stored ?? emptyCatalogue();
  // Group commit: changes queued while a write is in flight are applied in call order to one draft
  // and reach the disk together, so a storm of new screens after an outage costs a few writes, not one each.
  type Pending = { change: (draft: Catalogue) => unknown; context: unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };
  type Applied = { p: Pending; result: unknown };
  let pending: Pending[] = [];
  let isWriting = false;
  let version = 0;

  /** Fast path: the whole batch on one draft, validated once. Null if any change throws or the result is invalid. */
  function applyTogether(batch: Pending[]): { next: Catalogue; applied: Applied[] } | null {
    const draft = structuredClone(current);
    try {
      const applied = batch.map((p) => ({ p, result: p.change(draft) }));
      hooks?.prepare?.(draft, current, batch[0]?.context);
      return { next: validated(draft, current), applied };
    } catch {
      return null;
    }
  }

  /** Slow path: each change validated on its own, so a refused one fails alone and leaves no trace. */
  function applyOneByOne(batch: Pending[]): { next: Catalogue; applied: Applied[] } {
    let next = current;
    const applied: Applied[] = [];
    for (const p of batch) {
      try {
        const draft = structuredClone(next);
        const result = p.change(draft);
        hooks?.prepare?.(draft, next, p.context);
        next = validated(draft, next);
        applied.push({ p, result });
      } catch (error) {
        p.reject(error);
      }
    }
    return { next, applied };
  }

  async function drain(): Promise<void> {
    isWriting = true;
    while (pending.length) {
      // A batch shares one actor, so each commit is attributable to one; a storm of players (no actor) still shares commits.
      const keyOf = (p: Pending) => (hooks?.batchKey ? hooks.batchKey(p.context) : p.context);
      const first = keyOf(pending[0]!);
      const split = pending.findIndex((p) => keyOf(p) !== first);
      const batch = split < 0 ? pending : pending.slice(0, split);
      pending = split < 0 ? [] : pending.slice(split);
      const { next, applied } = applyTogether(batch) ?? applyOneByOne(batch);
      if (applied.length === 0) continue;
      try {
        // Only a catalogue that reached the disk becomes current.
        await writeFileDurably(file, JSON.stringify(next, null, 2));
        const before = current;
        current = next;
        version++;
        hooks?.committed?.(before, next, batch[0]!.context);
        for (const { p, result } of applied) p.resolve(result);
      } catch (error) {
        for (const { p } of applied) p.reject(error);
      }
    }
    isWriting = false;
  }

  return {
    isNew,
    read: () => current,
    version: () => version,
    sync: async () => false,
    backupTo: (target) => writeFileDurably(target, JSON.stringify(current, null, 2)),
    update<T>(change: (draft: Catalogue) => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ change, context: hooks?.context(), resolve: resolve as (value: unknown) => void, reject });
        if (!isWriting) void drain();
      });
    },
  };
}

/** A stored catalogue that does not parse, fit the schema or hold together stops the start, naming why. */
function parseStored(file: string, text: string | null): Catalogue | null {
  if (text === null) return null;
  if (text.trim() === '') throw damagedStore(file, '文件为空 / the file is empty');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damagedStore(file, `不是完整的 JSON / not complete JSON: ${(error as Error).message}`);
  }
  const parsed = CatalogueSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damagedStore(file, `不符合目录格式 / not a valid catalogue: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  const defects = catalogueDefects(parsed.data);
  if (defects.length) throw damagedStore(file, defects.slice(0, 5).join('; ') + (defects.length > 5 ? ` (+${defects.length - 5})` : ''));
  return parsed.data;
}

/** The schema and the cross-references: a change that would break either is refused, so no start is. */
function validated(draft: Catalogue, before: Readonly<Catalogue>): Catalogue {
  const next = CatalogueSchema.parse(draft);
  const defects = catalogueDefects(next);
  if (defects.length) throw new Error(`catalogue change refused: ${defects.join('; ')}`);
  return shareUnchanged(before, next);
}
