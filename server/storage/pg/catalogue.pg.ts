// The catalogue in PostgreSQL: one row holding a document (jsonb) at `document_version`, and a table of
// each later commit's delta (catalogue_changes, keyed by the version it made; catalogue.delta.ts).
// Each node keeps the snapshot in memory as the file store does (read() stays synchronous). A commit
// writes only its delta, in one statement with the conditional version check (version = the one this
// node built on), so nodes never overwrite each other: the loser catches up and applies its change
// again (catalogue.commits.ts). Every commit NOTIFYs its version, so other nodes sync (catalogue.listen.ts),
// applying the deltas since their version: unchanged items stay the very objects they were. Every so
// many commits the committing node folds the deltas into the document and drops them.
import { emptyCatalogue, type Catalogue } from '../../../playlists/catalogue.schema.js';
import { replayed, settle, type CatalogueDelta } from '../catalogue.delta.js';
import { checkStored, type CatalogueHooks, type CatalogueStore } from '../catalogue.store.js';
import { createCommitQueue } from '../catalogue.commits.js';
import { damagedStore } from '../data-dir.js';
import { writeFileDurably } from '../durable-file.js';
import type { PgPool } from './pool.js';

export const CATALOGUE_CHANNEL = 'crier_catalogue';
const SOURCE = 'PostgreSQL catalogue';
/** Deltas folded into the document once this many pile up after it: a start or a far-behind node reads at most these. */
export const COMPACT_AFTER = 500;

type Committed = { catalogue: Catalogue; version: number };
type Loaded = Committed & { documentVersion: number };
/** What a query can run on: the pool, or one client (tests). */
type Queryable = Pick<PgPool, 'query'>;

interface StoredRow {
  version: number;
  /** The version the document holds: a row written whole (migrate-to-pg, older code) has none, its document is at `version`. */
  document_version: number;
  /** Present only when asked for (the node is behind the document). */
  document: unknown;
  /** [version, delta] pairs after max(document_version, the asker's version), in order. */
  changes: [number, CatalogueDelta][];
}

/**
 * The row and the deltas after `since` in one statement (one snapshot: a compaction between two reads
 * could otherwise drop deltas the reader still needs). Null when nothing newer than `since` is stored.
 */
async function storedAfter(db: Queryable, since: number): Promise<StoredRow | null> {
  const { rows } = await db.query<StoredRow>(
    `SELECT c.version, coalesce(c.document_version, c.version) AS document_version,
            CASE WHEN coalesce(c.document_version, c.version) > $1 THEN c.document END AS document,
            coalesce((SELECT json_agg(json_build_array(ch.version, ch.delta) ORDER BY ch.version) FROM catalogue_changes ch
                       WHERE ch.version > greatest($1, coalesce(c.document_version, c.version)) AND ch.version <= c.version), '[]') AS changes
       FROM catalogue c WHERE c.id = 1 AND c.version > $1`,
    [since],
  );
  return rows[0] ?? null;
}

/** Every version from `from` + 1 to the row's is there, in order: else the store is damaged (a delta lost). */
function deltasOf(row: StoredRow, from: number): CatalogueDelta[] {
  const missing = row.changes.length !== row.version - from || row.changes.some(([v], i) => v !== from + 1 + i);
  if (missing) throw damagedStore(SOURCE, `版本 ${from + 1}–${row.version} 的变更不全 / the changes for versions ${from + 1}–${row.version} are incomplete`);
  return row.changes.map(([, delta]) => delta);
}

/** The whole stored catalogue (document and deltas), checked as a file is at start; null when none is stored. */
export async function loadPgCatalogue(db: Queryable): Promise<Loaded | null> {
  const row = await storedAfter(db, -1);
  if (!row) return null;
  const deltas = deltasOf(row, row.document_version);
  const json = deltas.length ? replayed(row.document as Record<string, unknown>, deltas) : row.document;
  return { version: row.version, documentVersion: row.document_version, catalogue: checkStored(SOURCE, json) };
}

