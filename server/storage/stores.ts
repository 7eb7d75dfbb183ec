// Every store of the server, opened from configuration in this one place: the embedded files in the
// data dir by default, PostgreSQL for all of them when CRIER_DATABASE_URL is set. Media files stay on
// disk either way. app.ts calls openStores once; nothing else chooses an implementation.
import type { Config } from '../config.js';
import { createTokenStore, type TokenStore } from '../pairing/token.store.js';
import { createAccountsStore, type AccountsStore } from './accounts.store.js';
import { openSqliteExportReader, type AiringExportReader } from './airing.export.js';
import { createAiringReports, type AiringReports } from './airing.reports.js';
import { createAiringLog, type AiringLog, type AiringLogOptions } from './airing.store.js';
import { createAuditStore, type AuditStore } from './audit.store.js';
import { createCatalogueStore, type CatalogueHooks, type CatalogueStore } from './catalogue.store.js';
import { StoreError } from './data-dir.js';
import { createPgAccountsStore, reconcileUsernameKeys } from './pg/accounts.pg.js';
import { createPgAuditStore } from './pg/audit.pg.js';
import { listenForCommits } from './pg/catalogue.listen.js';
import { createPgCatalogueStore } from './pg/catalogue.pg.js';
import { createPgAiringLog, createPgAiringReports } from './pg/airing.pg.js';
import { openPgExportReader } from './pg/airing.export.pg.js';
import { migrate } from './pg/migrate.js';
import { assertNoUnfinishedMigration } from './pg/migration-marker.js';
import { closePgPool, openPgPool, type PgPool } from './pg/pool.js';
import { createPgReportsStore } from './pg/reports.pg.js';
import { createPgTokenStore } from './pg/tokens.pg.js';
import { createReportsStore, type ReportsStore } from './reports.store.js';

export interface Stores {
  kind: 'embedded' | 'postgres';
  /** Shared by every PostgreSQL store; null when embedded. */
  pool: PgPool | null;
  accounts: AccountsStore;
  audit: AuditStore;
  tokens: TokenStore;
  reports: ReportsStore;
  /** The catalogue opens later than the rest: its hooks come from the accounts (who made each commit). */
  openCatalogue(hooks?: CatalogueHooks): Promise<CatalogueStore>;
  /** The airing log (plays, heartbeats, rollups, chains), its read-only reports, and a reader per chain export. */
  openAiring(options: AiringLogOptions): Promise<{ log: AiringLog; reports: AiringReports; openExport: () => Promise<AiringExportReader> }>;
  /**
   * Other nodes' commits reach this one (PostgreSQL: LISTEN/NOTIFY): the catalogue syncs, and when it
   * changed, `onSynced` runs as after a local change. Embedded: nobody else writes, nothing to follow.
   */
  followCatalogue(catalogue: CatalogueStore, onSynced: () => void): Promise<void>;
  /** Stops following and ends the PostgreSQL pool; each store's own close() is called by its owner before this. */
  close(): Promise<void>;
}

/** Chain exports read at once from PostgreSQL per node; another waits for one to finish. */
export const EXPORT_CONNECTIONS = 4;

export type StoresConfig = Pick<Config, 'dataDir' | 'databaseUrl' | 'catalogueJournalBytes'>;

export interface StoresLog {
  info(message: string): void;
  warn(message: string): void;
}
const SILENT: StoresLog = { info: () => undefined, warn: () => undefined };

export async function openStores(config: StoresConfig, log: StoresLog = SILENT): Promise<Stores> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, log) : openEmbedded(config, log);
}

async function openPostgres(url: string, log: StoresLog): Promise<Stores> {
  const pool = openPgPool(url);
  let tokens: TokenStore;
  try {
    const applied = await migrate(pool);
    if (applied.length) log.info(`已执行数据库迁移 / database migrations applied: ${applied.join(', ')}`);
    await assertNoUnfinishedMigration(pool);
    await reconcileUsernameKeys(pool, log.warn.bind(log));
    tokens = await createPgTokenStore(pool, log.warn.bind(log));
  } catch (error) {
    await closePgPool(pool).catch(() => undefined);
    throw error instanceof StoreError ? error : unreachable(url, error);
  }
  const listeners: { close(): Promise<void> }[] = [];
  // Exports hold a connection for as long as a download lasts: a pool of their own, so slow downloads never starve play writes.
  let exportPool: PgPool | null = null;
  return {
    kind: 'postgres',
    pool,
    accounts: createPgAccountsStore(pool),
    audit: createPgAuditStore(pool),
    tokens,
    reports: createPgReportsStore(pool),
    openCatalogue: (hooks) => createPgCatalogueStore(pool, hooks),
    openAiring: async (options) => ({ log: await createPgAiringLog(pool, options), reports: createPgAiringReports(pool, options), openExport: () => openPgExportReader((exportPool ??= openPgPool(url, { max: EXPORT_CONNECTIONS }))) }),
    async followCatalogue(catalogue, onSynced) {
      // One sync at a time; a notification of a version this node already has costs nothing.
      let syncing = Promise.resolve();
      const onCommit = (version: number) => {
        if (version <= catalogue.version()) return;
        syncing = syncing
          .then(async () => {
            if (await catalogue.sync()) onSynced();
          })
          .catch((error: Error) => log.warn(`目录同步失败 / catalogue sync failed: ${error.message}`));
      };
      const listener = listenForCommits(url, onCommit, log.warn.bind(log));
      listeners.push(listener);
      await listener.ready;
      // A commit made between opening the catalogue and listening would otherwise go unnoticed.
      onCommit(Number.POSITIVE_INFINITY);
    },
    async close() {
      await Promise.all(listeners.map((l) => l.close()));
      if (exportPool) await closePgPool(exportPool);
      await closePgPool(pool);
    },
  };
}

/** One line naming the database (never its password) and why it could not be opened. */
function unreachable(url: string, error: unknown): StoreError {
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  const why = (error as Error).message;
  return new StoreError(`无法打开 PostgreSQL 数据库 ${shown.href}（${why}），服务器未启动 / cannot open the PostgreSQL database ${shown.href} (${why}): the server did not start`);
}

function openEmbedded({ dataDir, catalogueJournalBytes }: StoresConfig, log: StoresLog): Stores {
  return {
    kind: 'embedded',
    pool: null,
    accounts: createAccountsStore(dataDir),
    audit: createAuditStore(dataDir),
    tokens: createTokenStore(dataDir),
    reports: createReportsStore(dataDir),
    openCatalogue: (hooks) => createCatalogueStore(dataDir, hooks, { limitBytes: catalogueJournalBytes, warn: (message) => log.warn(message) }),
    followCatalogue: async () => undefined,
    // The log creates the file the read-only reports connection opens.
    openAiring: async (options) => {
      const log = createAiringLog(dataDir, options);
      return { log, reports: createAiringReports(dataDir, options), openExport: async () => openSqliteExportReader(dataDir) };
    },
    close: async () => undefined,
  };
}
