// The airing log's contract tests run on both implementations (test/stores.ts's forEachStore): the
// SQLite file and PostgreSQL. `raw` reaches the tables behind the store's back (to tamper, or look),
// with SQL both understand ("?" placeholders become $1, $2 … on PostgreSQL).
import Database from 'better-sqlite3';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Test } from 'tap';
import type { AiringReports } from '../server/storage/airing.reports.js';
import type { AiringLog, AiringLogOptions } from '../server/storage/airing.store.js';
import { openPgPool } from '../server/storage/pg/pool.js';
import { openStores } from '../server/storage/stores.js';
import { closeAll, createTestDatabase, forEachStore, pgSkipReason, type StoreBackend } from './stores.js';

export interface OpenAiring {
  log: AiringLog;
  reports: AiringReports;
  /** The log, its reports and the stores, in that order (also done at teardown). */
  close(): Promise<void>;
}

export interface RawAiring {
  run(sql: string, ...params: unknown[]): Promise<void>;
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
}

export interface AiringBackend extends StoreBackend {
  /** Opens the airing log as app.ts does (stores.openAiring); call again to reopen after close(). */
  openAiring(options?: AiringLogOptions): Promise<OpenAiring>;
  /** The tables directly; closed at teardown. */
  raw(): Promise<RawAiring>;
  /** Empties the airing log (with its log closed), for a property test's next run. */
  reset(): Promise<void>;
}

function airingBackend(t: Test, backend: StoreBackend): AiringBackend {
  return {
    ...backend,
    async openAiring(options = {}) {
      const stores = await openStores({ dataDir: backend.dataDir, databaseUrl: backend.databaseUrl });
      const { log, reports } = await stores.openAiring(options);
      let closing: Promise<void> | null = null;
      const close = () =>
        (closing ??= (async () => {
          await log.close();
          await reports.close();
          await closeAll(stores);
        })());
      t.teardown(close);
      return { log, reports, close };
    },
    async reset() {
      if (backend.kind === 'embedded') {
        for (const suffix of ['', '-wal', '-shm']) await rm(path.join(backend.dataDir, `airing.sqlite3${suffix}`), { force: true });
        return;
      }
      const pool = openPgPool(backend.databaseUrl!, { max: 1 });
      try {
        await pool.query('TRUNCATE plays, play_ids, rollups, chain_heads, chain_anchors, online_intervals, heartbeat_health').catch((error: { code?: string }) => {
          if (error.code !== '42P01') throw error; // not migrated yet: nothing to empty
        });
      } finally {
        await pool.end();
      }
    },
    async raw() {
      if (backend.kind === 'embedded') {
        const db = new Database(path.join(backend.dataDir, 'airing.sqlite3'));
        t.teardown(() => db.close());
        return {
          async run(sql, ...params) {
            db.prepare(sql).run(...params);
          },
          async all<T>(sql: string, ...params: unknown[]) {
            return db.prepare(sql).all(...params) as T[];
          },
        };
      }
      // The store's pool settings: bigint columns read as numbers, as the store reads them.
      const client = openPgPool(backend.databaseUrl!, { max: 1 });
      t.teardown(() => client.end());
      let n = 0;
      const numbered = (sql: string) => ((n = 0), sql.replace(/\?/g, () => `$${++n}`));
      return {
        async run(sql, ...params) {
          await client.query(numbered(sql), params);
        },
        async all<T>(sql: string, ...params: unknown[]) {
          return (await client.query(numbered(sql), params)).rows as T[];
        },
      };
    },
  };
}

/** `body` once per airing log implementation (PostgreSQL skipped, with the reason, when not configured). */
export function forEachAiringStore(t: Test, name: string, body: (t: Test, backend: AiringBackend) => Promise<void>): void {
  forEachStore(t, name, (t, backend) => body(t, airingBackend(t, backend)));
}

/** `body` on PostgreSQL only (what the SQLite file has no counterpart for); skipped with the reason when not configured. */
export function onPostgres(t: Test, name: string, body: (t: Test, backend: AiringBackend) => Promise<void>): void {
  void t.test(name, { skip: pgSkipReason() }, async (t) => {
    const backend: StoreBackend = { kind: 'postgres', dataDir: t.testdir(), databaseUrl: await createTestDatabase(t), open: () => Promise.reject(new Error('not used')) };
    await body(t, airingBackend(t, backend));
  });
}
