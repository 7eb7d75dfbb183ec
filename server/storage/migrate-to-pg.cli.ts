// npm run migrate:pg -- --data-dir DIR --to postgres://USER:PASSWORD@HOST/DB [--batch N] [--media-to DIR] [--originals-to DIR]
// Moves an embedded data dir into an empty PostgreSQL database (server/storage/migrate-to-pg.ts), with
// progress and a summary on stdout; run again with the same data dir, it continues a run that stopped.
// --media-to / --originals-to copy the data dir's media files into the cluster's shared directories
// (server/storage/migrate-media.ts; also without --to, and again at any time: only what is missing).
// Exits 0 when copied and checked, 1 when a copy or check failed (the target is marked unfinished; run
// again to continue), 2 when refused before writing anything (or on bad arguments).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import path from 'node:path';
import { copyContentFiles } from './migrate-media.js';
import { DEFAULT_BATCH_ROWS, MigrateRefused, migrateToPg, type MigrateSummary } from './migrate-to-pg.js';

const USAGE = [
  '用法：npm run migrate:pg -- --data-dir 数据目录 [--to postgres://用户:密码@主机/空数据库] [--batch 每批行数] [--media-to 共享素材目录] [--originals-to 共享原件目录]',
  'Usage: npm run migrate:pg -- --data-dir DIR [--to postgres://USER:PASSWORD@HOST/EMPTY_DB] [--batch ROWS] [--media-to SHARED_MEDIA_DIR] [--originals-to SHARED_ORIGINALS_DIR]',
];

const ArgsSchema = z
  .object({
    'data-dir': z.string().min(1),
    to: z.string().regex(/^postgres(ql)?:\/\//, '应为 postgres:// 地址 / must be a postgres:// URL').optional(),
    batch: z.coerce.number().int().min(1).max(50_000).default(DEFAULT_BATCH_ROWS),
    'media-to': z.string().min(1).optional(),
    'originals-to': z.string().min(1).optional(),
  })
  .refine((a) => a.to || a['media-to'] || a['originals-to'], { message: '需要 --to、--media-to 或 --originals-to / give --to, --media-to or --originals-to', path: ['to'] });

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

/** The data dir's media/ and originals/ into the shared directories; 1 if a source file is damaged. */
async function copyMedia(dataDir: string, mediaTo: string | undefined, originalsTo: string | undefined): Promise<number> {
  let code = 0;
  for (const [what, name, to] of [['素材 / media', 'media', mediaTo], ['原件 / originals', 'originals', originalsTo]] as const) {
    if (!to) continue;
    const s = await copyContentFiles(path.join(dataDir, name), to, (line) => console.log(line));
    console.log(`${what} → ${to}: 复制 ${s.copied} 个（${(s.bytes / 1e6).toFixed(1)} MB），已有且校验一致 ${s.skipped} 个 / copied ${s.copied} (${(s.bytes / 1e6).toFixed(1)} MB), already there and verified ${s.skipped}`);
    if (s.damaged.length) {
      code = 1;
      console.log(`  这些源文件的内容与文件名（哈希）不符，未复制 / these source files do not match their name (hash) and were not copied: ${s.damaged.join(', ')}`);
    }
  }
  return code;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, to: { type: 'string' }, batch: { type: 'string' }, 'media-to': { type: 'string' }, 'originals-to': { type: 'string' } }, strict: true });
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
  try {
    if (to) {
      console.log(`从 ${dataDir} 迁移到 ${shown(to)} / migrating ${dataDir} into ${shown(to)}`);
      printSummary(await migrateToPg({ dataDir, databaseUrl: to, batchRows: batch, log: (line) => console.log(line) }), to, dataDir);
    }
    return await copyMedia(dataDir, parsed.data['media-to'], parsed.data['originals-to']);
  } catch (error) {
    if (error instanceof MigrateRefused) return console.log(error.message), 2;
    console.log(`迁移失败：${(error as Error).message}`);
    console.log(`migration failed: ${(error as Error).message}`);
    console.log(`目标数据库已标记为未完成，服务器不会在它上面启动；排除原因后用同一数据目录再运行一次即可继续 / the target is marked unfinished and no server will start on it: once the cause is fixed, run again with the same data dir to continue`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
