// Builds share what they can (timeline-manifest.ts: ISO texts of instants, a screen's volumes per catalogue
// by the rules that shape them; timeline.ts: intervals and item lists per catalogue): a manifest built in a
// catalogue whose caches other screens' builds filled must be byte for byte the one built in a fresh copy of
// that catalogue, where every cache starts empty, for random catalogues, screens, modes and displays.
import fc from 'fast-check';
import t from 'tap';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { compactManifestJson, sharedManifestJson } from '../../playlists/timeline-manifest.js';
import { catalogueArb, NOW } from '../fixtures/random-catalogue.js';

const DISPLAYS = [{ width: 1920, height: 1080 }, { width: 1080, height: 1920 }, undefined];

const frameOf = (c: Catalogue, screen: Parameters<typeof buildManifest>[1], useCache: boolean) => {
  const m = buildManifest(c, screen, NOW, { timeZone: 'Asia/Shanghai', useCache });
  return m && `${m.version}\n${sharedManifestJson(m)}\n${compactManifestJson(m)}`;
};

t.test('a build with warm caches gives the frames a build in a fresh copy of the catalogue gives', async (t) => {
  let compared = 0;
  let differing = 0;
  fc.assert(
    fc.property(catalogueArb, fc.nat(), (c, seed) => {
      const screens = [...c.screens, { id: 'scr-unknown' }].flatMap((s) =>
        (['screen', 'audio', undefined] as const).flatMap((mode) => DISPLAYS.map((display) => ({ id: s.id, ...(display ? { display } : {}), ...(mode ? { mode } : {}) }))),
      );
      // Warm every cache with all screens in some order, then compare each against a cold build.
      const order = screens.map((s, i) => ({ s, k: (i * 7919 + seed) % 104729 })).sort((a, b) => a.k - b.k).map(({ s }) => s);
      const warm = new Map(order.map((s) => [JSON.stringify(s), frameOf(c, s, true)]));
      const seen = new Set<string | null>();
      for (const s of screens) {
        const cold = frameOf(structuredClone(c), s, false);
        if (warm.get(JSON.stringify(s)) !== cold) throw new Error(`the warm build of ${JSON.stringify(s)} differs from the cold one`);
        seen.add(cold);
        compared++;
      }
      differing += seen.size;
      return true;
    }),
    { numRuns: 60 },
  );
  t.ok(compared > 1000, `${compared} builds compared`);
  // The comparison means something only if screens got different frames.
  t.ok(differing > 120, `${differing} different frames among them`);
});

t.test('keepBuilt: false builds the same manifest and keeps no timeline for the next screen with the same rules', async (t) => {
  const [c] = fc.sample(catalogueArb, { numRuns: 1, seed: 11 });
  let checked = 0;
  for (const s of c!.screens) {
    const options = { timeZone: 'Asia/Shanghai' };
    const fresh = structuredClone(c!);
    const notKept = buildManifest(fresh, { id: s.id }, NOW, { ...options, keepBuilt: false });
    const again = buildManifest(fresh, { id: s.id }, NOW, { ...options, keepBuilt: false });
    const kept = buildManifest(fresh, { id: s.id }, NOW, options);
    const fromCache = buildManifest(fresh, { id: s.id }, NOW, options);
    if (!notKept || !kept) continue;
    checked++;
    t.equal(sharedManifestJson(again!), sharedManifestJson(notKept), `${s.id}: the same manifest`);
    t.equal(sharedManifestJson(kept), sharedManifestJson(notKept), `${s.id}: the same as a kept build`);
    t.not(again!.timeline, notKept.timeline, `${s.id}: built again, not taken from a cache`);
    t.equal(fromCache!.timeline, kept.timeline, `${s.id}: a kept build is taken from the cache`);
  }
  t.ok(checked > 0, `${checked} screens checked`);
});
