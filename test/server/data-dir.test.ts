// A missing or damaged store stops the real server (a child on a copy of a used data dir) with one
// line naming the file and what to do; the file is left as it was; only an empty data dir is a first start.
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t, { type Test } from 'tap';
import { STORES, STORES_MANIFEST } from '../../server/storage/data-dir.js';
import { runServer, type ChildOutcome } from '../fixtures/child-server.js';
import { buildTestApp } from '../helper.js';

// About thirty child servers: more than the default 90 s on a busy two-core machine.
t.setTimeout(300_000);
const work = t.testdir({});
const used = path.join(work, 'used');
const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface Case {
  name: string;
  /** Starts from a copy of the used data dir unless `fromEmpty`. */
  fromEmpty?: boolean;
  prepare(dir: string): Promise<void>;
  env?: Record<string, string>;
  /** A refusal line to expect; absent: the server must start. */
  refusal?: (dir: string) => RegExp;
  /** A file (inside the data dir) whose bytes must come through unchanged. */
  untouched?: string;
  after?(t: Test, dir: string): Promise<void>;
}

/** Ways a file gets damaged. */
const damages: Record<string, (bytes: Buffer) => Buffer> = {
  truncated: (b) => b.subarray(0, Math.floor(b.length / 2)),
  garbage: (b) => Buffer.from(b.map((_, i) => (i * 7919 + 13) % 251)),
  'zeroed header': (b) => Buffer.concat([Buffer.alloc(100), b.subarray(100)]),
  empty: () => Buffer.alloc(0),
};
const damage = (name: string, how: (b: Buffer) => Buffer) => async (dir: string) => writeFile(path.join(dir, name), how(await readFile(path.join(dir, name))));

const cases: Case[] = [
  {
    name: 'an absent data dir is a first start, and records every store',
    fromEmpty: true,
    prepare: async (dir) => rm(dir, { recursive: true }),
    after: async (t, dir) => {
      const manifest = JSON.parse(await readFile(path.join(dir, STORES_MANIFEST), 'utf8')) as { stores: string[] };
      t.same(manifest.stores.sort(), STORES.map((s) => s.name).sort(), 'every store is there after the first start');
    },
  },
  ...STORES.map<Case>((store) => ({
    name: `a data dir without ${store.name} is refused, naming it and how to restore it`,
    prepare: async (dir) => rm(path.join(dir, store.name), { recursive: true }),
    refusal: () => new RegExp(`${escape(store.name)}.*npm run restore.*CRIER_RECREATE_STORES=${escape(store.name)}`),
    after: async (t, dir) => void t.notOk(await stat(path.join(dir, store.name)).catch(() => null), 'nothing was created in its place'),
  })),
  {
    name: 'CRIER_RECREATE_STORES starts a named store empty on purpose',
    prepare: async (dir) => rm(path.join(dir, 'pairing.sqlite3')),
    env: { CRIER_RECREATE_STORES: 'pairing.sqlite3' },
    after: async (t, dir) => void t.ok(await stat(path.join(dir, 'pairing.sqlite3'))),
  },
  {
    name: 'a store added by a newer version is created on upgrade, also in a data dir from before the store list',
    prepare: async (dir) => {
      await rm(path.join(dir, 'originals'), { recursive: true });
      await rm(path.join(dir, STORES_MANIFEST));
    },
    after: async (t, dir) => void t.ok((await stat(path.join(dir, 'originals'))).isDirectory()),
  },
  {
    name: 'a non-empty directory with no store in it is not taken for a first start',
    fromEmpty: true,
    prepare: async (dir) => writeFile(path.join(dir, 'notes.txt'), 'hello'),
    refusal: () => /notes\.txt.*CRIER_DATA_DIR/,
    after: async (t, dir) => void t.same(await readdir(dir), ['notes.txt']),
  },
  ...STORES.filter((s) => s.kind !== 'dir').flatMap((store) =>
    Object.entries(damages)
      // One truncated database is enough: SQLite reads a truncated file as shorter, quick_check finds it.
      .filter(([how]) => !(store.kind === 'sqlite' && how === 'truncated' && store.name !== 'airing.sqlite3'))
      // A journal cut short is what a power cut leaves: its torn last line is dropped (test/server/catalogue-journal.test.ts).
      .filter(([how]) => !(store.kind === 'journal' && how === 'truncated'))
      .map<Case>(([how, apply]) => ({
        name: `${store.name}, ${how}: refused with one line naming it, the file left as it was`,
        prepare: damage(store.name, apply),
        refusal: (dir) => new RegExp(`${escape(path.join(dir, store.name))}.*npm run restore`),
        untouched: store.name,
      })),
  ),
  {
    name: 'accounts.sqlite3 with one page overwritten fails quick_check at start',
    prepare: damage('accounts.sqlite3', (bytes) => {
      const pageSize = bytes.readUInt16BE(16);
      if (bytes.length < 3 * pageSize) throw new Error('no second page to damage');
      return Buffer.from(bytes).fill(0x5a, pageSize, 2 * pageSize);
    }),
    refusal: () => /accounts\.sqlite3.*(quick_check|malformed|SQLite)/,
    untouched: 'accounts.sqlite3',
  },
  {
    name: 'a catalogue with duplicate screen ids or references to missing media and playlists is refused, naming the ids',
    prepare: async (dir) => {
      const file = path.join(dir, 'catalogue.json');
      const catalogue = JSON.parse(await readFile(file, 'utf8'));
      const screen = { id: 'screen-twice', name: '大厅', isProvisional: false, groups: [], createdAt: '2026-11-30T00:00:00.000Z' };
      catalogue.screens.push(screen, { ...screen, name: '门口' });
      catalogue.playlists[0].items.push({ id: 'item-lost', mediaId: 'media-gone', durationMs: 5000 });
      catalogue.schedules.push({ id: 'rule-lost', playlistId: 'playlist-gone', target: { kind: 'all' }, priority: 5, createdAt: '2026-11-30T00:00:00.000Z' });
      await writeFile(file, JSON.stringify(catalogue));
    },
    refusal: () => /screen-twice.*media-gone.*playlist-gone/,
    untouched: 'catalogue.json',
  },
];

