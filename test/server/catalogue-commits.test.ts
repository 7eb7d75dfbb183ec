// A catalogue change costs in proportion to what it changes (issue 14): a commit keeps every unchanged
// item as the very object it was (so the audit diff and caches compare by reference), and claims of
// different codes share commits instead of queueing behind each other; the same code stays one at a time.
import t from 'tap';
import { createCatalogueStore } from '../../server/storage/catalogue.store.js';
import { placeSite } from '../register.fixtures.js';
import { helloPlayer, startTestServer } from '../helper.js';

t.test('a commit shares what it did not change with the catalogue before it', async (t) => {
  const store = await createCatalogueStore(t.testdir());
  const now = new Date().toISOString();
  await store.update((draft) => {
    for (let i = 0; i < 50; i++) draft.screens.push({ id: `s-${i}`, name: `屏幕 ${i}`, isProvisional: false, groups: [], createdAt: now });
  });
  const before = store.read();
  await store.update((draft) => {
    draft.screens.find((s) => s.id === 's-7')!.name = '改名';
  });
  const after = store.read();
  t.equal(after.screens.find((s) => s.id === 's-7')!.name, '改名');
  t.not(after.screens[7], before.screens[7], 'the changed screen is a new object');
  t.ok(after.screens.every((s, i) => i === 7 || s === before.screens[i]), 'every other screen is the same object as before');
  t.equal(after.media, before.media, 'an untouched list is the same array');
  t.equal(after.playlists, before.playlists);
  t.not(after.screens, before.screens, 'the changed list is a new array');
  await store.update((draft) => {
    draft.screens.find((s) => s.id === 's-8')!.name = '屏幕 8';
  });
  t.equal(store.read().screens, after.screens, 'a change that changes nothing keeps even the list');
});

t.test('claims of different codes share commits; the audit still names each screen', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const siteId = await placeSite(app, '城关镇', '政府大厅', '机关');
  const players = await Promise.all(Array.from({ length: 6 }, () => helloPlayer(t, wsUrl)));
  const { catalogue } = app.crier;
  const versionBefore = catalogue.version();
  const answers = await Promise.all(
    players.map(({ welcome }, i) => app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: `屏幕 ${i}`, siteId } })),
  );
  t.same(answers.map((a) => a.statusCode), [200, 200, 200, 200, 200, 200], 'every claim succeeds');
  const commits = catalogue.version() - versionBefore;
  t.ok(commits < players.length, `six claims in ${commits} commits (one each when claims queue behind each other)`);
  for (const { welcome, player } of players) {
    t.equal(catalogue.read().screens.find((s) => s.id === welcome.screenId)?.isProvisional, false);
    t.equal((await player.next('paired')).screenId, welcome.screenId, 'each player gets its own token');
  }
  const audit = await app.inject('/api/v1/audit?entity=screen&limit=100');
  for (const { welcome } of players) t.match(audit.body, welcome.screenId, 'each claim is in the audit trail');
});

t.test('the same code claimed twice at once: one claim wins, the other is told the code is gone', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const siteId = await placeSite(app, '城关镇', '政府大厅', '机关');
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const [a, b] = await Promise.all(
    ['甲', '乙'].map((name) => app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name, siteId } })),
  );
  t.same([a!.statusCode, b!.statusCode].sort(), [200, 404]);
  const paired = await player.next('paired');
  const { tokens } = app.crier;
  t.equal(tokens.pendingOf(welcome.screenId), paired.token, 'the token the player got is the one kept');
});
