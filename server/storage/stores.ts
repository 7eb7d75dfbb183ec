// Every store of the server, opened from configuration in this one place: the embedded files in the
// data dir by default, PostgreSQL for all of them when CRIER_DATABASE_URL is set. Media files stay on
// disk either way. app.ts calls openStores once; nothing else chooses an implementation.
import type { Config } from '../config.js';
import { createTokenStore, type TokenStore } from '../pairing/token.store.js';
import { createAccountsStore, type AccountsStore } from './accounts.store.js';
import { createAiringReports, type AiringReports } from './airing.reports.js';
import { createAiringLog, type AiringLog, type AiringLogOptions } from './airing.store.js';
import { createAuditStore, type AuditStore } from './audit.store.js';
import { createCatalogueStore, type CatalogueHooks, type CatalogueStore } from './catalogue.store.js';
import { StoreError } from './data-dir.js';
import { createPgAiringLog, createPgAiringReports } from './pg/airing.pg.js';
import { migrate } from './pg/migrate.js';
import { openPgPool, type PgPool } from './pg/pool.js';
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
  /** The airing log (plays, heartbeats, rollups, chains) and its read-only reports. */
  openAiring(options: AiringLogOptions): Promise<{ log: AiringLog; reports: AiringReports }>;
  /** Ends the PostgreSQL pool; each store's own close() is called by its owner before this. */
  close(): Promise<void>;
}

export type StoresConfig = Pick<Config, 'dataDir' | 'databaseUrl'>;

export async function openStores(config: StoresConfig, log?: { info(msg: string): void }): Promise<Stores> {
  if (!config.databaseUrl) return openEmbedded(config.dataDir);
  const pool = openPgPool(config.databaseUrl);
  try {
    const applied = await migrate(pool);
    if (applied.length) log?.info(`已执行数据库迁移 / database migrations applied: ${applied.join(', ')}`);
    // Not yet on PostgreSQL: these stay embedded in the data dir until their PG versions land.
    const embedded = openEmbedded(config.dataDir);
    const openAiring = async (options: AiringLogOptions) => ({ log: await createPgAiringLog(pool, options), reports: createPgAiringReports(pool, options) });
    return { ...embedded, kind: 'postgres', pool, openAiring, close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw unreachable(config.databaseUrl, error);
  }
}

/** One line naming the database (never its password) and why it could not be opened. */
function unreachable(url: string, error: unknown): StoreError {
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  const why = (error as Error).message;
  return new StoreError(`无法打开 PostgreSQL 数据库 ${shown.href}（${why}），服务器未启动 / cannot open the PostgreSQL database ${shown.href} (${why}): the server did not start`);
}

function openEmbedded(dataDir: string): Stores {
  return {
    kind: 'embedded',
    pool: null,
    accounts: createAccountsStore(dataDir),
    audit: createAuditStore(dataDir),
    tokens: createTokenStore(dataDir),
    reports: createReportsStore(dataDir),
    openCatalogue: (hooks) => createCatalogueStore(dataDir, hooks),
    // The log creates the file the read-only reports connection opens.
    openAiring: async (options) => {
      const log = createAiringLog(dataDir, options);
      return { log, reports: createAiringReports(dataDir, options) };
    },
    close: async () => undefined,
  };
}
