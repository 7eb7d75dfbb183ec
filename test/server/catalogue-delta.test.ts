// A catalogue change costs in proportion to what it changes (issue 14), shown by counting, not timing:
// a claim at 10 and at 10,000 screens validates the same one item, hands the store the same one-item
// delta, and never reads a field of any other screen (a whole copy, parse or deep comparison would).
import t from 'tap';
import { emptyCatalogue, type Catalogue, type Screen } from '../../playlists/catalogue.schema.js';
import { createCommitQueue, type CommitTarget } from '../../server/storage/catalogue.commits.js';
import { settle, type CatalogueDelta } from '../../server/storage/catalogue.delta.js';
import { draftOf, finished } from '../../server/storage/catalogue.draft.js';

const NOW = '2026-11-30T08:00:00.000Z';

/** N claimed screens and one unclaimed one (code ABCDEF); `reads` counts reads of the claimed screens' `createdAt`. */
function fleet(n: number) {
  const counter = { reads: 0 };
  const screens: Screen[] = Array.from({ length: n }, (_, i) => {
    const screen = { id: `s-${i}`, name: `屏幕 ${i}`, isProvisional: false, groups: [], claimedAt: NOW } as unknown as Screen;
    // An accessor a copy, a parse or a deep comparison of this screen would read; a change that leaves it alone never does.
    Object.defineProperty(screen, 'createdAt', { enumerable: true, get: () => (counter.reads++, NOW) });
    return screen;
  });
  screens.push({ id: 'new', name: '未认领屏幕 ABCDEF', isProvisional: true, groups: [], createdAt: NOW, pairingCode: 'ABCDEF' });
  return { catalogue: { ...emptyCatalogue(), screens } as Catalogue, counter };
}

/** A store for the commit queue that keeps nothing but what it was handed. */
function recordingTarget() {
  const deltas: CatalogueDelta[] = [];
  let version = 0;
  const target: CommitTarget = {
    write: async (_next, base, delta) => {
      deltas.push(delta);
      return (version = base + 1);
    },
    latest: async () => {
      throw new Error('only one writer here');
    },
  };
  return { target, deltas, version: () => version };
}

const claim = (draft: Catalogue) => {
  const screen = draft.screens[draft.screens.length - 1]!;
  screen.isProvisional = false;
  delete screen.pairingCode;
  screen.name = '新屏';
  screen.claimedAt = NOW;
  return screen.id;
};

for (const n of [10, 10_000]) {
  t.test(`a claim at ${n.toLocaleString('en')} screens validates one item and reads no other screen`, async (t) => {
    const { catalogue, counter } = fleet(n);
    const { target, deltas } = recordingTarget();
    const commits = createCommitQueue({ catalogue, version: 0 }, target);
    t.equal(await commits.update(claim), 'new');
    t.equal(counter.reads, 0, 'no field of another screen was read');
    t.equal(deltas.length, 1);
    t.same(Object.keys(deltas[0]!.lists), ['screens'], 'only the screens list changed');
    t.same(deltas[0]!.lists.screens!.upserted.map((s) => s.id), ['new'], 'the delta holds the one claimed screen');
    t.same(deltas[0]!.settings, {});
    const after = commits.read();
    t.equal(after.screens.length, n + 1);
    t.ok(after.screens.slice(0, n).every((s, i) => s === catalogue.screens[i]), 'every other screen is the very same object');
    t.equal(after.media, catalogue.media, 'an untouched list is the same array');

    const draft = draftOf(catalogue);
    claim(draft);
    t.equal(settle(catalogue, finished(draft)).validated, 1, 'one item validated');
  });
}

t.test('an edit that ends where it began keeps the very objects and hands the store nothing', async (t) => {
  const { catalogue } = fleet(3);
  const { target, deltas } = recordingTarget();
  const commits = createCommitQueue({ catalogue, version: 0 }, target);
  await commits.update((draft) => {
    draft.screens[1]!.name = '改了';
    draft.screens[1]!.name = '屏幕 1';
    draft.screens[2] = { ...catalogue.screens[2]!, groups: [] };
  });
  t.equal(commits.read().screens, catalogue.screens, 'equal items are the old objects, so the list is the old array');
  t.same(deltas[0], { lists: {}, settings: {} });
});

