// Manifest patches (playlists/manifest-patch.ts): applied to their base they give the next manifest byte
// for byte, for random JSON, random catalogues' manifests, and the changes a county makes; a patch that
// does not fit its base throws and leaves the base as it was.
import fc from 'fast-check';
import t from 'tap';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { CompactManifestSchema } from '../../playlists/manifest.schema.js';
import { applyManifestPatch, diffManifest, ManifestPatchSchema, type Json, type ManifestPatch } from '../../playlists/manifest-patch.js';
import { compactManifestJson } from '../../playlists/timeline-manifest.js';
import { catalogueArb, catalogueFrom, iso, NOW } from '../fixtures/random-catalogue.js';

/** The patch as a player gets it (through JSON and the schema) applied to the base, serialised. */
function roundTrip(base: Json, next: Json): string {
  // zod's records do not keep a key named __proto__ (never a manifest's key): that case has a test of its own below.
  fc.pre(!JSON.stringify([base, next]).includes('"__proto__"'));
  const patch = diffManifest(base, next);
  if (!patch) return JSON.stringify(base);
  const received = ManifestPatchSchema.parse(JSON.parse(JSON.stringify(patch)));
  return JSON.stringify(applyManifestPatch(base, received));
}

const wire = (c: Catalogue, screenId: string, now = NOW): Json => {
  const m = buildManifest(c, { id: screenId, display: { width: 1920, height: 1080 } }, now, { timeZone: 'Asia/Shanghai' });
  return m ? (JSON.parse(compactManifestJson(m)!) as Json) : null;
};

t.test('random JSON pairs: the applied patch serialises as the next value', async (t) => {
  let runs = 0;
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      runs++;
      return roundTrip(a as Json, b as Json) === JSON.stringify(b);
    }),
    { numRuns: 500 },
  );
  // Near pairs, as manifests are: the same object with a few keys changed, removed, added or moved.
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.string()), (a, extra, drop) => {
      runs++;
      const entries = Object.entries({ ...a, ...extra }).filter(([k]) => !drop.includes(k));
      const b = Object.fromEntries(drop.length % 2 ? entries.reverse() : entries);
      return roundTrip(a as Json, b as Json) === JSON.stringify(b) && roundTrip(b as Json, a as Json) === JSON.stringify(a);
    }),
    { numRuns: 300 },
  );
});

t.test('random catalogues: every pair of screens\' compact manifests', async (t) => {
  let pairs = 0;
  fc.assert(
    fc.property(catalogueArb, catalogueArb, (c1, c2) => {
      const manifests = [...c1.screens.map((s) => wire(c1, s.id)), ...c2.screens.map((s) => wire(c2, s.id))].filter((m) => m !== null);
      for (const a of manifests) {
        for (const b of manifests) {
          pairs++;
          if (roundTrip(a, b) !== JSON.stringify(b)) throw new Error('patched manifest differs');
        }
      }
      return true;
    }),
    { numRuns: 40 },
  );
  t.ok(pairs > 100, `${pairs} pairs`);
});

/** A county's catalogue: default campaign and two playlists, one screen per township. */
const county = () => catalogueFrom({ screens: [0, 1, 2], schedules: [], broadcasts: [], alerts: [], quiet: [], volumes: [], hasDefault: true });

t.test('the changes a county makes: patches much smaller than the manifest, applied byte for byte', async (t) => {
  const before = county();
  const cases: [string, Catalogue, Date?][] = [
    ['alert for all', { ...before, alerts: [{ id: 'al-1', title: '紧急', playlistId: 'pl-a', target: { kind: 'all' }, priority: 0, startsAt: iso(-1), createdAt: iso(-1) }] }],
    ['playlist edit', { ...before, playlists: before.playlists.map((p) => (p.id === 'pl-default' ? { ...p, items: [...p.items, { id: 'i-new', mediaId: 'm-b', durationMs: 6000 }] } : p)) }],
    ['schedule entry added', { ...before, schedules: [{ id: 'sch-1', playlistId: 'pl-b', target: { kind: 'all' }, priority: 1, windows: [{ start: '18:00', end: '20:00' }], createdAt: iso(0) }] }],
    ['day rolling over', before, new Date(NOW.getTime() + 86_400_000)],
  ];
  const base = wire(before, before.screens[0]!.id)!;
  for (const [name, after, at] of cases) {
    const next = wire(after, after.screens[0]!.id, at)!;
    const patch = diffManifest(base, next)!;
    t.ok(patch, `${name}: something changed`);
    const applied = applyManifestPatch(base, patch);
    t.equal(JSON.stringify(applied), JSON.stringify(next), `${name}: byte for byte`);
    t.ok(CompactManifestSchema.safeParse(applied).success, `${name}: a valid manifest`);
    t.ok(JSON.stringify(patch).length < JSON.stringify(next).length, `${name}: patch ${JSON.stringify(patch).length} bytes, manifest ${JSON.stringify(next).length}`);
    // The cleared alert goes back to the base.
    t.equal(JSON.stringify(applyManifestPatch(next, diffManifest(next, base)!)), JSON.stringify(base), `${name} undone: byte for byte`);
  }
});

t.test('a patch that does not fit its base throws and changes nothing', async (t) => {
  const base = { a: [1, 2, 3], b: { c: 'x' } } satisfies Json;
  const copy = JSON.stringify(base);
  const bad: ManifestPatch[] = [
    { keys: { a: { at: 2, remove: 5, insert: [] } } },
    { keys: { b: { at: 0, remove: 0, insert: [1] } } },
    { keys: { a: { keys: {} } } },
    { keys: { a: { at: 0, remove: 1, insert: [null], edits: [[0, 7, { replace: 1 }]] } } },
    { keys: { a: { at: 0, remove: 1, insert: [null], edits: [[3, 0, { replace: 1 }]] } } },
    { keys: { missing: { keys: {} } } },
    { keys: {}, removed: ['nope'] },
    { keys: {}, order: ['a'] },
    { keys: {}, order: ['a', 'zz'] },
  ];
  for (const patch of bad) t.throws(() => applyManifestPatch(base, patch), JSON.stringify(patch));
  t.throws(() => applyManifestPatch([1], { keys: {} }));
  t.equal(JSON.stringify(base), copy, 'the base is untouched');
  t.notOk(ManifestPatchSchema.safeParse({ keys: { a: { at: -1, remove: 0, insert: [] } } }).success, 'a negative index is refused');
  t.notOk(ManifestPatchSchema.safeParse({ replace: 1, extra: 2 }).success, 'unknown fields are refused');
  t.notOk(ManifestPatchSchema.safeParse({}).success, 'an empty patch is refused');
  // A key named __proto__ never becomes a prototype: the patch applies exactly or is refused.
  const next = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Json;
  const patch = ManifestPatchSchema.parse(JSON.parse(JSON.stringify(diffManifest({ a: 1 }, next))));
  try {
    t.equal(JSON.stringify(applyManifestPatch({ a: 1 }, patch)), JSON.stringify(next));
  } catch (error) {
    t.match(String(error), /patch key order/);
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined);
  t.equal(JSON.stringify(applyManifestPatch({ a: 1 }, diffManifest({ a: 1 }, next)!)), JSON.stringify(next), 'kept as a key when applied directly');
});
