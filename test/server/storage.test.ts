import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { createCatalogueStore } from '../../server/storage/catalogue.store.js';
import { forEachStore, overwriteCatalogue, storedCatalogue } from '../stores.js';
import { forEachAiringStore } from '../airing-stores.js';

const screen = (id: string) => ({ id, name: id, isProvisional: true, groups: [], createdAt: '2026-01-10T00:00:00.000Z' });

// The catalogue's contract, on the JSON file and on PostgreSQL alike (test/stores.ts).
forEachStore(t, 'catalogue: a change is stored durably and survives a reopen', async (t, backend) => {
  const store = await (await backend.open()).openCatalogue();
  t.equal(store.isNew, true);
  t.equal(store.version(), 0);
  await store.update((c) => void c.screens.push(screen('a')));
  t.equal(store.version(), 1, 'one commit, one version');
  const reopened = await (await backend.open()).openCatalogue();
  t.equal(reopened.isNew, false);
  t.same(reopened.read().screens.map((s) => s.id), ['a']);
  t.equal(await reopened.sync(), false, 'nothing newer to sync');
});

forEachStore(t, 'catalogue: a throwing or invalid change leaves memory and the stored copy as they were', async (t, backend) => {
  const store = await (await backend.open()).openCatalogue();
  await store.update((c) => void c.screens.push(screen('a')));
  const before = await storedCatalogue(backend);
  await t.rejects(store.update((c) => { c.screens.push(screen('b')); throw new Error('nope'); }), /nope/);
  await t.rejects(store.update((c) => void c.screens.push({ ...screen('bad id!') })));
  t.same(store.read().screens.map((s) => s.id), ['a']);
  t.same(await storedCatalogue(backend), before);
  t.equal(store.version(), 1, 'no commit counted');
  await store.update((c) => void c.screens.push(screen('c')));
  t.same(store.read().screens.map((s) => s.id), ['a', 'c'], 'the store keeps working after a refused change');
});

forEachStore(t, 'catalogue: concurrent updates apply in order without losing any', async (t, backend) => {
  const store = await (await backend.open()).openCatalogue();
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.update((c) => void c.screens.push(screen(`s${i}`)))));
  t.equal(store.read().screens.length, 20);
  t.same(store.read().screens.map((s) => s.id), Array.from({ length: 20 }, (_, i) => `s${i}`));
  t.ok(store.version() < 20, `group commit: ${store.version()} commits for 20 changes`);
});

