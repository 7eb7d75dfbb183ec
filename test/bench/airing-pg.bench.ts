// npm run bench -- airing-pg: acknowledged play records per second, the airing log on PostgreSQL
// against the embedded SQLite file, in one run (rounds alternate, so the machine's noise falls on both
// alike); medians. Both chain, roll up and make each batch durable before it resolves. PostgreSQL is
// CRIER_BENCH_DATABASE_URL or CRIER_TEST_DATABASE_URL: the bench makes a database of its own there
// and drops it after.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { PlayRecord } from '../../player/protocol.js';
import { createAiringLog, type AiringLog } from '../../server/storage/airing.store.js';
import { openStores } from '../../server/storage/stores.js';
import { fmt, median } from './stats.js';
import { withDatabase } from './pg-database.js';
import { withTempDir } from './temp-dir.js';

const ROUNDS = 7;
const SHAPES = [[200, 1], [200, 10], [50, 500]] as const;

const record = (): PlayRecord => ({
  id: randomUUID(), itemId: 'i', mediaId: 'm', hash: 'a'.repeat(64), manifestVersion: 'v',
  startedAt: new Date(Date.now() - 5000).toISOString(), endedAt: new Date().toISOString(), completed: true,
});

export async function benchAiringPg(): Promise<void> {
  const adminUrl = process.env.CRIER_BENCH_DATABASE_URL ?? process.env.CRIER_TEST_DATABASE_URL;
  if (!adminUrl) return void console.log('airing-pg: skipped, set CRIER_BENCH_DATABASE_URL or CRIER_TEST_DATABASE_URL (a role that may CREATE DATABASE)');
  await withTempDir((dir) =>
    withDatabase(adminUrl, async (databaseUrl) => {
      const sqlite = createAiringLog(path.join(dir, 'sqlite'));
      const stores = await openStores({ dataDir: path.join(dir, 'pg'), databaseUrl });
      const { log: postgres, reports } = await stores.openAiring({});
      const logs: Record<'SQLite' | 'PostgreSQL', AiringLog> = { SQLite: sqlite, PostgreSQL: postgres };
      for (const [batches, size] of SHAPES) {
        const rates = { SQLite: [] as number[], PostgreSQL: [] as number[] };
        for (let round = 0; round < ROUNDS; round++) {
          for (const kind of ['SQLite', 'PostgreSQL'] as const) {
            // One batch per player message, many players at once (a screen each): the group commit shares the flushes.
            const work = Array.from({ length: batches }, (_, i) => ({ screenId: `scr-${i}`, records: Array.from({ length: size }, record) }));
            const start = performance.now();
            await Promise.all(work.map((w) => logs[kind].recordPlays(w.screenId, false, w.records)));
            rates[kind].push((batches * size) / ((performance.now() - start) / 1000));
          }
        }
        const s = median(rates.SQLite);
        const p = median(rates.PostgreSQL);
        console.log(`airing-pg: ${batches} concurrent batches of ${size}, durable (median of ${ROUNDS}): PostgreSQL ${Math.round(p).toLocaleString('en')} records/s, SQLite ${Math.round(s).toLocaleString('en')} records/s, ratio ${(p / s).toFixed(2)}`);
      }
      const alone = { SQLite: [] as number[], PostgreSQL: [] as number[] };
      for (let i = 0; i < 30; i++) {
        for (const kind of ['SQLite', 'PostgreSQL'] as const) {
          const start = performance.now();
          await logs[kind].recordPlays('scr-alone', false, [record()]);
          alone[kind].push(performance.now() - start);
        }
      }
      console.log(`airing-pg: one batch alone, time to durable (median of 30): PostgreSQL ${fmt(median(alone.PostgreSQL))}, SQLite ${fmt(median(alone.SQLite))}`);
      const verified = await reports.verifyChain();
      console.log(`airing-pg: PostgreSQL chain check after the run: ${verified.ok ? 'intact' : 'BROKEN'}, ${verified.checked.toLocaleString('en')} records`);
      await sqlite.close();
      await postgres.close();
      await reports.close();
      await stores.close();
    }),
  );
}
