// Several nodes on one PostgreSQL catalogue: nobody's commit is lost or overwritten, a node that
// built on an old snapshot catches up and applies its change again, and NOTIFY tells the others.
import t, { type Test } from 'tap';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { CatalogueHooks } from '../../server/storage/catalogue.store.js';
import { openStores } from '../../server/storage/stores.js';
import { COMPACT_AFTER } from '../../server/storage/pg/catalogue.pg.js';
import { closeAll, createTestDatabase, pgSkipReason, withClient } from '../stores.js';

const skip = pgSkipReason();
const screen = (id: string) => ({ id, name: id, isProvisional: true, groups: [], createdAt: '2026-01-10T00:00:00.000Z' });
const ids = (c: Readonly<Catalogue>) => c.screens.map((s) => s.id).sort();

/** A node: its own pool and catalogue snapshot on the shared database. */
async function node(t: Test, url: string, hooks?: CatalogueHooks) {
  const stores = await openStores({ dataDir: t.testdir(), databaseUrl: url });
  t.teardown(() => closeAll(stores));
  return { stores, catalogue: await stores.openCatalogue(hooks) };
}

t.test('a node that built on an old snapshot reloads and applies its change again; the audit sees only its own change', { skip }, async (t) => {
  const url = await createTestDatabase(t);
  const a = await node(t, url);
  await a.catalogue.update((c) => void c.screens.push(screen('first')));
  const commits: string[][] = [];
  const b = await node(t, url, { context: () => undefined, committed: (before, after) => commits.push(after.screens.map((s) => s.id).filter((id) => !before.screens.some((x) => x.id === id))) });
  await a.catalogue.update((c) => void c.screens.push(screen('from-a')));
  t.same(ids(b.catalogue.read()), ['first'], 'b has not seen a\'s second commit');
  const result = await b.catalogue.update((c) => (c.screens.push(screen('from-b')), c.screens.length));
  t.equal(result, 3, 'the change ran on the reloaded catalogue');
  t.same(ids(b.catalogue.read()), ['first', 'from-a', 'from-b']);
  t.same(commits, [['from-b']], 'the commit hook diffs against the catalogue it was applied to');
  t.equal(b.catalogue.version(), 3);
  t.equal(await a.catalogue.sync(), true, 'a catches up');
  t.same(ids(a.catalogue.read()), ['first', 'from-a', 'from-b']);
  t.equal(await a.catalogue.sync(), false, 'and then has nothing newer');
});

t.test('two nodes writing at once lose nothing', { skip }, async (t) => {
  const url = await createTestDatabase(t);
  const [a, b] = [await node(t, url), await node(t, url)];
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => [a.catalogue.update((c) => void c.screens.push(screen(`a${i}`))), b.catalogue.update((c) => void c.screens.push(screen(`b${i}`)))]).flat(),
  );
  await a.catalogue.sync();
  await b.catalogue.sync();
  t.equal(a.catalogue.read().screens.length, 20);
  t.same(ids(a.catalogue.read()), ids(b.catalogue.read()));
  t.equal(a.catalogue.version(), b.catalogue.version());
  const fresh = await node(t, url);
  t.same(ids(fresh.catalogue.read()), ids(a.catalogue.read()), 'as stored');
});

t.test('a commit on one node reaches another by NOTIFY, which syncs and runs its onChange', { skip }, async (t) => {
  const url = await createTestDatabase(t);
  const a = await node(t, url);
  await a.catalogue.update((c) => void c.screens.push(screen('before')));
  const b = await node(t, url);
  let onChange = () => undefined as void;
  await b.stores.followCatalogue(b.catalogue, () => onChange());
  const synced = new Promise<void>((resolve) => (onChange = resolve));
  await a.catalogue.update((c) => void c.screens.push(screen('after')));
  await synced;
  t.same(ids(b.catalogue.read()), ['after', 'before'], 'b has a\'s change without asking');
  t.equal(b.catalogue.version(), a.catalogue.version());
});

t.test('a commit writes only its delta; a node catching up keeps every unchanged item; deltas fold into the document', { skip }, async (t) => {
  const url = await createTestDatabase(t);
  const a = await node(t, url);
  await a.catalogue.update((c) => void c.screens.push(...Array.from({ length: 50 }, (_, i) => screen(`s${i}`))));
  const b = await node(t, url);
  const before = b.catalogue.read();
  await a.catalogue.update((c) => void (c.screens[7]!.name = '改名'));
  const stored = await withClient(url, async (client) => ({
    row: (await client.query<{ version: string; document_version: string }>('SELECT version, document_version FROM catalogue')).rows[0]!,
    changes: (await client.query<{ version: string; delta: { lists: { screens: { upserted: { id: string }[] } } } }>('SELECT version, delta FROM catalogue_changes')).rows,
  }));
  t.same(stored.row, { version: '2', document_version: '1' }, 'the document stays at the first commit');
  t.same(stored.changes.map((c) => [c.version, c.delta.lists.screens.upserted.map((s) => s.id)]), [['2', ['s7']]], 'the second commit is one screen');
  t.equal(await b.catalogue.sync(), true);
  const after = b.catalogue.read();
  t.equal(after.screens[7]!.name, '改名');
  t.ok(after.screens.every((s, i) => i === 7 || s === before.screens[i]), 'every other screen is the same object as before the sync');
  t.equal(after.media, before.media);

  for (let i = 0; i < COMPACT_AFTER; i++) await a.catalogue.update((c) => void (c.screens[i % 50]!.name = `第 ${i} 次`));
  await a.catalogue.update((c) => void (c.screens[0]!.name = '最后'));
  const folded = await withClient(url, async (client) => ({
    row: (await client.query<{ document_version: string }>('SELECT document_version FROM catalogue')).rows[0]!,
    changes: (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM catalogue_changes')).rows[0]!.n,
  }));
  t.ok(Number(folded.row.document_version) > 2, `the deltas were folded into the document (now at version ${folded.row.document_version})`);
  t.ok(folded.changes < COMPACT_AFTER, `and dropped (${folded.changes} left)`);
  t.equal(await b.catalogue.sync(), true, 'a node behind the folded document reloads it');
  t.same(b.catalogue.read(), a.catalogue.read());
  const fresh = await node(t, url);
  t.same(fresh.catalogue.read(), a.catalogue.read(), 'a new node reads the document and the deltas after it');
  t.equal(fresh.catalogue.version(), a.catalogue.version());
});
