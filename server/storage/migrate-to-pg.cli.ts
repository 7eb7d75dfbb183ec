// npm run migrate:pg -- --data-dir DIR --to postgres://USER:PASSWORD@HOST/DB [--batch N]
// Moves an embedded data dir into an empty PostgreSQL database (server/storage/migrate-to-pg.ts), with
// progress and a summary on stdout. Exits 0 when copied and checked, 1 when a copy or check failed
// (the target is marked unfinished), 2 when refused before writing anything (or on bad arguments).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_BATCH_ROWS, MigrateRefused, migrateToPg, type MigrateSummary } from './migrate-to-pg.js';

const USAGE = [
  '用法：npm run migrate:pg -- --data-dir 数据目录 --to postgres://用户:密码@主机/空数据库 [--batch 每批行数]',
  'Usage: npm run migrate:pg -- --data-dir DIR --to postgres://USER:PASSWORD@HOST/EMPTY_DB [--batch ROWS]',
];

const ArgsSchema = z.object({
  'data-dir': z.string().min(1),
  to: z.string().regex(/^postgres(ql)?:\/\//, '应为 postgres:// 地址 / must be a postgres:// URL'),
  batch: z.coerce.number().int().min(1).max(50_000).default(DEFAULT_BATCH_ROWS),
});

/** The URL as printed: never its password. */
const shown = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.href;
};

function printSummary(s: MigrateSummary, url: string, dataDir: string): void {
  const plays = s.tables.find((t) => t.table === 'plays');
  console.log('');
  console.log('迁移完成 / migration finished');
  for (const t of s.tables) console.log(`  ${t.table.padEnd(18)} ${String(t.source).padStart(12)} → ${String(t.target).padStart(12)}  ${t.label}`);
  console.log(`  用时 / took ${(s.ms / 1000).toFixed(1)} s${plays && plays.ms ? `; 播出记录 / plays ${Math.round((plays.source * 1000) / plays.ms).toLocaleString('en')} 行/秒 rows/s` : ''}`);
  console.log(
    s.chain.ok
      ? `  哈希链：每块屏幕都已在目标库校验通过（${s.chain.checked} 条）/ hash chains: every screen verified on the target (${s.chain.checked} records)`
      : `  注意：源数据的哈希链本来就有断点，已原样迁移 ${s.chain.message} / note: the source's chain was already broken and was copied as it is: ${s.chain.message}`,
  );
  console.log(`  下一步：CRIER_DATABASE_URL=${shown(url)} CRIER_DATA_DIR=${dataDir} npm start（素材仍在数据目录的 media/、originals/）`);
  console.log(`  next: CRIER_DATABASE_URL=${shown(url)} CRIER_DATA_DIR=${dataDir} npm start (media stays in the data dir's media/ and originals/)`);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, to: { type: 'string' }, batch: { type: 'string' } }, strict: true });
    parsed = ArgsSchema.safeParse(values);
  } catch (error) {
    console.log((error as Error).message);
  }
  if (!parsed?.success) {
    if (parsed) console.log(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    USAGE.forEach((l) => console.log(l));
    return 2;
  }
  const { 'data-dir': dataDir, to, batch } = parsed.data;
  console.log(`从 ${dataDir} 迁移到 ${shown(to)} / migrating ${dataDir} into ${shown(to)}`);
  try {
    printSummary(await migrateToPg({ dataDir, databaseUrl: to, batchRows: batch, log: (line) => console.log(line) }), to, dataDir);
    return 0;
  } catch (error) {
    if (error instanceof MigrateRefused) return console.log(error.message), 2;
    console.log(`迁移失败：${(error as Error).message}`);
    console.log(`migration failed: ${(error as Error).message}`);
    console.log('目标数据库已标记为未完成，服务器不会在它上面启动；请删除并重新创建它，再迁移一次 / the target is marked unfinished and no server will start on it: drop and create it again, then migrate again');
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
