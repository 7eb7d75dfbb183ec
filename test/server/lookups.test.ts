// Screen and presence lookups by id cost the same with 2,000 screens as with one: counted in
// operations (element and property reads), never in time.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { indexStats, positionOf, reachingIds, screenById, unclaimedByCode, unclaimedScreens } from '../../playlists/catalogue.index.js';
import { emptyCatalogue, type Catalogue, type Screen } from '../../playlists/catalogue.schema.js';
import { createPresence, type PlayerSession } from '../../server/gateway/presence.js';
import { draftItem, removeFromDraft } from '../../server/storage/catalogue.draft.js';
import { createCatalogueStore } from '../../server/storage/catalogue.store.js';
import { buildTestApp, helloPlayer, socketlessSession, startTestServer } from '../helper.js';

const FLEET = 2000;
const screenNo = (i: number): Screen => ({ id: `scr-load${String(i).padStart(6, '0')}`, name: `屏 ${i}`, isProvisional: false, groups: [], createdAt: new Date(0).toISOString(), claimedAt: new Date(0).toISOString() });

/** A pairing code (six of A–Z and 2–9) made of a letter and a number. */
const codeOf = (letter: string, n: number) => letter + [...n.toString(24).padStart(5, '0')].map((d) => 'ABCDEFGHJKLMNPQRSTUVWXYZ'[parseInt(d, 24)]).join('');

/** A session whose every property read is counted. */
function countedSession(screenId: string, reads: { n: number }): PlayerSession {
  const session = socketlessSession(screenId, { playerVersion: 'counted' });
  return new Proxy(session, { get: (target, key, receiver) => (reads.n++, Reflect.get(target, key, receiver)) });
}

t.test('the catalogue index answers by id and by pairing code without scanning again', async (t) => {
  const catalogue: Catalogue = { ...emptyCatalogue(), screens: Array.from({ length: FLEET }, (_, i) => screenNo(i)) };
  catalogue.screens.push({ ...screenNo(FLEET), isProvisional: true, pairingCode: 'ABC234' });
  let elementReads = 0;
  catalogue.screens = new Proxy(catalogue.screens, {
    get: (target, key, receiver) => (typeof key === 'string' && /^\d+$/.test(key) && elementReads++, Reflect.get(target, key, receiver)),
  });
  const builtBefore = indexStats.built;
  t.equal(screenById(catalogue, screenNo(5).id)?.name, '屏 5');
  const afterFirst = elementReads;
  t.ok(afterFirst <= FLEET + 1, 'the first lookup reads each screen once (it builds the index)');
  for (let i = 0; i < 1000; i++) screenById(catalogue, screenNo(i).id);
  t.equal(unclaimedByCode(catalogue, 'ABC234')?.id, screenNo(FLEET).id);
  t.equal(screenById(catalogue, 'scr-missing000'), undefined);
  t.equal(elementReads, afterFirst, 'a thousand more lookups read no screen of the list');
  t.equal(indexStats.built - builtBefore, 1, 'one index per catalogue object');
});

t.test('presence: the latest session of one screen looks at that screen only', async (t) => {
  const presence = createPresence();
  const reads = { n: 0 };
  for (let i = 0; i < FLEET; i++) presence.add(countedSession(screenNo(i).id, reads));
  reads.n = 0;
  t.equal(presence.latestOf(screenNo(7).id)?.screenId, screenNo(7).id);
  t.equal(presence.countOf(screenNo(7).id), 1);
  t.ok(reads.n < 20, `one lookup read ${reads.n} session properties, not a pass over ${FLEET} sessions`);
});

t.test('plays messages and the screen list do not grow with the number of connected players', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { catalogue, presence, screens } = app.crier;
  await catalogue.update((draft) => {
    for (let i = 0; i < FLEET; i++) draft.screens.push(screenNo(i));
  });
  const reads = { n: 0 };
  for (let i = 0; i < FLEET; i++) presence.add(countedSession(screenNo(i).id, reads));

  // A real player sends a batch of plays: no other screen's session is read while it is handled.
  const { player } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  const item = manifest.items[0]!;
  reads.n = 0;
  const id = randomUUID();
  player.send({ type: 'plays', records: [{ id, itemId: item.id, mediaId: item.mediaId, hash: item.hash, manifestVersion: manifest.version, startedAt: new Date(Date.now() - 5000).toISOString(), endedAt: new Date().toISOString(), completed: true }] });
  t.same((await player.next('plays-ack')).ids, [id]);
  t.equal(reads.n, 0, 'no session of the other 2,000 screens was read for one plays message');

  // The console's list: linear in the fleet (a few reads per screen), not quadratic.
  reads.n = 0;
  t.equal(screens.list().length, FLEET + 1);
  t.ok(reads.n < 20 * FLEET, `the list read ${reads.n} session properties for ${FLEET} sessions`);
});

