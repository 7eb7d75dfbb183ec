// On PostgreSQL the data dir keeps only what the database does not (media, originals, report files,
// and stores not yet moved): the start check neither demands nor inspects the stores the database keeps.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { checkDataDir, STORES, STORES_MANIFEST, storesInDataDir } from '../../server/storage/data-dir.js';

const onPostgres = STORES.filter((s) => s.onPostgres).map((s) => s.name);

t.test('a data dir that held the catalogue and accounts: refused embedded, fine on PostgreSQL', async (t) => {
  t.same(onPostgres, ['catalogue.json', 'catalogue.journal', 'accounts.sqlite3', 'audit.sqlite3', 'airing.sqlite3', 'pairing.sqlite3', 'reports.sqlite3']);
  const dir = t.testdir({ media: {}, [STORES_MANIFEST]: JSON.stringify({ stores: ['catalogue.json', 'accounts.sqlite3', 'media'] }) });
  await t.rejects(checkDataDir(dir), /catalogue\.json.*accounts\.sqlite3/, 'embedded: the missing stores stop the start');
  t.same(await checkDataDir(dir, [], { onPostgres: true }), { isFirstStart: false, wasUncleanStop: false }, 'PostgreSQL keeps them');
  // A damaged leftover of the embedded days is not the database's business either.
  await writeFile(path.join(dir, 'accounts.sqlite3'), 'not a database');
  t.same(await checkDataDir(dir, [], { onPostgres: true }), { isFirstStart: false, wasUncleanStop: false });
  await t.rejects(checkDataDir(dir), /accounts\.sqlite3/);
});

t.test('on PostgreSQL the media dir is still demanded', async (t) => {
  const dir = t.testdir({ [STORES_MANIFEST]: JSON.stringify({ stores: ['catalogue.json', 'media'] }), originals: {} });
  await mkdir(path.join(dir, 'reports'));
  await t.rejects(checkDataDir(dir, [], { onPostgres: true }), /media.*CRIER_RECREATE_STORES=media/);
  t.ok(storesInDataDir({ onPostgres: true }).some((s) => s.name === 'media'));
});
