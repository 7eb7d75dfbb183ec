// What thousands of players or pollers would multiply (issue 14): the modes of first hellos after an
// upgrade are written together, not one commit and one republish per hello; /healthz asks the disk at
// most every two seconds however often it is polled.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { DISK_STATE_MAX_AGE_MS } from '../../server/routes/health.routes.js';
import { helloPlayer, sleep, startTestServer } from '../helper.js';

t.test('first hellos after an upgrade write their modes together', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { catalogue, publisher } = app.crier;
  const now = new Date().toISOString();
  // Screens from before modes were kept (legacy, claimed before pairing): none has a mode yet.
  await catalogue.update((draft) => {
    for (let i = 0; i < 12; i++) draft.screens.push({ id: `old-${i}`, name: `旧屏 ${i}`, isProvisional: false, groups: [], createdAt: now });
  });
  const versionBefore = catalogue.version();
  const passesBefore = publisher.stats.passes;
  // Spread over about two seconds, as a fleet's reconnects are: more than a commit apart each.
  for (let i = 0; i < 12; i++) {
    await helloPlayer(t, wsUrl, { screenId: `old-${i}`, mode: i % 2 ? 'audio' : 'screen' });
    await sleep(150);
  }
  await sleep(2500);
  const screens = catalogue.read().screens.filter((s) => s.id.startsWith('old-'));
  t.same(screens.map((s) => s.mode), screens.map((_, i) => (i % 2 ? 'audio' : 'screen')), 'every mode is kept');
  const commits = catalogue.version() - versionBefore;
  t.ok(commits <= 4, `twelve hellos, ${commits} commits (one each before)`);
  t.ok(publisher.stats.passes - passesBefore <= 4, `and ${publisher.stats.passes - passesBefore} publish passes`);
  const again = catalogue.version();
  await helloPlayer(t, wsUrl, { screenId: 'old-1', mode: 'audio' });
  await sleep(1500);
  t.equal(catalogue.version(), again, 'a hello with the mode already kept writes nothing');
});

t.test('/healthz asks the disk at most every two seconds', async (t) => {
  const dataDir = t.testdir();
  const { app } = await startTestServer(t, { dataDir });
  const disk = async () => (await app.inject('/healthz')).json().disk as { freeBytes: number };
  const first = await disk();
  await writeFile(path.join(dataDir, 'filler.bin'), Buffer.alloc(16 << 20, 1));
  t.equal((await disk()).freeBytes, first.freeBytes, 'polled again at once: the figure from a moment ago');
  await sleep(DISK_STATE_MAX_AGE_MS + 200);
  t.not((await disk()).freeBytes, first.freeBytes, 'a little later the disk is asked again');
});