t.test('the delta names removed items and an order that is not the natural one', async (t) => {
  const { catalogue } = fleet(4);
  const { target, deltas } = recordingTarget();
  const commits = createCommitQueue({ catalogue, version: 0 }, target);
  await commits.update((draft) => {
    draft.screens = draft.screens.filter((s) => s.id !== 's-1');
  });
  t.same(deltas[0]!.lists.screens, { upserted: [], removed: ['s-1'] }, 'a removal keeps the natural order');
  await commits.update((draft) => {
    draft.screens.reverse();
  });
  t.same(deltas[1]!.lists.screens!.order, ['new', 's-3', 's-2', 's-0'], 'a reorder writes the order');
  await commits.update((draft) => {
    draft.screens.unshift({ id: 'first', name: '首', isProvisional: true, groups: [], createdAt: NOW });
  });
  t.same(deltas[2]!.lists.screens!.upserted.map((s) => s.id), ['first']);
  t.same(deltas[2]!.lists.screens!.order, ['first', 'new', 's-3', 's-2', 's-0'], 'an item put first is not appended');
  await commits.update((draft) => {
    draft.defaultPlaylistId = null;
    draft.seededDefaults.push('x');
  });
  t.same(deltas[3], { lists: {}, settings: { seededDefaults: ['x'] } }, 'a setting set to what it was is no change');
});

t.test('what a change returns is its own copy: alive after the commit, and changing it changes nothing', async (t) => {
  const { catalogue } = fleet(2);
  const { target } = recordingTarget();
  const commits = createCommitQueue({ catalogue, version: 0 }, target);
  // The first commit is in flight while the next two queue: they share a batch (one draft).
  const [, returned, other] = await Promise.all([
    commits.update(() => undefined),
    commits.update((draft) => {
      const screen = draft.screens.find((s) => s.id === 'new')!;
      screen.name = '甲';
      return { screen, list: [draft.screens[0]] };
    }),
    commits.update((draft) => {
      draft.screens.find((s) => s.id === 'new')!.name = '乙';
    }),
  ]);
  t.equal(other, undefined);
  t.equal(returned.screen.name, '甲', 'the state right after that change, not after the next one in its batch');
  t.equal(returned.list[0]!.id, 's-0');
  returned.screen.name = '丙';
  returned.list[0]!.name = '丁';
  t.equal(commits.read().screens.find((s) => s.id === 'new')!.name, '乙');
  t.equal(commits.read().screens[0]!.name, '屏幕 0', 'the committed screen is not the one handed out');
});

t.test('an invalid item is refused with its place in the catalogue, and nothing changes', async (t) => {
  const { catalogue } = fleet(3);
  const { target, deltas } = recordingTarget();
  const commits = createCommitQueue({ catalogue, version: 0 }, target);
  const error = await commits.update((draft) => void (draft.screens[3]!.name = '')).catch((e: unknown) => e as { issues?: { path: unknown[] }[] });
  t.same(error?.issues?.[0]?.path, ['screens', 3, 'name']);
  await t.rejects(commits.update((draft) => void draft.screens.push({ ...catalogue.screens[3]! })), /duplicate screen id new/, 'cross-references still checked');
  await t.rejects(commits.update((draft) => void (draft.screens[0]!.siteId = 'nowhere')), /unknown site nowhere/, 'the register still checked');
  t.equal(commits.read(), catalogue);
  t.equal(deltas.length, 0);
});

t.test('changes queued together share a commit; one asked to go alone commits in a batch of its own', async (t) => {
  const { catalogue } = fleet(3);
  const { target, deltas } = recordingTarget();
  const commits = createCommitQueue({ catalogue, version: 0 }, target);
  const rename = (i: number, name: string) => (draft: Catalogue) => void (draft.screens[i]!.name = name);
  const inFlight = commits.update(rename(0, '甲'));
  // Queued while the first is written: b and c share the next commit, d goes alone, e and f share the last.
  await Promise.all([inFlight, commits.update(rename(1, '乙')), commits.update(rename(2, '丙')), commits.update(rename(0, '丁'), { isAlone: true }), commits.update(rename(1, '戊')), commits.update(rename(2, '己'))]);
  t.same(deltas.map((d) => (d.lists.screens!.upserted as Screen[]).map((s) => s.name)), [['甲'], ['乙', '丙'], ['丁'], ['戊', '己']]);
  t.same(commits.read().screens.slice(0, 3).map((s) => s.name), ['丁', '戊', '己']);
});
