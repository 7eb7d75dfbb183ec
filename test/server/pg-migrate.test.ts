// Migrations on a real PostgreSQL: applied once however many nodes start together, in order, each
// all or nothing. Skips without CRIER_TEST_DATABASE_URL (fails under CRIER_REQUIRE_SERVICES=1).
import { readFile } from 'node:fs/promises';
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { createPgAiringLog, createPgAiringReports } from '../../server/storage/pg/airing.pg.js';
import { listMigrations, migrate, MIGRATIONS_DIR } from '../../server/storage/pg/migrate.js';
import { openPgPool } from '../../server/storage/pg/pool.js';
import { createTestDatabase, pgSkipReason } from '../stores.js';

const skip = pgSkipReason();

t.test('three nodes starting together migrate once; a later start applies nothing', { skip }, async (t) => {
  const url = await createTestDatabase(t);
  const pools = [openPgPool(url), openPgPool(url), openPgPool(url)];
  t.teardown(() => Promise.all(pools.map((p) => p.end())));
  const all = (await listMigrations()).map((m) => m.name);
  t.ok(all.length >= 5, 'the repository ships migrations');
  const applied = await Promise.all(pools.map((p) => migrate(p)));
  t.same(applied.flat().sort(), all, 'each migration applied by exactly one node');
  const { rows } = await pools[0]!.query<{ version: number; n: number }>('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version');
  t.same(rows.map((r) => r.n), all.map(() => 1), 'recorded once each');
  t.same(await migrate(pools[1]!), [], 'nothing left at the next start');
  const tables = await pools[0]!.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
  const made = tables.rows.map((r) => r.tablename);
  for (const table of ['catalogue', 'users', 'sessions', 'audit', 'device_tokens', 'police_figures', 'weekly_reports']) t.ok(made.includes(table), `table ${table}`);
});

t.test('a failing migration is rolled back, named, and stops the start; earlier ones stay', { skip }, async (t) => {
  const url = await createTestDatabase(t);
  const pool = openPgPool(url);
  t.teardown(() => pool.end());
  const dir = t.testdir({
    '001_first.sql': 'CREATE TABLE first_one (id int);',
    '002_broken.sql': 'CREATE TABLE half_made (id int); SELECT no_such_function();',
  });
  await t.rejects(migrate(pool, dir), { name: 'MigrationError', message: /迁移 002_broken\.sql 失败.*migration 002_broken\.sql failed/ });
  const made = await pool.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  t.same(made.rows.map((r) => r.tablename), ['first_one', 'schema_migrations'], 'no half-made table');
  const { rows } = await pool.query<{ name: string }>('SELECT name FROM schema_migrations');
  t.same(rows.map((r) => r.name), ['001_first.sql']);
});

t.test('migration files must be numbered NNN_name.sql, each number once', async (t) => {
  t.ok((await listMigrations(MIGRATIONS_DIR)).every((m, i, all) => i === 0 || m.version > all[i - 1]!.version), 'in order');
  await t.rejects(listMigrations(t.testdir({ 'first.sql': '' })), /NNN_name\.sql: first\.sql/);
  await t.rejects(listMigrations(t.testdir({ '001_a.sql': '', '001_b.sql': '' })), /two migrations share a number: 001_a\.sql, 001_b\.sql/);
});

t.test('migration 140 applies to a database holding plays: the day index covers seq, the old one is gone, screen-days answer as before', { skip }, async (t) => {
  const url = await createTestDatabase(t);
  const pool = openPgPool(url);
  t.teardown(() => pool.end());
  // The database as it stood before 140, with plays in two month partitions.
  const before = (await listMigrations()).filter((m) => m.version < 140);
  const dir = t.testdir(Object.fromEntries(await Promise.all(before.map(async (m) => [m.name, await readFile(m.file, 'utf8')]))));
  await migrate(pool, dir);
  const log = await createPgAiringLog(pool);
  const reports = createPgAiringReports(pool);
  const at = (iso: string, n: number) => new Date(Date.parse(iso) + n * 3_600_000).toISOString();
  const plays = (iso: string, prefix: string) => Array.from({ length: 5 }, (_, n): PlayRecord => ({
    id: `${prefix}${n}`, itemId: 'i1', mediaId: 'm1', hash: 'a'.repeat(64), manifestVersion: 'v1', startedAt: at(iso, n), endedAt: at(iso, n + 0.5), completed: true,
  }));
  await log.recordPlays('scr-a', false, [...plays('2026-01-31T00:00:00Z', 'jan'), ...plays('2026-02-01T00:00:00Z', 'feb')]);
  await log.flush();
  await log.close();
  const days = [Date.parse('2026-01-31T00:00:00Z'), Date.parse('2026-02-01T00:00:00Z')];
  const answers = async () => Promise.all(days.map((from) => reports.screenDay('scr-a', from, from + 86_400_000)));
  const old = await answers();
  t.same(old.map((d) => [d.plays.length, d.chain.ok]), [[5, true], [5, true]], 'each day: its five plays, chain sound');

  t.same(await migrate(pool), ['140_plays_by_screen_day.sql']);
  const indexes = await pool.query<{ tablename: string; indexdef: string }>(`SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN ('plays_2026_01', 'plays_2026_02')`);
  for (const month of ['plays_2026_01', 'plays_2026_02']) {
    const defs = indexes.rows.filter((r) => r.tablename === month).map((r) => r.indexdef.replace(/^.* USING btree /, ''));
    t.ok(defs.includes('(screen_id, started_at) INCLUDE (seq)'), `${month}: the day index covers seq`);
    t.notOk(defs.includes('(screen_id, started_at)'), `${month}: the index it replaces is gone`);
  }
  t.same(await answers(), old, 'the screen-days answer as before');
});
