// The catalogue (media, playlists, schedules, screens) in one JSON file, written atomically and durably
// (temp file, fsync, rename, fsync of the directory) before a change is answered. Behind this small
// interface so a larger deployment can keep it in PostgreSQL (pg/catalogue.pg.ts); both share the write
// path (catalogue.commits.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CatalogueSchema, emptyCatalogue, type Catalogue } from '../../playlists/catalogue.schema.js';
import { catalogueDefects } from './catalogue.integrity.js';
import { damagedStore } from './data-dir.js';
import { createCommitQueue } from './catalogue.commits.js';
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
  const commits = createCommitQueue(
    { catalogue: stored ?? emptyCatalogue(), version: 0 },
    {
      // Only this process writes the file: every write wins, and the version just counts them.
      write: async (next, baseVersion) => {
        await writeFileDurably(file, JSON.stringify(next, null, 2));
        return baseVersion + 1;
      },
      latest: async () => ({ catalogue: commits.read() as Catalogue, version: commits.version() }),
    },
    hooks,
  );
  return {
    isNew: stored === null,
    read: commits.read,
    version: commits.version,
    sync: async () => false,
    update: commits.update,
    backupTo: (target) => writeFileDurably(target, JSON.stringify(commits.read(), null, 2)),
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
  return checkStored(file, json);
}

/** A stored document (file or database row) that does not fit the schema or hold together stops the start. */
export function checkStored(file: string, json: unknown): Catalogue {
  const parsed = CatalogueSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damagedStore(file, `不符合目录格式 / not a valid catalogue: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  const defects = catalogueDefects(parsed.data);
  if (defects.length) throw damagedStore(file, defects.slice(0, 5).join('; ') + (defects.length > 5 ? ` (+${defects.length - 5})` : ''));
  return parsed.data;
}
