// A manifest on the wire is validated by the schema of the form it is in (compact: it says `itemsLoop`), and
// only that one: a bad compact manifest is refused with that form's own issues, at their place in the message,
// not with a union's "neither form" around both forms' issues.
import fc from 'fast-check';
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import { ManifestMessageSchema } from '../../player/protocol.js';
import { buildManifest } from '../../playlists/build-manifest.js';
import { ManifestSchema, parseWireManifest, WireManifestSchema, type Manifest } from '../../playlists/manifest.schema.js';
import { compactManifestJson, sharedManifestJson } from '../../playlists/timeline-manifest.js';
import { catalogueArb, NOW } from '../fixtures/random-catalogue.js';

/** A built manifest with items, in both wire forms (parsed JSON). */
function sample(): { full: Record<string, unknown>; compact: Record<string, any> } {
  for (const c of fc.sample(catalogueArb, { numRuns: 50, seed: 7 })) {
    for (const s of c.screens) {
      const m: Manifest | null = buildManifest(c, { id: s.id }, NOW, { timeZone: 'Asia/Shanghai' });
      if (!m || m.items.length === 0) continue;
      return { full: JSON.parse(sharedManifestJson(m)), compact: JSON.parse(compactManifestJson(m)!) };
    }
  }
  throw new Error('no catalogue of the sample builds a manifest with items');
}

t.test('both forms are taken, the compact one expanded to the full one', async (t) => {
  const { full, compact } = sample();
  const fromFull = parseWireManifest(full);
  const fromCompact = parseWireManifest(compact);
  t.ok(fromFull.success && fromCompact.success);
  t.ok(isDeepStrictEqual(fromCompact.success && fromCompact.data, ManifestSchema.parse(full)), 'the compact form expands to the full one');
  t.ok(isDeepStrictEqual(WireManifestSchema.parse(compact), fromCompact.success && fromCompact.data), 'the schema gives what the function gives');
});

t.test('a bad compact manifest is refused with the compact form’s issues only, under `manifest` in a message', async (t) => {
  const { compact } = sample();
  compact.timeline.items[0].hash = 'not-a-hash';
  const direct = parseWireManifest(compact);
  t.notOk(direct.success);
  const issues = direct.success ? [] : direct.error.issues;
  t.same(issues.map((i) => i.path), [['timeline', 'items', 0, 'hash']], 'one issue, where the bad hash is');
  t.notOk(issues.some((i) => i.code === 'invalid_union'), 'not a union’s "neither form"');

  const inMessage = ManifestMessageSchema.safeParse({ type: 'manifest', manifest: compact });
  t.notOk(inMessage.success);
  t.same(inMessage.error?.issues.map((i) => i.path), [['manifest', 'timeline', 'items', 0, 'hash']]);
});

t.test('a compact manifest whose loops name a missing item is refused; a full one without items too', async (t) => {
  const { full, compact } = sample();
  const loops = compact.timeline.loops as Record<string, number[]>;
  loops[compact.itemsLoop as string] = [999];
  const bad = parseWireManifest(compact);
  t.notOk(bad.success);
  t.match(bad.success ? '' : bad.error.issues[0]!.message, /compact manifest refers to a missing item/);

  const { items: _, ...noItems } = full;
  const refused = parseWireManifest(noItems);
  t.notOk(refused.success);
  t.same(refused.success ? [] : refused.error.issues.map((i) => i.path), [['items']], 'the full form’s own issue');
});

t.test('what is not a manifest is refused without throwing', async (t) => {
  for (const value of [null, 3, 'manifest', [], {}]) {
    const parsed = parseWireManifest(value);
    t.notOk(parsed.success, `${JSON.stringify(value)} refused`);
  }
  t.notOk(ManifestMessageSchema.safeParse({ type: 'manifest', manifest: null }).success);
});