/** Children run four at a time (most cases only wait for the server's imports), all started before the first assertion. */
let running = 0;
const waiting: (() => void)[] = [];
async function runLimited(dir: string, env: Record<string, string> = {}): Promise<ChildOutcome> {
  if (running >= 4) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    const outcome = await runServer(dir, env);
    await outcome.child?.stop();
    return outcome;
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const results = new Map<Case, Promise<{ dir: string; outcome: ChildOutcome; before: string | null }>>();
t.before(async () => {
  // A data dir as a server leaves it: every store written, a second user.
  const app = await buildTestApp(t, { dataDir: used });
  const res = await app.inject({ method: 'POST', url: '/api/v1/users', payload: { username: 'clerk', displayName: '办事员', role: 'editor', password: 'clerk-password-1' } });
  if (res.statusCode !== 201) throw new Error(res.body);
  await app.close();
  cases.forEach((c, i) => {
    const dir = path.join(work, `case-${i}`);
    const run = async () => {
      if (c.fromEmpty) await mkdir(dir);
      else await cp(used, dir, { recursive: true });
      await c.prepare(dir);
      const before = c.untouched ? await sha(path.join(dir, c.untouched)) : null;
      return { dir, outcome: await runLimited(dir, c.env), before };
    };
    const result = run();
    result.catch(() => {});
    results.set(c, result);
  });
});

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { dir, outcome, before } = await results.get(c)!;
    if (!c.refusal) t.equal(outcome.code, null, `it starts: ${outcome.stderr}`);
    else {
      t.equal(outcome.code, 1, 'the server exits with 1');
      const lines = outcome.stderr.trim().split('\n');
      t.equal(lines.length, 1, `one line: ${outcome.stderr}`);
      t.match(lines[0], c.refusal(dir));
      t.notMatch(outcome.stderr, /\n\s+at /, 'no stack trace');
      t.match(lines[0], /^[^a-zA-Z]*[\u4e00-\u9fff].* \/ [a-z]/, 'Chinese, then English');
    }
    if (c.untouched) t.equal(await sha(path.join(dir, c.untouched)), before, `${c.untouched} is unchanged`);
    await c.after?.(t, dir);
  });
}