export async function createPgCatalogueStore(pool: PgPool, hooks?: CatalogueHooks): Promise<CatalogueStore> {
  const stored = await loadPgCatalogue(pool);
  /** The document's version as this node last saw it: a commit far enough past it folds the deltas in. */
  let documentVersion = stored?.documentVersion ?? 0;
  let compacting: Promise<void> | null = null;

  /** The catalogue after commits elsewhere: this node's snapshot with the deltas since, or the whole when it is behind the document. */
  async function caughtUp(): Promise<Committed | null> {
    const base = commits.read();
    const since = commits.version();
    const row = await storedAfter(pool, since);
    if (!row) return null;
    documentVersion = Math.max(documentVersion, row.document_version);
    if (row.document !== null && row.document !== undefined) return loadPgCatalogue(pool);
    try {
      // Only the items the deltas name are validated; the rest stay the very objects they were.
      return { version: row.version, catalogue: settle(base, replayed(base as Record<string, unknown>, deltasOf(row, since)) as Catalogue).next };
    } catch (error) {
      throw damagedStore(SOURCE, (error as Error).message);
    }
  }

  function compact(next: Catalogue, version: number): void {
    if (compacting || version - documentVersion < COMPACT_AFTER) return;
    compacting = pool
      .query(
        // Conditional: a node with an older catalogue never folds over a newer document.
        `WITH doc AS (UPDATE catalogue SET document = $1::jsonb, document_version = $2
                       WHERE id = 1 AND coalesce(document_version, version) < $2 AND version >= $2 RETURNING 1)
         DELETE FROM catalogue_changes WHERE version <= $2 AND EXISTS (SELECT 1 FROM doc)`,
        [JSON.stringify(next), version],
      )
      .then(() => void (documentVersion = Math.max(documentVersion, version)))
      .catch(() => undefined) // tried again at a later commit
      .finally(() => (compacting = null));
  }

  const commits = createCommitQueue(
    stored ? { catalogue: stored.catalogue, version: stored.version } : { catalogue: emptyCatalogue(), version: 0 },
    {
      write: async (next, baseVersion, delta) => {
        // A fold in flight finishes first (once in COMPACT_AFTER commits), so each is done before the next can start.
        await compacting;
        const written = await write(pool, next, baseVersion, delta);
        if (written !== null) compact(next, written);
        return written;
      },
      latest: async () => (await caughtUp()) ?? { catalogue: commits.read() as Catalogue, version: commits.version() },
    },
    hooks,
  );
  return {
    isNew: stored === null,
    read: commits.read,
    version: commits.version,
    update: commits.update,
    async sync() {
      const newer = await caughtUp();
      return newer !== null && commits.adopt(newer);
    },
    backupTo: (target) => writeFileDurably(target, JSON.stringify(commits.read(), null, 2)),
  };
}

/** One statement, so one transaction: written and announced only if nobody committed since `baseVersion`. */
async function write(pool: PgPool, next: Catalogue, baseVersion: number, delta: CatalogueDelta): Promise<number | null> {
  // The first commit writes the whole document; every later one only its delta.
  const notify = `SELECT version, pg_notify('${CATALOGUE_CHANNEL}', version::text) FROM written`;
  const { rows } =
    baseVersion === 0
      ? await pool.query<{ version: number }>(
          `WITH written AS (INSERT INTO catalogue (id, version, document, document_version) VALUES (1, 1, $1::jsonb, 1) ON CONFLICT (id) DO NOTHING RETURNING version) ${notify}`,
          [JSON.stringify(next)],
        )
      : await pool.query<{ version: number }>(
          `WITH bumped AS (UPDATE catalogue SET version = version + 1, committed_at = now() WHERE id = 1 AND version = $2 RETURNING version),
                written AS (INSERT INTO catalogue_changes (version, delta) SELECT version, $1::jsonb FROM bumped RETURNING version) ${notify}`,
          [JSON.stringify(delta), baseVersion],
        );
  return rows[0]?.version ?? null;
}
