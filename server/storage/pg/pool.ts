// The PostgreSQL connection pool every PG store shares (one per process), from CRIER_DATABASE_URL.
import pg from 'pg';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

const INT8 = 20;

/** bigint columns hold epoch milliseconds and counts, all far below 2^53: read them as numbers, not strings. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Each pool's connections not yet closed (closePgPool waits for them). */
const openClients = new WeakMap<PgPool, Set<pg.PoolClient>>();

export function openPgPool(url: string, options: { max?: number } = {}): PgPool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types, application_name: 'crier' });
  const clients = new Set<pg.PoolClient>();
  openClients.set(pool, clients);
  pool.on('connect', (client) => {
    clients.add(client);
    client.once('end', () => clients.delete(client));
  });
  // An idle client losing its server (restart, failover) must not crash the process: the pool drops it and the next query reconnects.
  pool.on('error', (error) => console.error(`PostgreSQL 空闲连接出错 / idle PostgreSQL connection failed: ${error.message}`));
  // Nor one lost while checked out between two queries (a transaction awaiting its own work): the pool
  // listens only to idle clients, and an 'error' nobody listens to ends the process. The caller's next
  // query on it fails instead, and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Ends the pool and waits until the server has let each of its connections go. pool.end() resolves
 * as soon as it has asked them to end, while their backends are still there (pg_stat_activity shows
 * them): a DROP DATABASE … WITH (FORCE) made then killed them mid-goodbye, and the pool logged "idle
 * PostgreSQL connection failed" for a connection it had already closed.
 */
export async function closePgPool(pool: PgPool): Promise<void> {
  await pool.end();
  const closing = [...(openClients.get(pool) ?? [])].map((client) => new Promise((resolve) => client.once('end', resolve)));
  await Promise.all(closing);
}

/** Runs `work` in one transaction on one client: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: PgPool, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
