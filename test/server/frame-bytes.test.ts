// A compact manifest frame is written from its JSON's pieces (server/services/frame-bytes.ts) instead of
// from the pieces joined: the bytes must be exactly the UTF-8 of the joined text, for any text and for the
// pieces of random catalogues' manifests.
import fc from 'fast-check';
import t from 'tap';
import { buildManifest } from '../../playlists/build-manifest.js';
import { compactManifestFramePieces, compactManifestJson, compactManifestPieces } from '../../playlists/timeline-manifest.js';
import { bytesOf } from '../../server/services/frame-bytes.js';
import { catalogueArb, NOW } from '../fixtures/random-catalogue.js';

t.test('the bytes written from pieces (text or UTF-8) are the UTF-8 of the pieces joined', async (t) => {
  const piece = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('防范电信网络诈骗 · 默认宣传循环', '😀', ''));
  let checked = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
      if (!bytesOf(pieces).equals(Buffer.from(pieces.join('')))) throw new Error(`bytes of ${JSON.stringify(pieces)} differ`);
      // Any of them given as its UTF-8 bytes instead.
      const mixed = pieces.map((p, i) => (i % 2 ? new TextEncoder().encode(p) : p));
      if (!bytesOf(mixed).equals(Buffer.from(pieces.join('')))) throw new Error(`bytes of ${JSON.stringify(pieces)}, some as bytes, differ`);
      checked++;
      return true;
    }),
    { numRuns: 1000 },
  );
  t.equal(checked, 1000);
});

t.test("a built manifest's compact pieces join to its compact JSON and write to the same bytes", async (t) => {
  let manifests = 0;
  fc.assert(
    fc.property(catalogueArb, (c) => {
      for (const s of [...c.screens, { id: 'scr-unknown' }]) {
        const m = buildManifest(c, { id: s.id, display: { width: 1920, height: 1080 } }, NOW, { timeZone: 'Asia/Shanghai' });
        if (!m) continue;
        const pieces = compactManifestPieces(m)!;
        const json = compactManifestJson(m)!;
        if (pieces.join('') !== json) throw new Error(`pieces of ${s.id} join to another text`);
        JSON.parse(json);
        const expected = Buffer.from(`{"type":"manifest","manifest":${json}}`);
        if (!bytesOf(['{"type":"manifest","manifest":', ...pieces, '}']).equals(expected)) throw new Error(`frame of ${s.id} differs`);
        // With the item table as bytes made once (twice: the second time they are reused).
        for (let k = 0; k < 2; k++) if (!bytesOf(['{"type":"manifest","manifest":', ...compactManifestFramePieces(m)!, '}']).equals(expected)) throw new Error(`frame of ${s.id} from bytes differs`);
        manifests++;
      }
      return true;
    }),
    { numRuns: 40 },
  );
  t.ok(manifests > 100, `${manifests} manifests checked`);
});
