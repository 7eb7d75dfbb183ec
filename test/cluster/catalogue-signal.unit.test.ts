// The catalogue signal's bookkeeping, without Redis: adopted versions are passed over for the screens
// their announcements name, joined over a jump of several versions, waited for when the announcement
// comes after the sync, and passed over for all screens when it never comes.
import t from 'tap';
import type { AffectedScreens } from '../../playlists/affected-screens.js';
import { createCatalogueSignal } from '../../server/cluster/catalogue.signal.js';

function harness(waitMs?: number) {
  const adopted: AffectedScreens[] = [];
  const signal = createCatalogueSignal({ adopted: (named) => adopted.push(named), ...(waitMs === undefined ? {} : { waitMs }) });
  t.teardown(() => signal.close());
  return { signal, adopted };
}
const ids = (a: AffectedScreens | undefined) => (a === 'all' || a === undefined ? a : [...a].sort());

t.test('an announcement before its sync: the named screens, once', async (t) => {
  const { signal, adopted } = harness();
  signal.announced(6, ['s1', 's2']);
  t.equal(adopted.length, 0, 'nothing adopted yet');
  signal.synced(5, 6);
  t.same(adopted.map(ids), [['s1', 's2']]);
  signal.announced(6, ['s1', 's2']);
  t.equal(adopted.length, 1, 'a version is passed over once');
});

t.test('a sync before the announcements waits for them; a jump joins the versions', async (t) => {
  const { signal, adopted } = harness();
  signal.synced(5, 8); // one sync adopted 6, 7 and 8
  t.equal(adopted.length, 0, 'nothing yet: what 6–8 changed is not known');
  signal.announced(7, ['b']);
  signal.announced(6, ['a']);
  t.equal(adopted.length, 0, 'still waiting for 8');
  signal.announced(8, ['c']);
  t.same(adopted.map(ids), [['a', 'b', 'c']]);
  signal.synced(8, 9);
  signal.announced(9, null);
  t.same(ids(adopted[1]), 'all', 'a version announced as null: all');
});

t.test("this node's own commit inside an adopted range needs no announcement", async (t) => {
  const { signal, adopted } = harness();
  signal.committed(6, new Set(['mine']));
  t.equal(adopted.length, 0, 'its own commit alone passes over nothing more');
  signal.announced(7, ['theirs']);
  signal.synced(5, 7);
  t.same(adopted.map(ids), [['mine', 'theirs']]);
});

t.test('an announcement that never comes: all screens', async (t) => {
  const { signal, adopted } = harness(20);
  signal.synced(5, 6);
  t.equal(adopted.length, 0);
  while (adopted.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  t.same(adopted.map(ids), ['all']);
});
