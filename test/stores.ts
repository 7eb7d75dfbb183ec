// Store contract tests run against every implementation: embedded (the data dir's files) always, and
// PostgreSQL when CRIER_TEST_DATABASE_URL names a server a test may create databases on. Each PG test
// gets a database of its own (crier_t_<random>), dropped when it ends. Without the URL the PG variant
// skips with the reason, unless CRIER_REQUIRE_SERVICES=1 (CI), where that is a failure.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Test } from 'tap';
import { CATALOGUE_FILE, freshJournal, JOURNAL_FILE, readStoredFiles } from '../server/storage/catalogue.journal.js';
import { loadPgCatalogue } from '../server/storage/pg/catalogue.pg.js';
import { openStores, type Stores } from '../server/storage/stores.js';

export type StoreKind = 'embedded' | 'postgres';

export interface StoreBackend {
  kind: StoreKind;
  dataDir: string;
  /** Set for PostgreSQL: the test's own database. */
  databaseUrl: string | undefined;
  /** Opens every store as the app would (server/storage/stores.ts); closed when the test ends. Call again to reopen. */
  open(): Promise<Stores>;
}

/** Why the PostgreSQL variant cannot run here, or false when it can. Throws under CRIER_REQUIRE_SERVICES=1. */
export function pgSkipReason(): string | false {
  if (process.env.CRIER_TEST_DATABASE_URL) return false;
  if (process.env.CRIER_REQUIRE_SERVICES === '1') {
    throw new Error('CRIER_REQUIRE_SERVICES=1 but CRIER_TEST_DATABASE_URL is not set: start PostgreSQL and point it at a role that may CREATE DATABASE');
  }
  return 'PostgreSQL not configured: set CRIER_TEST_DATABASE_URL (e.g. postgres://crier:crier@127.0.0.1:5432/crier) to run this against it';
}

/** A fresh, empty database for this test on CRIER_TEST_DATABASE_URL's server; dropped at teardown. */
export async function createTestDatabase(t: Test): Promise<string> {
  const adminUrl = process.env.CRIER_TEST_DATABASE_URL!;
  const name = `crier_t_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  // FORCE: a pool a failed test left open must not keep the database alive.
  t.teardown(() => dropTestDatabase(adminUrl, name));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

async function backend(t: Test, kind: StoreKind): Promise<StoreBackend> {
  const dataDir = t.testdir();
  const databaseUrl = kind === 'postgres' ? await createTestDatabase(t) : undefined;
  return {
    kind,
    dataDir,
    databaseUrl,
    async open() {
      const stores = await openStores({ dataDir, databaseUrl });
      t.teardown(() => closeAll(stores));
      return stores;
    },
  };
}

/** Closes what openStores opened, the way app.ts does: each store, then the pool. Safe to call twice. */
export async function closeAll(stores: Stores): Promise<void> {
  const s = stores as Stores & { closed?: boolean };
  if (s.closed) return;
  s.closed = true;
  for (const store of [stores.accounts, stores.audit, stores.tokens, stores.reports]) store.close();
  await stores.close();
}

/** Runs `body` as two subtests, one per implementation (PostgreSQL skipped, with the reason, when not configured). */
export function forEachStore(t: Test, name: string, body: (t: Test, backend: StoreBackend) => Promise<void>): void {
  void t.test(`${name} [embedded]`, async (t) => body(t, await backend(t, 'embedded')));
  const skip = pgSkipReason();
  void t.test(`${name} [PostgreSQL]`, { skip }, async (t) => body(t, await backend(t, 'postgres')));
}

/** The catalogue as stored (file text, or the row's document), for checks that a refused change left it alone. */
export async function storedCatalogue(backend: StoreBackend): Promise<unknown> {
  // Embedded: the snapshot with its journal replayed (server/storage/catalogue.journal.ts).
  if (backend.kind === 'embedded') return (await readStoredFiles(backend.dataDir)).json;
  // PostgreSQL: the document with the deltas after it (server/storage/pg/catalogue.pg.ts).
  return withClient(backend.databaseUrl!, async (client) => (await loadPgCatalogue(client))?.catalogue ?? null);
}

/** Overwrites the stored catalogue behind the store's back (damage, or another node's hand). */
export async function overwriteCatalogue(backend: StoreBackend, text: string): Promise<void> {
  if (backend.kind === 'embedded') {
    // A new snapshot and a journal that continues it with nothing after, as a restore would leave them.
    await writeFile(path.join(backend.dataDir, CATALOGUE_FILE), text);
    return writeFile(path.join(backend.dataDir, JOURNAL_FILE), freshJournal(text));
  }
  // The document becomes the whole catalogue at the new version (no deltas after it).
  await withClient(backend.databaseUrl!, (client) => client.query('UPDATE catalogue SET document = $1::jsonb, version = version + 1, document_version = NULL WHERE id = 1', [text]));
}

/**
 * Drops a test database. An autovacuum worker busy in it (after a test that wrote many rows) is a backend FORCE
 * may not end as a role that is not a superuser (42501, "must be a member of the role whose process is being
 * terminated"); it finishes or is cancelled within moments, so the drop is tried again.
 */
async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
