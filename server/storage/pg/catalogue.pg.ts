// The catalogue in PostgreSQL: one row holding the document (jsonb) and a version that counts commits.
// Each node keeps the snapshot in memory as the file store does (read() stays synchronous); a commit
// is one conditional UPDATE (version = the one this node built on), so nodes never overwrite each
// other: the loser reloads and applies its change again (catalogue.commits.ts). Every commit NOTIFYs
// its version, so other nodes know to sync (catalogue.listen.ts).
import { emptyCatalogue, type Catalogue } from '../../../playlists/catalogue.schema.js';
import { checkStored, type CatalogueHooks, type CatalogueStore } from '../catalogue.store.js';
import { createCommitQueue } from '../catalogue.commits.js';
import { writeFileDurably } from '../durable-file.js';
import type { PgPool } from './pool.js';

export const CATALOGUE_CHANNEL = 'crier_catalogue';
const SOURCE = 'PostgreSQL catalogue';

type Committed = { catalogue: Catalogue; version: number };

export async function createPgCatalogueStore(pool: PgPool, hooks?: CatalogueHooks): Promise<CatalogueStore> {
  const stored = await newerThan(pool, -1);
  const commits = createCommitQueue(
    stored ?? { catalogue: emptyCatalogue(), version: 0 },
    {
      write: (next, baseVersion) => write(pool, next, baseVersion),
      latest: async () => (await newerThan(pool, -1)) ?? { catalogue: emptyCatalogue(), version: 0 },
    },
    hooks,
  );
  return {
    isNew: stored === null,
    read: commits.read,
    version: commits.version,
    update: commits.update,
    async sync() {
      const newer = await newerThan(pool, commits.version());
      return newer !== null && commits.adopt(newer);
    },
    backupTo: (target) => writeFileDurably(target, JSON.stringify(commits.read(), null, 2)),
  };
}

/** The stored catalogue if its version is above `version`; checked like a file at start (schema and cross-references). */
async function newerThan(pool: PgPool, version: number): Promise<Committed | null> {
  const { rows } = await pool.query<{ version: number; document: unknown }>('SELECT version, document FROM catalogue WHERE id = 1 AND version > $1', [version]);
  const row = rows[0];
  return row ? { version: row.version, catalogue: checkStored(SOURCE, row.document) } : null;
}

/** One statement, so one transaction: written and announced only if nobody committed since `baseVersion`. */
async function write(pool: PgPool, next: Catalogue, baseVersion: number): Promise<number | null> {
  const document = JSON.stringify(next);
  const change =
    baseVersion === 0
      ? 'INSERT INTO catalogue (id, version, document) VALUES (1, 1, $1::jsonb) ON CONFLICT (id) DO NOTHING RETURNING version'
      : 'UPDATE catalogue SET version = version + 1, document = $1::jsonb, committed_at = now() WHERE id = 1 AND version = $2 RETURNING version';
  const { rows } = await pool.query<{ version: number }>(
    `WITH written AS (${change}) SELECT version, pg_notify('${CATALOGUE_CHANNEL}', version::text) FROM written`,
    baseVersion === 0 ? [document] : [document, baseVersion],
  );
  return rows[0]?.version ?? null;
}
