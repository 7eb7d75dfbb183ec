// A manifest's wire form is composed from parts stringified once (timeline-manifest.ts): it must be exactly
// JSON.stringify of the manifest, its version must follow its content, and its compact form must expand to it,
// for random catalogues.
import fc from 'fast-check';
import t from 'tap';
import { buildManifest } from '../../playlists/build-manifest.js';
import { isDeepStrictEqual } from 'node:util';
import { ManifestSchema, WireManifestSchema, type Manifest } from '../../playlists/manifest.schema.js';
import { compactManifestJson, sharedManifestJson } from '../../playlists/timeline-manifest.js';
import { catalogueArb, NOW } from '../fixtures/random-catalogue.js';

const DISPLAYS = [{ width: 1920, height: 1080 }, { width: 1080, height: 1920 }, undefined];

t.test('the shared JSON is JSON.stringify of the manifest without screenId, and versions follow the content', async (t) => {
  let manifests = 0;
  let compactBytes = 0;
  let fullBytes = 0;
  fc.assert(
    fc.property(catalogueArb, (c) => {
      const built: Manifest[] = [];
      for (const s of [...c.screens, { id: 'scr-unknown' }]) {
        for (const mode of [undefined, 'screen', 'audio'] as const) {
          for (const display of DISPLAYS) {
            const screen = { id: s.id, ...(display ? { display } : {}), ...(mode ? { mode } : {}) };
            for (const useCache of [true, false]) {
              const m = buildManifest(c, screen, NOW, { timeZone: 'Asia/Shanghai', useCache });
              if (!m) continue;
              const { screenId: _, ...shared } = m;
              const json = sharedManifestJson(m);
              if (json !== JSON.stringify(shared)) throw new Error(`wire JSON differs for ${s.id}: ${json.slice(0, 200)}`);
              if (!ManifestSchema.safeParse(JSON.parse(json)).success) throw new Error('wire JSON is not a valid manifest');
              // The compact form, expanded as a player expands it, is the same manifest.
              const compact = compactManifestJson(m);
              if (compact === null) throw new Error('a built manifest has a compact form');
              const expanded = WireManifestSchema.safeParse(JSON.parse(compact));
              if (!expanded.success || !isDeepStrictEqual(expanded.data, JSON.parse(json))) throw new Error(`compact form expands to another manifest for ${s.id}`);
              compactBytes += compact.length;
              fullBytes += json.length;
              built.push(m);
            }
          }
        }
      }
      manifests += built.length;
      // Equal versions exactly when the timelines are equal.
      const contentOf = new Map<string, string>();
      const versionOf = new Map<string, string>();
      for (const m of built) {
        const content = JSON.stringify(m.timeline);
        if ((contentOf.get(m.version) ?? content) !== content || (versionOf.get(content) ?? m.version) !== m.version) throw new Error(`version ${m.version} disagrees with content`);
        contentOf.set(m.version, content);
        versionOf.set(content, m.version);
      }
      return true;
    }),
    { numRuns: 80 },
  );
  t.ok(manifests > 1000, `${manifests} manifests checked`);
  t.ok(compactBytes < fullBytes, `compact ${compactBytes} bytes, full ${fullBytes}`);
});
