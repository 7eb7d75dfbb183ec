// A one-way move of an embedded data dir (catalogue.json with its journal, and the SQLite stores) into an empty
// PostgreSQL database, for a county that grows into a city and must keep its history. Refuses a source
// that is not a complete, stopped data dir and a target that already holds Crier data; marks the
// target before the first row and finishes the mark after the last check (pg/migration-marker.ts), so
// a run that stops half-way leaves a database that the server refuses and a second run from the same
// data dir continues: each table is copied in a fixed order in batches that commit in turn, so what a
// stopped run left is the first N rows of each table; the next run skips tables already whole and
// continues the others after their Nth row, and the checks at the end run as always.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { usernameClashes } from './username-key.js';
import { checkDataDir, StoreError } from './data-dir.js';
import { readEmbeddedCatalogue } from './catalogue.store.js';
import { createAiringQueries } from './airing.reports.js';
import { createMonthPartitions, createPgAiringReports, monthOf } from './pg/airing.pg.js';
import { migrate } from './pg/migrate.js';
import { readMigrationMark, type MigrationMark } from './pg/migration-marker.js';
import { closePgPool, openPgPool, type PgClient, type PgPool } from './pg/pool.js';
import { CRIER_TABLES, insertStatement, TABLES, type TableCopy } from './migrate-to-pg.tables.js';

/** The stores a data dir must hold to be moved; reports.sqlite3 came later and may be absent (nothing to copy then). */
const REQUIRED = ['catalogue.json', 'accounts.sqlite3', 'audit.sqlite3', 'airing.sqlite3', 'pairing.sqlite3'];
export const DEFAULT_BATCH_ROWS = 5000;

export interface MigrateOptions {
  dataDir: string;
  databaseUrl: string;
  batchRows?: number;
  /** One progress line at a time (stdout in the command). */
  log?: (line: string) => void;
}

export interface TableSummary {
  table: string;
  label: string;
  source: number;
  target: number;
  ms: number;
}

export interface MigrateSummary {
  tables: TableSummary[];
  catalogueVersion: number;
  chain: { ok: boolean; checked: number; message?: string };
  ms: number;
}

/** Refused before anything was written: the message says why, Chinese then English. */
export class MigrateRefused extends Error {
  override name = 'MigrateRefused';
}

/** Copied, but the target does not answer as the source: the mark stays unfinished. */
export class MigrateCheckFailed extends Error {
  override name = 'MigrateCheckFailed';
}

export async function migrateToPg(options: MigrateOptions): Promise<MigrateSummary> {
  const log = options.log ?? (() => undefined);
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const started = Date.now();
  const catalogue = await checkSource(options.dataDir);
  const pool = openPgPool(options.databaseUrl, { max: 2 });
  const sources = new Map<string, Database.Database>();
  try {
    const source = path.resolve(options.dataDir);
    const { applied, resuming } = await prepareTarget(pool, source);
    if (resuming) log(`继续 ${resuming.startedAt.toISOString()} 开始的未完成迁移 / continuing the unfinished migration started ${resuming.startedAt.toISOString()}`);
    else log(`目标数据库结构已建立 / schema created in the target (${applied.length} migrations)`);
    if (!resuming) await pool.query('INSERT INTO embedded_migration (source) VALUES ($1)', [source]);

    const open = (file: string) => {
      let db = sources.get(file);
      if (!db) (db = new Database(path.join(options.dataDir, file), { readonly: true, fileMustExist: true })), sources.set(file, db);
      return db;
    };
    // Already there when continuing (the check at the end compares it with the source either way).
    await pool.query('INSERT INTO catalogue (id, version, document) VALUES (1, 1, $1::jsonb) ON CONFLICT (id) DO NOTHING', [JSON.stringify(catalogue)]);
    log('目录已复制 / catalogue copied (screens, media, playlists, schedules, register)');

    const client = await pool.connect();
    const tables: TableSummary[] = [];
    try {
      // Each batch commits on its own without waiting for the disk: the last step's commit (the mark) flushes them all.
      await client.query('SET synchronous_commit = off');
      const airing = open('airing.sqlite3');
      await createMonthPartitions(pool, playMonths(airing));
      for (const t of TABLES) {
        if (!existsSync(path.join(options.dataDir, t.file))) continue;
        tables.push(await copyTable(open(t.file), client, t, batchRows, log));
      }
    } finally {
      // The mark's commit below must wait for the disk, whichever pooled connection makes it.
      await client.query('RESET synchronous_commit').catch(() => undefined);
      client.release();
    }

    // Planner statistics now, not whenever autovacuum gets round to the new partitions: a proof read on a
    // just-moved week without them was planned badly (bench: 266 ms median against 48-50 ms).
    await pool.query('ANALYZE');
    log('已更新查询统计 / planner statistics gathered (ANALYZE)');
    log('正在核对条数和每块屏幕的哈希链 / checking counts and every screen\'s hash chain …');
    const chain = await checkTarget(pool, tables, catalogue, open('airing.sqlite3'));
    const summary: MigrateSummary = { tables, catalogueVersion: 1, chain, ms: Date.now() - started };
    await pool.query('UPDATE embedded_migration SET finished_at = now(), summary = $1::jsonb WHERE id = 1', [JSON.stringify(summary)]);
    return summary;
  } finally {
    for (const db of sources.values()) db.close();
    await closePgPool(pool);
  }
}

