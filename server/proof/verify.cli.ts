// npm run verify -- FILE            checks a chain export (JSON Lines)
// npm run verify -- --data-dir DIR  checks the live airing log, read-only (a running server may keep writing)
// npm run verify -- --database-url [URL]  checks the live airing log on PostgreSQL (URL default: CRIER_DATABASE_URL)
// Prints the verdict in Chinese, then English; exits 0 when intact, 1 on a break, 2 when it cannot check.
import Database from 'better-sqlite3';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createAiringQueries } from '../storage/airing.reports.js';
import { createPgAiringReports } from '../storage/pg/airing.pg.js';
import { closePgPool, openPgPool } from '../storage/pg/pool.js';
import { describeVerdict, verifyExportStream } from './chain.verify.js';

const USAGE = [
  '用法：npm run verify -- 文件.jsonl  或  npm run verify -- --data-dir 数据目录  或  npm run verify -- --database-url [PostgreSQL 地址]',
  'Usage: npm run verify -- FILE.jsonl  or  npm run verify -- --data-dir DIR  or  npm run verify -- --database-url [URL]',
];

async function main(args: string[]): Promise<number> {
  const print = (lines: readonly string[]) => lines.forEach((l) => console.log(l));
  if (args[0] === '--data-dir' && args[1]) {
    const file = path.join(args[1], 'airing.sqlite3');
    if (!existsSync(file)) return print([`找不到 ${file}`, `${file} not found`]), 2;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const verdict = await createAiringQueries(db, 'UTC').verifyChain();
      print(describeVerdict(verdict));
      return verdict.ok ? 0 : 1;
    } finally {
      db.close();
    }
  }
  if (args[0] === '--database-url') {
    const url = args[1] ?? process.env.CRIER_DATABASE_URL;
    if (!url) return print(['未给出 PostgreSQL 地址，也未设置 CRIER_DATABASE_URL', 'no PostgreSQL URL given and CRIER_DATABASE_URL is not set']), 2;
    const pool = openPgPool(url, { max: 1 });
    try {
      const verdict = await createPgAiringReports(pool).verifyChain();
      print(describeVerdict(verdict));
      return verdict.ok ? 0 : 1;
    } catch (error) {
      return print([`无法检查 PostgreSQL 中的播出记录：${(error as Error).message}`, `cannot check the airing log in PostgreSQL: ${(error as Error).message}`]), 2;
    } finally {
      await closePgPool(pool);
    }
  }
  if (args.length !== 1 || args[0]!.startsWith('--')) return print(USAGE), 2;
  if (!existsSync(args[0]!)) return print([`找不到文件 ${args[0]}`, `file not found: ${args[0]}`]), 2;
  // Line by line: an export of a month of a county is larger than memory.
  const verdict = await verifyExportStream(createInterface({ input: createReadStream(args[0]!), crlfDelay: Infinity }));
  print(describeVerdict(verdict));
  return verdict.unreadable ? 2 : verdict.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
