// The embedded catalogue's journal (issue 14): a claim writes the same few hundred bytes at 10 and at
// 10,000 screens (counted in the kernel's tally of bytes this process wrote, /proc/self/io), a reopen
// replays the journal to the very catalogue, a snapshot compacts it, a torn last line is dropped with
// a warning, and damage anywhere else, or a journal that does not continue catalogue.json, stops the start.
import { createHash } from 'node:crypto';
import { appendFile, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { freshJournal } from '../../server/storage/catalogue.journal.js';
import { createCatalogueStore, readEmbeddedCatalogue } from '../../server/storage/catalogue.store.js';

const NOW = '2026-11-30T08:00:00.000Z';

/** Bytes this process has passed to write(2) and its kin so far. */
async function bytesWritten(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  return Number(/wchar: (\d+)/.exec(io)![1]);
}

/** Each file of a directory with its size, inode and modification time: what a write or a rename changes. */
async function filesOf(dir: string): Promise<Map<string, { size: number; ino: number; mtimeMs: number }>> {
  const files = new Map<string, { size: number; ino: number; mtimeMs: number }>();
  for (const name of await readdir(dir)) {
    const { size, ino, mtimeMs } = await stat(path.join(dir, name));
    files.set(name, { size, ino, mtimeMs });
  }
  return files;
}

/** A data dir whose catalogue holds `n` claimed screens and one unclaimed (id `new`, code ABCDEF). */
async function fleetStore(dir: string, n: number, options: Parameters<typeof createCatalogueStore>[2] = {}) {
  const store = await createCatalogueStore(dir, undefined, options);
  await store.update((draft) => {
    for (let i = 0; i < n; i++) draft.screens.push({ id: `s-${i}`, name: `屏幕 ${i}`, isProvisional: false, groups: [], createdAt: NOW, claimedAt: NOW });
    draft.screens.push({ id: 'new', name: '未认领屏幕 ABCDEF', isProvisional: true, groups: [], createdAt: NOW, pairingCode: 'ABCDEF' });
  });
  return store;
}

/**
 * Until a snapshot other than `before` is in place and the journal has started afresh from it (its first
 * line names that catalogue.json, and no point written beside commits is left in it).
 */
async function compacted(dataDir: string, before: string): Promise<void> {
  for (;;) {
    const snapshot = await readFile(path.join(dataDir, 'catalogue.json'), 'utf8');
    const journal = await readFile(path.join(dataDir, 'catalogue.journal'), 'utf8');
    const first = JSON.parse(journal.slice(17, journal.indexOf('\n'))) as { snapshot?: string };
    if (snapshot !== before && first.snapshot === createHash('sha256').update(snapshot).digest('hex') && !journal.includes('"after"')) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A journal line as the store writes it: 16 hex digits of the JSON's SHA-256, a space, the JSON. */
const journalLine = (entry: object) => {
  const json = JSON.stringify(entry);
  return `${createHash('sha256').update(json).digest('hex').slice(0, 16)} ${json}\n`;
};

const claim = (id: string, name: string) => (draft: Catalogue) => {
  const screen = draft.screens.find((s) => s.id === id)!;
  screen.isProvisional = false;
  delete screen.pairingCode;
  screen.name = name;
  screen.claimedAt = NOW;
};

t.test('a claim writes the same bytes at 10 and at 10,000 screens, and a reopen replays it', async (t) => {
  const dir = t.testdir({ small: {}, large: {} });
  const written: number[] = [];
  const appended: number[] = [];
  let largeSnapshotBytes = 0;
  for (const [name, n] of [['small', 10], ['large', 10_000]] as const) {
    const dataDir = path.join(dir, name);
    const store = await fleetStore(dataDir, n);
    const filesBefore = await filesOf(dataDir);
    const before = await bytesWritten();
    await store.update(claim('new', '新屏'));
    written.push((await bytesWritten()) - before);
    const filesAfter = await filesOf(dataDir);
    t.same(filesAfter.get('catalogue.json'), filesBefore.get('catalogue.json'), `${n} screens: catalogue.json is not rewritten`);
    t.same([...filesAfter.keys()].sort(), [...filesBefore.keys()].sort(), `${n} screens: no other file written`);
    appended.push(filesAfter.get('catalogue.journal')!.size - filesBefore.get('catalogue.journal')!.size);
    largeSnapshotBytes = filesBefore.get('catalogue.json')!.size;
    const reopened = await readEmbeddedCatalogue(dataDir);
    t.same(reopened, store.read(), `${n} screens: the snapshot with its journal is the catalogue`);
  }
  const [small, large] = appended as [number, number];
  t.ok(small > 0 && small < 1000, `a claim at 10 screens appended ${small} bytes to the journal`);
  t.ok(Math.abs(large - small) <= 8, `a claim at 10,000 screens appended ${large} bytes, the same as at 10 (${small}) within 8`);
  // /proc/self/io counts every byte this process wrote meanwhile, wherever it went (a temporary file renamed
  // away would escape the listing above). Other writers share the tally (tap's own output: 8 bytes once in CI,
  // 3.6 KB once), so it is held only against what a rewrite would cost: the whole snapshot.
  const [smallWchar, largeWchar] = written as [number, number];
  t.ok(largeWchar - smallWchar < largeSnapshotBytes / 10, `a claim at 10,000 screens wrote ${largeWchar} bytes in all (${smallWchar} at 10); a rewrite would be ${largeSnapshotBytes}`);
});

t.test('the journal is compacted into a new snapshot once it outgrows its limit; every change survives a reopen', async (t) => {
  const dataDir = t.testdir();
  const store = await fleetStore(dataDir, 20, { limitBytes: 2000 });
  const firstSnapshot = await readFile(path.join(dataDir, 'catalogue.json'), 'utf8');
  for (let i = 0; i < 20; i++) await store.update((draft) => void (draft.screens[i]!.name = `改名 ${i}`));
  // The snapshot runs beside the commits after the one that crossed the limit.
  await store.update((draft) => void draft.screens.splice(3, 1));
  await store.update((draft) => void draft.screens.reverse());
  await store.update((draft) => void draft.seededDefaults.push('x'));
  await compacted(dataDir, firstSnapshot);
  t.pass('catalogue.json was written again and the journal started afresh from it');
  const reopened = await createCatalogueStore(dataDir);
  t.same(reopened.read(), store.read(), 'removals, reorders and settings replay to the same catalogue');
  t.equal(reopened.read().screens[0]!.id, 'new');
});

t.test('a torn last line (a power cut before the answer) is dropped with a warning; the store goes on', async (t) => {
  const dataDir = t.testdir();
  const store = await fleetStore(dataDir, 3);
  await store.update(claim('new', '新屏'));
  const journal = path.join(dataDir, 'catalogue.journal');
  const whole = await readFile(journal);
  await appendFile(journal, '0123456789abcdef {"n":2,"lists":{"screens":{"upserted":[{"id":"s-0","na');
  const warnings: string[] = [];
  const reopened = await createCatalogueStore(dataDir, undefined, { warn: (m) => warnings.push(m) });
  t.same(reopened.read(), store.read(), 'every answered change is there');
  t.match(warnings, [/最后一行不完整.*dropped/], 'said so in one line');
  t.same(await readFile(journal), whole, 'the torn line is cut off the file');
  await reopened.update(claim('s-1', '再改'));
  t.equal((await readEmbeddedCatalogue(dataDir))?.screens.find((s) => s.id === 's-1')?.name, '再改', 'later lines follow the good ones');
});

t.test('damage before the last line, or a journal that does not continue catalogue.json, stops the start untouched', async (t) => {
  const dataDir = t.testdir();
  const store = await fleetStore(dataDir, 3);
  await store.update(claim('new', '新屏'));
  await store.update((draft) => void (draft.screens[0]!.name = '又改'));
  const journal = path.join(dataDir, 'catalogue.journal');
  const good = await readFile(journal, 'utf8');
  const lines = good.split('\n');
  const damaged = [lines[0], lines[1]!.replace('新屏', '旧屏'), ...lines.slice(2)].join('\n');
  await writeFile(journal, damaged);
  const refusal = /^存储文件已损坏：.*catalogue\.journal（第 2 行损坏.*damaged store .*catalogue\.journal .*line 2 is damaged.*npm run restore/;
  await t.rejects(createCatalogueStore(dataDir), { name: 'StoreError', message: refusal });
  t.equal(await readFile(journal, 'utf8'), damaged, 'the journal is left as it was');

  await writeFile(journal, [lines[0], lines[2], lines[1], ''].join('\n'));
  await t.rejects(createCatalogueStore(dataDir), { name: 'StoreError', message: /line 2 is number 2, expected 1/ }, 'a line out of place is damage too');

  await writeFile(journal, good);
  const other = JSON.stringify({ ...store.read(), screens: [] }, null, 2);
  await writeFile(path.join(dataDir, 'catalogue.json'), other);
  await t.rejects(createCatalogueStore(dataDir), { name: 'StoreError', message: /catalogue\.journal.*does not continue catalogue\.json/ });
});

t.test('a power cut between the snapshot and the new journal: the lines after its point are replayed', async (t) => {
  const dataDir = t.testdir();
  const store = await fleetStore(dataDir, 3);
  await store.update(claim('new', '新屏'));
  // As the snapshot step leaves it when cut after renaming catalogue.json: the old journal ends with a point naming it.
  const text = JSON.stringify(store.read(), null, 2);
  await appendFile(path.join(dataDir, 'catalogue.journal'), freshJournal(text));
  await writeFile(path.join(dataDir, 'catalogue.json'), text);
  const reopened = await createCatalogueStore(dataDir);
  t.same(reopened.read(), store.read());
  await reopened.update((draft) => void (draft.screens[2]!.name = '断电后'));
  t.same(await readEmbeddedCatalogue(dataDir), reopened.read(), 'a change after it is replayed from the point on');
});

t.test('a journal whose catalogue.json is gone (recreated on purpose) is moved aside; a data dir without a journal gets one', async (t) => {
  const dataDir = t.testdir();
  const store = await fleetStore(dataDir, 2);
  await store.update(claim('new', '新屏'));
  const catalogueText = await readFile(path.join(dataDir, 'catalogue.json'), 'utf8');
  await rm(path.join(dataDir, 'catalogue.json'));
  const warnings: string[] = [];
  const fresh = await createCatalogueStore(dataDir, undefined, { warn: (m) => warnings.push(m) });
  t.equal(fresh.isNew, true);
  t.match(warnings, [/moved to .*catalogue\.journal\.orphan-/]);
  t.ok((await readdir(dataDir)).some((f) => f.startsWith('catalogue.journal.orphan-')));

  const upgraded = t.testdir();
  await writeFile(path.join(upgraded, 'catalogue.json'), catalogueText);
  const old = await createCatalogueStore(upgraded);
  t.equal(await readFile(path.join(upgraded, 'catalogue.journal'), 'utf8'), freshJournal(catalogueText), 'a catalogue from before the journal gets one at start');
  await old.update(claim('s-0', '升级后'));
  t.equal((await readEmbeddedCatalogue(upgraded))?.screens[0]?.name, '升级后');
});

t.test('commits go on while a snapshot is written: none waits for it, and every one is in the journal that follows', async (t) => {
  const dataDir = t.testdir();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let isHeld = false;
  const store = await fleetStore(dataDir, 20, {
    limitBytes: 2000,
    snapshotWritten: () => {
      isHeld = true;
      return held;
    },
  });
  const firstSnapshot = await readFile(path.join(dataDir, 'catalogue.json'), 'utf8');
  let i = 0;
  while (!isHeld && i < 200) await store.update((draft) => void (draft.screens[i % 20]!.name = `改名 ${i++}`));
  t.ok(isHeld, 'a snapshot began and is held');
  // The snapshot is held after its file is written: ten commits now. Before, the first of them waited for the snapshot.
  const answered = (async () => {
    for (let k = 0; k < 10; k++) await store.update((draft) => void (draft.screens[k]!.name = `快照中 ${k}`));
    return 'answered';
  })();
  let timer: NodeJS.Timeout | undefined;
  const blocked = new Promise((resolve) => (timer = setTimeout(resolve, 30_000, 'waited for the snapshot')));
  t.equal(await Promise.race([answered, blocked]), 'answered', 'ten commits answered one after another while the snapshot was held');
  clearTimeout(timer);
  release();
  await compacted(dataDir, firstSnapshot);
  const journal = await readFile(path.join(dataDir, 'catalogue.journal'), 'utf8');
  t.ok(journal.split('\n').filter(Boolean).length >= 11, 'the new journal holds its point and the commits made meanwhile');
  t.same(await readEmbeddedCatalogue(dataDir), store.read(), 'the snapshot with the new journal is the catalogue');
  const secondSnapshot = await readFile(path.join(dataDir, 'catalogue.json'), 'utf8');
  await store.update((draft) => void (draft.screens[0]!.name = '之后'));
  // That commit may have crossed the limit again: its snapshot (not held now) is let finish before the reopen.
  if ((await stat(path.join(dataDir, 'catalogue.journal'))).size > 2000) await compacted(dataDir, secondSnapshot);
  t.same((await createCatalogueStore(dataDir)).read(), store.read(), 'and later commits follow them');
});

t.test('a power cut after a snapshot written beside commits was renamed into place: the deltas after the one it follows are replayed', async (t) => {
  const dataDir = t.testdir();
  const store = await fleetStore(dataDir, 3);
  await store.update(claim('new', '新屏'));
  const text = JSON.stringify(store.read(), null, 2);
  await store.update((draft) => void (draft.screens[0]!.name = '快照之后'));
  await store.update((draft) => void (draft.screens[1]!.name = '也在之后'));
  // Deltas 2 and 3 were appended while the snapshot of the catalogue after delta 1 was written; then its point, then the rename.
  const sha = createHash('sha256').update(text).digest('hex');
  await appendFile(path.join(dataDir, 'catalogue.journal'), journalLine({ snapshot: sha, after: 1 }));
  await writeFile(path.join(dataDir, 'catalogue.json'), text);
  const reopened = await createCatalogueStore(dataDir);
  t.same(reopened.read(), store.read(), 'deltas 2 and 3, before the point in the file, are replayed');
  await reopened.update((draft) => void (draft.screens[2]!.name = '断电后'));
  t.same(await readEmbeddedCatalogue(dataDir), reopened.read(), 'and a change after it');
});