t.test('commits carry the index: claims at 10,000 screens build none, and an older snapshot still answers as it was', async (t) => {
  const store = await createCatalogueStore(t.testdir());
  await store.update((draft) => {
    for (let i = 0; i < 10_000; i++) draft.screens.push({ ...screenNo(i), isProvisional: i % 100 === 0, ...(i % 100 === 0 ? { pairingCode: codeOf('C', i) } : { claimedAt: new Date(0).toISOString() }) });
  });
  const first = store.read();
  t.equal(unclaimedByCode(first, codeOf('C', 100))?.id, screenNo(100).id);
  const builtBefore = indexStats.built;
  for (let i = 0; i < 50; i++) {
    await store.update((draft) => {
      const screen = draftItem(draft.screens, screenNo(i * 100).id)!;
      screen.isProvisional = false;
      delete screen.pairingCode;
      screen.name = `认领 ${i}`;
    });
    await store.update((draft) => void draft.screens.push({ ...screenNo(20_000 + i), isProvisional: true, pairingCode: codeOf('N', i) }));
  }
  const last = store.read();
  t.equal(indexStats.built - builtBefore, 0, 'a hundred commits built no index from a whole list');
  t.equal(screenById(last, screenNo(100).id)?.name, '认领 1');
  t.equal(unclaimedByCode(last, codeOf('C', 100)), undefined, 'a claimed code is gone');
  t.equal(unclaimedByCode(last, codeOf('N', 49))?.id, screenNo(20_049).id, 'a new code is there');
  t.equal(unclaimedScreens(last).length, 100, 'a hundred unclaimed: fifty of them claimed, fifty new');
  t.equal(screenById(first, screenNo(100).id)?.name, '屏 100', 'the first snapshot still sees its own screen');
  t.equal(screenById(first, screenNo(20_000).id), undefined, 'and not the screens added after it');
  t.equal(positionOf(last.screens, screenNo(20_049).id), 10_049);
  // Deleting moves places: the next lookups still find each screen where it is.
  await store.update((draft) => void removeFromDraft(draft.screens, [screenNo(3).id, screenNo(5_000).id]));
  const after = store.read();
  t.equal(after.screens[positionOf(after.screens, screenNo(9_999).id)!]?.id, screenNo(9_999).id);
  t.equal(screenById(after, screenNo(3).id), undefined);
});

t.test('rules and screens by what they reach: carried by commits, right after adds, moves and deletes', async (t) => {
  const store = (await buildTestApp(t)).crier.catalogue;
  const stamp = new Date(0).toISOString();
  await store.update((draft) => {
    for (let i = 0; i < 1000; i++) draft.screens.push({ ...screenNo(i), township: i % 2 ? '东乡镇' : '城关镇', groups: i === 7 ? ['学校'] : [] });
  });
  const playlistId = store.read().defaultPlaylistId!;
  const rule = (id: string, screenId: string, priority = 1) => ({ id, playlistId, target: { kind: 'screens' as const, screenIds: [screenId] }, priority, createdAt: stamp });
  const ids = (key: string) => [...reachingIds(store.read().schedules, key)].sort();
  await store.update((draft) => {
    for (let i = 0; i < 500; i++) draft.schedules.push(rule(`sch-${i}`, screenNo(i).id));
  });
  t.same(ids(`1|s:${screenNo(3).id}`), ['sch-3']);
  t.equal(reachingIds(store.read().schedules, '1|').size, 500, 'every rule of priority 1');
  t.equal(reachingIds(store.read().screens, 't:东乡镇').size, 500, 'screens by township');
  t.same([...reachingIds(store.read().screens, 'g:学校')], [screenNo(7).id], 'screens by group');
  const builtBefore = indexStats.built;
  await store.update((draft) => {
    draft.schedules.push(rule('sch-new', screenNo(3).id, 2));
    draftItem(draft.schedules, 'sch-4')!.target = { kind: 'townships', townships: ['城关镇'] };
  });
  await store.update((draft) => removeFromDraft(draft.schedules, ['sch-5']));
  await store.update((draft) => void (draftItem(draft.screens, screenNo(8).id)!.groups = ['学校']));
  t.equal(indexStats.built - builtBefore, 0, 'three commits built no index from a whole list');
  t.same(ids(`2|s:${screenNo(3).id}`), ['sch-new'], 'a new rule under its priority');
  t.same(ids(`1|s:${screenNo(4).id}`), [], 'a moved rule left its old screen');
  t.same(ids('1|t:城关镇'), ['sch-4'], 'and is under its township');
  t.same(ids(`1|s:${screenNo(5).id}`), [], 'a deleted rule is gone');
  t.equal(reachingIds(store.read().schedules, '1|').size, 499, 'one of 500 deleted');
  t.same([...reachingIds(store.read().screens, 'g:学校')].sort(), [screenNo(7).id, screenNo(8).id], 'a screen that joined a group');
});

t.test('reads while a commit is being written move the index back instead of building one (claims in flight)', async (t) => {
  const store = await createCatalogueStore(t.testdir());
  await store.update((draft) => {
    for (let i = 0; i < 2000; i++) draft.screens.push({ ...screenNo(i), isProvisional: i % 10 === 0, ...(i % 10 === 0 ? { pairingCode: codeOf('R', i) } : {}) });
  });
  t.equal(unclaimedByCode(store.read(), codeOf('R', 0))?.id, screenNo(0).id);
  const builtBefore = indexStats.built;
  for (let i = 0; i < 20; i++) {
    const code = codeOf('R', i * 10);
    // The queue idle again (it goes idle a moment after the last commit is answered), so this change is applied at once.
    await new Promise((resolve) => setImmediate(resolve));
    // Applied at once (the index carried to the new list), written meanwhile: the committed catalogue is still the old one.
    const written = store.update((draft) => {
      const screen = draftItem(draft.screens, screenNo(i * 10).id)!;
      screen.isProvisional = false;
      delete screen.pairingCode;
    });
    t.equal(unclaimedByCode(store.read(), code)?.id, screenNo(i * 10).id, 'still unclaimed until written');
    t.equal(positionOf(store.read().screens, screenNo(1999).id), 1999);
    await written;
    t.equal(unclaimedByCode(store.read(), code), undefined, 'claimed once written');
    t.equal(unclaimedScreens(store.read()).length, 200 - i - 1);
  }
  // Before: each read during a write built the old list's index from its 2,000 screens.
  t.equal(indexStats.built - builtBefore, 0, 'twenty commits with reads in flight built no index from a whole list');
});
