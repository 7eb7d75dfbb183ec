// How fast `npm run migrate:pg` moves an embedded data dir into PostgreSQL: a data dir made by the app,
// PLAYS plays on 10 screens written through the real SQLite ingest (chained and rolled up), then moved
// three times, each into a fresh database, rows/s as the median of the three; then the whole range
// exported as a chain export from each store (lines/s, and how far the heap grew meanwhile).
// `npm run bench -- migrate-pg[:PLAYS]` (default 200,000); needs CRIER_BENCH_DATABASE_URL or CRIER_TEST_DATABASE_URL.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { PlayRecord } from '../../player/protocol.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { DEFAULT_TIME_ZONE } from '../../playlists/wall-clock.js';
import { chainExportLines } from '../../server/proof/chain.export.js';
import { EXPORT_PAGE_ROWS, openSqliteExportReader } from '../../server/storage/airing.export.js';
import { migrateToPg } from '../../server/storage/migrate-to-pg.js';
import { openPgExportReader } from '../../server/storage/pg/airing.export.pg.js';
import { openPgPool } from '../../server/storage/pg/pool.js';
import { withDatabase } from './pg-database.js';
import { quantile } from './stats.js';
import { withTempDir } from './temp-dir.js';

export async function benchMigratePg(plays = '200000'): Promise<void> {
  const total = Number(plays);
  if (!Number.isInteger(total) || total < 1) throw new Error(`migrate-pg:PLAYS wants a positive whole number, not ${plays}`);
  const adminUrl = process.env.CRIER_BENCH_DATABASE_URL ?? process.env.CRIER_TEST_DATABASE_URL;
  if (!adminUrl) return void console.log('migrate-pg: skipped, set CRIER_BENCH_DATABASE_URL or CRIER_TEST_DATABASE_URL (a role that may CREATE DATABASE)');
  await withTempDir(async (dataDir) => {
    const app = await buildApp({ ...loadConfig({}), dataDir, logLevel: 'silent' }, { logger: false });
    await app.close();
    const log = createAiringLog(dataDir);
    // A 20-second loop on each screen, ending now: large runs span several month partitions.
    const start = Date.now() - (total / 10) * 20_000;
    for (let written = 0; written < total; written += 5000) {
      await Promise.all(Array.from({ length: 10 }, (_, s) => {
        const records = Array.from({ length: Math.min(500, Math.ceil((total - written) / 10)) }, (_, k): PlayRecord => {
          const at = start + (written / 10 + k) * 20_000 + s;
          return { id: randomUUID(), itemId: 'i', mediaId: 'm', hash: 'a'.repeat(64), manifestVersion: 'v', startedAt: new Date(at).toISOString(), endedAt: new Date(at + 19_000).toISOString(), completed: true };
        });
        return log.recordPlays(`scr-${s}`, false, records);
      }));
    }
    await log.close();
    const { size } = await stat(path.join(dataDir, 'airing.sqlite3'));
    const dayOf = (ms: number) => new Date(ms).toLocaleDateString('sv-SE', { timeZone: DEFAULT_TIME_ZONE });
    const [fromDay, toDay] = [dayOf(start - 86_400_000), dayOf(Date.now() + 86_400_000)];
    const rates: number[] = [];
    const totals: number[] = [];
    const exports = { embedded: [] as number[], postgres: [] as number[] };
    let peakHeap = 0;
    for (let round = 0; round < 3; round++) {
      await withDatabase(adminUrl, async (url) => {
        const summary = await migrateToPg({ dataDir, databaseUrl: url });
        const copied = summary.tables.find((t) => t.table === 'plays')!;
        rates.push((copied.source * 1000) / copied.ms);
        totals.push(summary.ms);
        // The whole range as one chain export, from each store: lines/s, and the heap it took.
        const pool = openPgPool(url, { max: 1 });
        for (const [kind, open] of [['embedded', async () => openSqliteExportReader(dataDir)], ['postgres', () => openPgExportReader(pool)]] as const) {
          const reader = await open();
          const began = performance.now();
          const heapBefore = process.memoryUsage().heapUsed;
          let lines = 0;
          for await (const _line of chainExportLines(reader, { fromDay, toDay, timeZone: DEFAULT_TIME_ZONE, now: new Date() })) {
            if (++lines % 10_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - heapBefore);
          }
          exports[kind].push((lines * 1000) / (performance.now() - began));
          await reader.close();
        }
        await pool.end();
      });
    }
    const median = (xs: number[]) => quantile(xs, 0.5);
    console.log(
      `migrate:pg, ${total.toLocaleString('en')} plays (airing.sqlite3 ${(size / 1e6).toFixed(0)} MB): plays copied at median ${Math.round(median(rates)).toLocaleString('en')} rows/s; ` +
        `whole run with checks (counts, every chain verified on the target) median ${(median(totals) / 1000).toFixed(1)} s (3 runs)`,
    );
    console.log(
      `chain export of all ${total.toLocaleString('en')} plays: SQLite median ${Math.round(median(exports.embedded)).toLocaleString('en')} lines/s, ` +
        `PostgreSQL (cursor, ${EXPORT_PAGE_ROWS} a page) median ${Math.round(median(exports.postgres)).toLocaleString('en')} lines/s; the heap grew by at most ${(peakHeap / 1e6).toFixed(0)} MB during an export (garbage included)`,
    );
  });
}