/** A complete, stopped data dir, and its catalogue (checked as the server checks it at start). */
async function checkSource(dataDir: string): Promise<unknown> {
  try {
    return await checkSourceStores(dataDir);
  } catch (error) {
    throw error instanceof StoreError ? new MigrateRefused(error.message) : error;
  }
}

async function checkSourceStores(dataDir: string): Promise<unknown> {
  const { isFirstStart, wasUncleanStop } = await checkDataDir(dataDir);
  const missing = REQUIRED.filter((name) => !existsSync(path.join(dataDir, name)));
  if (isFirstStart || missing.length) {
    throw new MigrateRefused(
      `${dataDir} 不是完整的 Crier 数据目录（缺少 ${missing.join('、') || '全部存储'}），未迁移任何数据 / ` +
        `${dataDir} is not a complete Crier data dir (missing ${missing.join(', ') || 'every store'}): nothing was migrated`,
    );
  }
  if (wasUncleanStop) {
    throw new MigrateRefused(
      `数据目录 ${dataDir} 上的服务器正在运行，或上次没有正常停止（有 running.json）：请先停止服务器（断电后则正常启动一次再停止），再迁移 / ` +
        `a server is running on ${dataDir}, or did not stop cleanly (running.json is there): stop it first (after a power cut, start and stop it once), then migrate`,
    );
  }
  refuseUsernameClashes(dataDir);
  // Snapshot and journal together, checked as the server checks them at start.
  return readEmbeddedCatalogue(dataDir);
}

/** Accounts whose names one store kept apart and PostgreSQL would take as one (username-key.ts): named before anything is copied. */
function refuseUsernameClashes(dataDir: string): void {
  const db = new Database(path.join(dataDir, 'accounts.sqlite3'), { readonly: true, fileMustExist: true });
  let clashes: string[][];
  try {
    clashes = usernameClashes((db.prepare('SELECT username FROM users ORDER BY rowid').all() as { username: string }[]).map((r) => r.username));
  } finally {
    db.close();
  }
  if (clashes.length === 0) return;
  const named = clashes.map((group) => group.join(' / ')).join('; ');
  throw new MigrateRefused(
    `这些账号名只差大小写或全角/半角，PostgreSQL 中会被视为同一账号：${named}；请先在原服务器上删除或重建其中一个，未迁移任何数据 / ` +
      `these account names differ only in case or width and would be one account in PostgreSQL: ${named}; delete or recreate one of each on the embedded server first: nothing was migrated`,
  );
}

/** An empty target gets the schema (or one this data dir's unfinished run left is continued); nothing is written yet, so any failure here is a refusal. */
async function prepareTarget(pool: PgPool, source: string): Promise<{ applied: string[]; resuming: MigrationMark | null }> {
  try {
    const mark = await readMigrationMark(pool);
    const resuming = mark && !mark.finishedAt && mark.source === source ? mark : null;
    if (!resuming) await checkTargetEmpty(pool, source);
    return { applied: await migrate(pool), resuming };
  } catch (error) {
    if (error instanceof MigrateRefused) throw error;
    const why = (error as Error).message;
    throw new MigrateRefused(`无法使用目标数据库（${why}），未写入任何数据 / cannot use the target database (${why}): nothing was written`);
  }
}

