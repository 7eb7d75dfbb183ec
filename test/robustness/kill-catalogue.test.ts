// Catalogue writes killed mid-way (issue 13): a child process changes the catalogue in a loop and is
// SIGKILLed at a random moment, again and again, on the same data dir. Every change it was told was
// written is there afterwards, the files are whole (the next start accepts them), and nothing else is
// lost. The writer compacts its journal every few changes, so kills land in snapshots too (issue 14).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { readEmbeddedCatalogue } from '../../server/storage/catalogue.store.js';
import { figure, size, writeAndKill } from './driver.js';

t.test('a catalogue writer killed mid-write, again and again, loses no change it confirmed', async (t) => {
  const dataDir = path.join(t.testdir(), 'data');
  const kills = size(1, 30);
  const confirmed: number[] = [];
  for (let round = 0; round < kills; round++) {
    confirmed.push(...(await writeAndKill('test/fixtures/catalogue-writer.ts', dataDir, 1000 * (round + 1), 400)));
  }
  const app = await buildApp({ ...loadConfig({}), dataDir, logLevel: 'silent', adminPassword: 'test-admin-password', scryptLogN: 10, stationQuietHours: null }, { logger: false });
  t.teardown(() => app.close());
  const ids = new Set(app.crier.catalogue.read().playlists.map((p) => p.id));
  const lost = confirmed.filter((n) => !ids.has(`kill-${n}`));
  t.same(lost, [], `every confirmed change survived (${confirmed.length} confirmed)`);
  t.ok(app.crier.catalogue.read().playlists.some((p) => p.id === app.crier.catalogue.read().defaultPlaylistId), 'the rest of the catalogue is there');
  JSON.parse(await readFile(path.join(dataDir, 'catalogue.json'), 'utf8'));
  t.pass('catalogue.json is whole JSON');
  const onDisk = await readEmbeddedCatalogue(dataDir);
  t.equal(onDisk?.playlists.length, ids.size, 'catalogue.json with its journal holds every playlist');
  figure(t, `catalogue writes killed mid-way: ${kills} kills, ${confirmed.length} confirmed changes, ${lost.length} lost; the next start accepted the file each time`);
});
