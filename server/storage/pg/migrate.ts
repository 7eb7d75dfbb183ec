// Schema migrations: numbered SQL files in ./migrations (NNN_name.sql), each applied once, in order,
// in its own transaction, recorded in schema_migrations. Under an advisory lock, so several nodes
// starting together migrate once and the others wait, then find nothing left to do.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgPool } from './pool.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Any fixed number: the key of the advisory lock (ASCII "crier" would not fit an int8 usefully). */
const MIGRATION_LOCK = 0x63726965;
const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  file: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const seen = new Map<number, string>();
  return names.map((name) => {
    const match = FILE_NAME.exec(name);
    if (!match) throw new MigrationError(`迁移文件名应为 NNN_名称.sql：${name} / a migration file must be named NNN_name.sql: ${name}`);
    const version = Number(match[1]);
    const other = seen.get(version);
    if (other) throw new MigrationError(`两个迁移文件编号相同：${other}、${name} / two migrations share a number: ${other}, ${name}`);
    seen.set(version, name);
    return { version, name, file: path.join(dir, name) };
  });
}

/** Applies the migrations not yet applied; returns the names it applied (none when another node did). */
export async function migrate(pool: PgPool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await listMigrations(dir);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((r) => r.version));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        const sql = await readFile(m.file, 'utf8');
        try {
          await client.query('BEGIN');
          await client.query(sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new MigrationError(`数据库迁移 ${m.name} 失败，已回滚（${(error as Error).message}）/ migration ${m.name} failed and was rolled back: ${(error as Error).message}`);
        }
        applied.push(m.name);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
  return applied;
}
