// npm run verify -- FILE            checks a chain export (JSON Lines)
// npm run verify -- --data-dir DIR  checks the live airing log, read-only (a running server may keep writing)
// Prints the verdict in Chinese, then English; exits 0 when intact, 1 on a break, 2 when it cannot check.
import Database from 'better-sqlite3';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createAiringQueries } from '../storage/airing.reports.js';
import { describeVerdict, verifyExportLines } from './chain.verify.js';

const USAGE = ['用法：npm run verify -- 文件.jsonl  或  npm run verify -- --data-dir 数据目录', 'Usage: npm run verify -- FILE.jsonl  or  npm run verify -- --data-dir DIR'];

async function linesOf(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

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
  if (args.length !== 1 || args[0]!.startsWith('--')) return print(USAGE), 2;
  if (!existsSync(args[0]!)) return print([`找不到文件 ${args[0]}`, `file not found: ${args[0]}`]), 2;
  const verdict = verifyExportLines(await linesOf(args[0]!));
  print(describeVerdict(verdict));
  return verdict.unreadable ? 2 : verdict.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