forEachStore(t, 'catalogue: a refused change among concurrent ones fails alone', async (t, backend) => {
  const store = await (await backend.open()).openCatalogue();
  const results = await Promise.allSettled([
    store.update((c) => void c.screens.push(screen('a'))),
    store.update((c) => void c.screens.push(screen('b'))),
    store.update((c) => { c.screens.push(screen('half')); throw new Error('refused'); }),
    store.update((c) => void c.screens.push(screen('bad id!'))),
    store.update((c) => void c.screens.push(screen('c'))),
  ]);
  t.same(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  t.same(store.read().screens.map((s) => s.id), ['a', 'b', 'c'], 'no trace of the refused changes');
  const reopened = await (await backend.open()).openCatalogue();
  t.same(reopened.read().screens.map((s) => s.id), ['a', 'b', 'c'], 'and the same when stored');
});

forEachStore(t, 'catalogue: a damaged stored catalogue is refused with a clear error', async (t, backend) => {
  await (await (await backend.open()).openCatalogue()).update((c) => void c.screens.push(screen('a')));
  await overwriteCatalogue(backend, JSON.stringify({ schemaVersion: 99 }));
  await t.rejects((await backend.open()).openCatalogue(), { name: 'StoreError', message: /not a valid catalogue/ });
});

forEachStore(t, 'catalogue: backupTo writes the committed catalogue as JSON', async (t, backend) => {
  const store = await (await backend.open()).openCatalogue();
  await store.update((c) => void c.screens.push(screen('a')));
  const file = path.join(backend.dataDir, 'backup-catalogue.json');
  await store.backupTo(file);
  t.same((JSON.parse(await readFile(file, 'utf8')) as { screens: { id: string }[] }).screens.map((s) => s.id), ['a']);
});

t.test('catalogue file: text that is not JSON is refused', async (t) => {
  const dir = t.testdir({ 'catalogue.json': '{ not json' });
  await t.rejects(createCatalogueStore(dir), /not complete JSON/);
});

const play = (over: Partial<PlayRecord> = {}): PlayRecord => ({
  id: randomUUID(),
  itemId: 'i1',
  mediaId: 'm1',
  hash: 'a'.repeat(64),
  manifestVersion: 'v1',
  startedAt: '2026-01-10T08:00:00.000Z',
  endedAt: '2026-01-10T08:00:10.000Z',
  completed: true,
  ...over,
});

forEachAiringStore(t, 'airing log: plays are deduplicated by id and durable across a reopen', async (t, store) => {
  const { log, close } = await store.openAiring();
  const records = [play(), play({ startedAt: '2026-01-10T09:00:00.000Z', endedAt: '2026-01-10T09:00:05.000Z', completed: false })];
  t.same(await log.recordPlays('scr-1', true, records), { inserted: 2 });
  t.same(await log.recordPlays('scr-1', true, records), { inserted: 0 }, 'a resend inserts nothing');
  t.same(await log.recordPlays('scr-1', true, [{ ...records[0]!, completed: false, startedAt: '2026-03-01T00:00:00.000Z', endedAt: '2026-03-01T00:00:01.000Z' }]), { inserted: 0 }, 'a resent id keeps the first record, even with other fields');
  await close();
  const { log: again } = await store.openAiring();
  const stored = await again.listPlays({ limit: 10 });
  t.equal(stored.length, 2);
  t.equal(stored[0]!.startedAt, '2026-01-10T09:00:00.000Z', 'newest first');
  t.equal(stored[0]!.completed, false);
  t.equal(stored[0]!.isProvisional, true);
});

forEachAiringStore(t, 'airing log: filters by screen and half-open time range', async (t, store) => {
  const { log } = await store.openAiring();
  await Promise.all([
    log.recordPlays('a', false, [play({ startedAt: '2026-01-10T08:00:00.000Z' }), play({ startedAt: '2026-01-10T10:00:00.000Z', endedAt: '2026-01-10T10:00:01.000Z' })]),
    log.recordPlays('b', false, [play({ startedAt: '2026-01-10T08:30:00.000Z', endedAt: '2026-01-10T08:30:01.000Z' })]),
  ]);
  t.equal(await log.countPlays({}), 3);
  t.equal(await log.countPlays({ screenId: 'a' }), 2);
  const from = new Date('2026-01-10T08:00:00.000Z');
  const to = new Date('2026-01-10T10:00:00.000Z');
  t.same((await log.listPlays({ from, to, limit: 10 })).map((p) => p.screenId).sort(), ['a', 'b'], 'from inclusive, to exclusive');
  t.equal((await log.listPlays({ screenId: 'a', limit: 1 })).length, 1, 'limit applies');
});

forEachAiringStore(t, 'airing log: the start of each screen\'s latest play, for the screens asked, in one read', async (t, store) => {
  const { log } = await store.openAiring();
  t.same([...(await log.lastPlayStarts([]))], [], 'nothing asked, nothing read');
  await Promise.all([
    log.recordPlays('a', false, [play({ startedAt: '2026-01-10T10:00:00.000Z', endedAt: '2026-01-10T10:00:01.000Z' }), play({ startedAt: '2026-01-10T08:00:00.000Z' })]),
    log.recordPlays('b', true, [play({ startedAt: '2026-01-10T08:30:00.000Z', endedAt: '2026-01-10T08:30:01.000Z' })]),
  ]);
  const starts = await log.lastPlayStarts(['a', 'b', 'never-played']);
  t.same(
    [...starts].sort(),
    [['a', Date.parse('2026-01-10T10:00:00.000Z')], ['b', Date.parse('2026-01-10T08:30:00.000Z')]],
    'the latest start (not the latest written) for each, a screen without plays absent',
  );
  t.same([...(await log.lastPlayStarts(['b']))], [['b', Date.parse('2026-01-10T08:30:00.000Z')]], 'only the screens asked');
});

forEachAiringStore(t, 'airing log: heartbeats are counted and give each screen its last time', async (t, store) => {
  const { log } = await store.openAiring();
  const hb = { type: 'heartbeat' as const, sentAt: '2026-01-10T08:00:00.000Z', airing: null, manifestVersion: null, uptimeMs: 5 };
  log.recordHeartbeat('a', hb, new Date('2026-01-10T08:00:00.000Z'));
  log.recordHeartbeat('a', hb, new Date('2026-01-10T08:00:30.000Z'));
  t.equal(await log.countHeartbeats('a'), 2);
  t.equal((await log.lastHeartbeats()).get('a'), '2026-01-10T08:00:30.000Z');
});
