// What a start of the server imports. The libraries only some requests need load at their first use
// (spreadsheets, PDF, the speech engine, Redis for a node of several): they took ~1.2 s of each start
// (and of each test process that builds an app) before. Whether they still work once loaded is what the
// reports, register, police-figure, speech and cluster tests show.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { nodeCommand } from '../node-command.js';

const run = promisify(execFile);
const LOADED_AT_FIRST_USE = ['exceljs', 'pdfkit', 'fontkit', 'pinyin-pro', '@echogarden/espeak-ng-emscripten', 'ioredis'];

t.test('the server module loads without the spreadsheet, PDF, speech and Redis libraries', async (t) => {
  const { stdout } = await run(...nodeCommand(['--import', 'tsx', 'test/fixtures/loaded-packages.ts', 'server/app.ts']));
  const loaded = JSON.parse(stdout) as string[];
  // The list sees both kinds of import: avvio only through require (fastify's own), file-type only as an ES module.
  t.ok(loaded.includes('avvio') && loaded.includes('file-type'), 'packages the server needs at once are listed');
  t.same(loaded.filter((name) => LOADED_AT_FIRST_USE.includes(name)), [], 'none of them is loaded');
});