/** Refuses a database with any Crier row in it, or with the mark of an earlier run (an unfinished one from another data dir). */
async function checkTargetEmpty(pool: PgPool, source: string): Promise<void> {
  const mark = await readMigrationMark(pool);
  if (mark && !mark.finishedAt) {
    throw new MigrateRefused(
      `这个数据库里有一次从 ${mark.source} 开始的未完成的迁移，不是从 ${source}：用 --data-dir ${mark.source} 继续它，或删除并重新创建这个数据库 / ` +
        `this database holds an unfinished migration from ${mark.source}, not from ${source}: continue it with --data-dir ${mark.source}, or drop and create the database again`,
    );
  }
  if (mark) {
    throw new MigrateRefused(
      `目标数据库已在 ${mark.finishedAt!.toISOString()} 从 ${mark.source} 迁移过，未再写入 / the target database was already migrated into from ${mark.source} at ${mark.finishedAt!.toISOString()}: nothing was written`,
    );
  }
  const { rows } = await pool.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1::text[])', [[...CRIER_TABLES]]);
  const held: string[] = [];
  for (const { name } of rows) if ((await pool.query(`SELECT 1 FROM ${name} LIMIT 1`)).rowCount) held.push(name);
  if (held.length) {
    throw new MigrateRefused(
      `目标数据库已有 Crier 数据（${held.join('、')}），未写入任何数据；请指定一个空数据库（CREATE DATABASE …）/ ` +
        `the target database already holds Crier data (${held.join(', ')}): nothing was written; give an empty database (CREATE DATABASE …)`,
    );
  }
}

/** The UTC months the plays start in, so their partitions exist before the first batch. */
function playMonths(airing: Database.Database): number[] {
  const bounds = airing.prepare('SELECT min(started_at) AS lo, max(started_at) AS hi FROM plays').get() as { lo: number | null; hi: number | null };
  if (bounds.lo === null || bounds.hi === null) return [];
  const months: number[] = [];
  for (let m = monthOf(bounds.lo); m <= monthOf(bounds.hi); m++) months.push(m);
  return months;
}

/**
 * One table in batches: SQLite read while the previous batch is written (one insert in flight). Batches
 * commit in source order, so a target holding N rows holds the first N: a table already whole is
 * skipped, and one a stopped run left part-way continues after its Nth row (checked to be there).
 */
