// Start-up checks cost what the last stop calls for: SQLite stores larger than FULL_CHECK_MAX_BYTES are
// read in full (quick_check, ~2 s per million plays) only after an unclean stop, which the run marker
// shows; after a clean stop their header and length are checked. The real server keeps the marker.
import { cp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { checkDataDir, RUNNING_MARKER } from '../../server/storage/data-dir.js';
import { runServer, startServer } from '../fixtures/child-server.js';
import { buildTestApp } from '../helper.js';

t.setTimeout(180_000);
const work = t.testdir({});
const used = path.join(work, 'used');
const copy = async (name: string) => {
  const dir = path.join(work, name);
  await cp(used, dir, { recursive: true });
  return dir;
};
/** Every store counts as large: the cheap check is what runs after a clean stop. */
const asLarge = { fullCheckMaxBytes: 0 };

t.before(async () => {
  const app = await buildTestApp(t, { dataDir: used });
  await app.close();
});

t.test('a page overwritten inside a large store: found after an unclean stop, trusted after a clean one', async (t) => {
  const dir = await copy('overwritten');
  const file = path.join(dir, 'accounts.sqlite3');
  const bytes = await readFile(file);
  const pageSize = bytes.readUInt16BE(16);
  t.ok(bytes.length >= 3 * pageSize, 'a second page to damage');
  await writeFile(file, Buffer.from(bytes).fill(0x5a, pageSize, 2 * pageSize));

  t.same(await checkDataDir(dir, [], asLarge), { isFirstStart: false, wasUncleanStop: false }, 'clean stop: header and length only');
  await writeFile(path.join(dir, RUNNING_MARKER), '{}');
  await t.rejects(checkDataDir(dir, [], asLarge), /accounts\.sqlite3.*(quick_check|malformed)/, 'unclean stop: read in full');
  await rm(path.join(dir, RUNNING_MARKER));
  await t.rejects(checkDataDir(dir, [], { fullCheckMaxBytes: Infinity }), /accounts\.sqlite3/, 'and a small store always is, after a clean stop too');
});

t.test('a large store cut short is refused after a clean stop too, from its header', async (t) => {
  const dir = await copy('truncated');
  const file = path.join(dir, 'airing.sqlite3');
  const head = await readFile(file);
  const pageSize = head.readUInt16BE(16);
  const { size } = await stat(file);
  t.ok(size >= 2 * pageSize, 'more than one page');
  await truncate(file, size - pageSize); // a whole page gone: the file still looks like pages
  await t.rejects(checkDataDir(dir, [], asLarge), /airing\.sqlite3.*header says/);
  t.same(await checkDataDir(await copy('intact'), [], asLarge), { isFirstStart: false, wasUncleanStop: false }, 'an intact copy passes');
});

t.test('the real server marks its run, clears the mark on SIGTERM, keeps it after SIGKILL and says so at the next start', async (t) => {
  const dir = await copy('server');
  const marker = path.join(dir, RUNNING_MARKER);
  const first = await startServer(t, dir);
  t.match(JSON.parse(await readFile(marker, 'utf8')), { pid: first.process.pid }, 'marked while it runs');
  t.equal(await first.stop(), 0, 'a clean stop');
  t.notOk(await stat(marker).catch(() => null), 'the mark is gone');

  const second = await startServer(t, dir);
  second.process.kill('SIGKILL');
  await new Promise((resolve) => second.process.once('exit', resolve));
  t.ok(await stat(marker), 'a killed server leaves its mark');

  const third = await runServer(dir);
  t.equal(third.code, null, `it starts: ${third.stderr}`);
  t.match(third.stdout, /上次运行未正常停止.*every database was checked in full/);
  await third.child?.stop();
});
