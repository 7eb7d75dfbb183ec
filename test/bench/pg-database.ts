// A PostgreSQL database of a bench's own on the server `adminUrl` names (a role that may CREATE
// DATABASE), dropped afterwards whatever happens.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function withDatabase<T>(adminUrl: string, body: (url: string) => Promise<T>): Promise<T> {
  const name = `crier_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await body(url.href);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