async function copyTable(source: Database.Database, client: PgClient, t: TableCopy, batchRows: number, log: (line: string) => void): Promise<TableSummary> {
  const started = Date.now();
  const total = (source.prepare(`SELECT count(*) AS n FROM ${t.table}`).get() as { n: number }).n;
  const done = (await client.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${t.table}`)).rows[0]!.n;
  const columns = `SELECT ${t.columns.map((c) => c.source ?? c.name).join(', ')} FROM ${t.table} ORDER BY ${t.orderBy}`;
  if (done > 0) await checkPrefix(source, client, t, columns, done, total);
  if (done === total) {
    if (done > 0) log(`${t.label}: ${total.toLocaleString('en')} 行已在上次复制 / rows already copied by the last run`);
    if (t.after) await client.query(t.after);
    return { table: t.table, label: t.label, source: total, target: 0, ms: 0 };
  }
  if (done > 0) log(`${t.label}: 从第 ${(done + 1).toLocaleString('en')} 行继续 / continuing after row ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`);
  const sql = insertStatement(t);
  const select = source.prepare(`${columns} LIMIT -1 OFFSET ?`).raw().bind(done);
  let copied = done;
  let lastReport = Date.now();
  let inFlight: Promise<unknown> = Promise.resolve();
  let batch: unknown[][] = [];
  const send = async () => {
    const columns = t.columns.map((c, i) => batch.map((row) => (c.from ? c.from(row[i]) : row[i])));
    const rows = batch.length;
    batch = [];
    await inFlight;
    inFlight = client.query(sql, columns).then(() => {
      copied += rows;
      if (Date.now() - lastReport >= 2000) {
        lastReport = Date.now();
        log(`  ${t.label}: ${copied.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.floor((copied * 100) / Math.max(total, 1))}%)`);
      }
    });
    void inFlight.catch(() => undefined); // awaited (and thrown) at the next batch or the end
  };
  for (const row of select.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= batchRows) await send();
  }
  if (batch.length) await send();
  await inFlight;
  if (t.after) await client.query(t.after);
  const ms = Date.now() - started;
  const rate = copied - done; // this run's rows
  log(`${t.label}: ${copied.toLocaleString('en')} 行 rows, ${(ms / 1000).toFixed(1)} s${rate && ms ? `, ${Math.round((rate * 1000) / ms).toLocaleString('en')} 行/秒 rows/s` : ''}`);
  return { table: t.table, label: t.label, source: total, target: 0, ms };
}

/** A target holding `done` rows of a table must hold the source's first `done`: its last one is looked up by its first column. */
async function checkPrefix(source: Database.Database, client: PgClient, t: TableCopy, columns: string, done: number, total: number): Promise<void> {
  const last = done <= total ? (source.prepare(`${columns} LIMIT 1 OFFSET ?`).raw().get(done - 1) as unknown[] | undefined) : undefined;
  const [first] = t.columns;
  const value = last && first ? (first.from ? first.from(last[0]) : last[0]) : undefined;
  const found = value === undefined ? 0 : (await client.query(`SELECT 1 FROM ${t.table} WHERE ${first!.name} = $1 LIMIT 1`, [value])).rowCount;
  if (!found) {
    throw new MigrateCheckFailed(
      `目标库的 ${t.table} 有 ${done} 行，与源数据的前 ${done} 行不符（源数据在两次运行之间变了？）；请删除并重新创建目标数据库，再迁移 / ` +
        `the target's ${t.table} holds ${done} rows that are not the source's first ${done} (did the source change between runs?): drop and create the target database, then migrate again`,
    );
  }
}

/** Counts, the catalogue, the chain heads, and every screen's chain verified on the target. */
async function checkTarget(pool: PgPool, tables: TableSummary[], catalogue: unknown, airing: Database.Database) {
  for (const t of tables) t.target = (await pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${t.table}`)).rows[0]!.n;
  const ids = (await pool.query<{ n: number }>('SELECT count(*) AS n FROM play_ids')).rows[0]!.n;
  const wrong = tables.filter((t) => t.source !== t.target).map((t) => `${t.table} ${t.source} → ${t.target}`);
  const plays = tables.find((t) => t.table === 'plays');
  if (plays && ids !== plays.source) wrong.push(`play_ids ${plays.source} → ${ids}`);
  if (wrong.length) throw new MigrateCheckFailed(`条数不一致 / counts differ: ${wrong.join('; ')}`);
  const stored = (await pool.query<{ document: unknown }>('SELECT document FROM catalogue WHERE id = 1')).rows[0]?.document;
  if (!isDeepStrictEqual(stored, catalogue)) throw new MigrateCheckFailed('目录与源数据不一致 / the catalogue differs from the source');
  const heads = (await pool.query('SELECT screen_id, seq, hash FROM chain_heads ORDER BY screen_id COLLATE "C"')).rows;
  if (!isDeepStrictEqual(heads, airing.prepare('SELECT screen_id, seq, hash FROM chain_heads ORDER BY screen_id').all())) {
    throw new MigrateCheckFailed('哈希链末端与源数据不一致 / the chain heads differ from the source');
  }
  const verdict = await createPgAiringReports(pool).verifyChain();
  if (verdict.ok) return { ok: true, checked: verdict.checked };
  // A chain broken in the source is copied faithfully, break and all: said, not hidden, and not a failed copy.
  const before = await createAiringQueries(airing, 'UTC').verifyChain();
  if (!isDeepStrictEqual(before, verdict)) throw new MigrateCheckFailed(`目标库的哈希链校验失败 / the chain check failed on the target: ${JSON.stringify(verdict.firstBad)}`);
  return { ok: false, checked: verdict.checked, message: JSON.stringify(verdict.firstBad) };
}
