// The catalogue (media, playlists, schedules, screens) in the data dir: a JSON snapshot and a journal
// of what each commit changed, fsync'd before a change is answered (catalogue.journal.ts). Behind this
// small interface so a larger deployment can keep it in PostgreSQL (pg/catalogue.pg.ts); both share the
// write path (catalogue.commits.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CatalogueSchema, emptyCatalogue, type Catalogue } from '../../playlists/catalogue.schema.js';
import { catalogueDefects } from './catalogue.integrity.js';
import { damagedStore } from './data-dir.js';
import { createCommitQueue } from './catalogue.commits.js';
import { CATALOGUE_FILE, JOURNAL_FILE, openJournal, readStoredFiles, type JournalOptions, type StoredFiles } from './catalogue.journal.js';
import { writeFileDurably } from './durable-file.js';

export interface UpdateOptions {
  /**
   * Commit this change in a batch of its own. For a change that rewrites in place what other changes'
   * checks find through the committed catalogue's indexes (a register change: screens' places through the
   * place sync, rules retargeted by a rename): a change batched after it would be checked against the
   * indexes of the catalogue before it, and could store a clash it should refuse.
   */
  isAlone?: boolean;
}

export interface CatalogueStore {
  /** The current catalogue. Treat as read-only: change it only through `update`. */
  read(): Readonly<Catalogue>;
  /**
   * Applies `change` to a copy, validates the result and only then makes it current and writes it.
   * A throwing change or an invalid result leaves the catalogue as it was. A change may run more
   * than once (it is retried alone when its batch fails), so it must touch nothing but the draft.
   */
  update<T>(change: (draft: Catalogue) => T, options?: UpdateOptions): Promise<T>;
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

export async function createCatalogueStore(dataDir: string, hooks?: CatalogueHooks, options: JournalOptions = {}): Promise<CatalogueStore> {
  await mkdir(dataDir, { recursive: true });
  const stored = await readStoredFiles(dataDir);
  const catalogue = checkStoredFiles(dataDir, stored);
  const journal = await openJournal(dataDir, stored, options);
  const commits = createCommitQueue(
    { catalogue: catalogue ?? emptyCatalogue(), version: 0 },
    {
      // Only this process writes the files: every write wins, and the version just counts them.
      write: async (next, baseVersion, delta) => {
        await journal.commit(next, delta);
        return baseVersion + 1;
      },
      latest: async () => ({ catalogue: commits.read() as Catalogue, version: commits.version() }),
    },
    hooks,
  );
  return {
    isNew: catalogue === null,
    read: commits.read,
    version: commits.version,
    sync: async () => false,
    update: commits.update,
    backupTo: (target) => writeFileDurably(target, JSON.stringify(commits.read(), null, 2)),
  };
}

/** The catalogue the data dir's files hold (snapshot and journal), checked; null when there is none. Changes no file (migrate-to-pg, tests). */
export async function readEmbeddedCatalogue(dataDir: string): Promise<Catalogue | null> {
  return checkStoredFiles(dataDir, await readStoredFiles(dataDir));
}

/** Checked like one file; when it fails after the journal's lines, the file named is the one at fault. */
function checkStoredFiles(dataDir: string, stored: StoredFiles): Catalogue | null {
  if (stored.json === null) return null;
  if (stored.replayed === 0) {
    const snapshot = checkStored(path.join(dataDir, CATALOGUE_FILE), stored.json);
    if (stored.mismatch) throw stored.mismatch;
    return snapshot;
  }
  try {
    return checkStored(path.join(dataDir, JOURNAL_FILE), stored.json);
  } catch (error) {
    checkStored(path.join(dataDir, CATALOGUE_FILE), JSON.parse(stored.snapshotText!));
    throw error;
  }
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
