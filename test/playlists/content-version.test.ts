// The manifest version's digest (playlists/content-version.ts) reads the text's UTF-16 units through a word
// array and may take the text in parts: it must give exactly what the digest of the joined string gave
// before (versions players already hold stay equal), whatever the parts, lengths and characters.
import fc from 'fast-check';
import t from 'tap';
import { contentVersion } from '../../playlists/content-version.js';

/** The digest as it was written first: `charCodeAt` over the whole string, two units per round. */
function referenceVersion(text: string): string {
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 2) {
    const ch = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h2 >>> 0).toString(16).padStart(8, '0')}${(h1 >>> 0).toString(16).padStart(8, '0')}`;
}

// Units of every kind: ASCII, Han, a NUL, lone and paired surrogates.
const unit = fc.oneof(fc.constantFrom('a', '"', '\u0000', '防', '·', '\ud83d', '\ude00', '😀'), fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 }));
const text = fc.array(unit, { maxLength: 40 }).map((units) => units.join(''));

/** Random texts and splits of them: `version` of each text and of its parts must be the first digest of the text. Returns the texts checked. */
function checkedSplits(version: (text: string | string[]) => string, runs: number): number {
  let checked = 0;
  fc.assert(
    fc.property(fc.array(text, { maxLength: 6 }), (parts) => {
      const joined = parts.join('');
      const expected = referenceVersion(joined);
      if (version(joined) !== expected) throw new Error(`digest of ${JSON.stringify(joined)} differs`);
      if (version(parts) !== expected) throw new Error(`digest of the parts ${JSON.stringify(parts)} differs`);
      checked++;
      return true;
    }),
    { numRuns: runs },
  );
  return checked;
}

t.test('the digest of a string, and of any split of it into parts, is the first digest of the joined string', async (t) => {
  t.equal(checkedSplits(contentVersion, 2000), 2000);
  // Longer than the word array the digest starts with (8,192 words), odd and even, after a short one.
  for (const length of [16_383, 16_384, 16_385, 40_001]) {
    const long = '防a'.repeat(length).slice(0, length);
    t.equal(contentVersion([long.slice(0, 7), long.slice(7)]), referenceVersion(long), `${length} units in two parts`);
    t.equal(contentVersion('ab'), referenceVersion('ab'), 'a short text after it');
  }
  t.equal(contentVersion(''), referenceVersion(''), 'the empty text');
  t.equal(contentVersion([]), referenceVersion(''), 'no parts: the empty text');
  t.not(contentVersion('a\u0000'), contentVersion('a'), 'a trailing NUL counts');
});

/** `contentVersion` as the browser bundle runs it: Node's Buffer hidden for the call only (tap itself needs it). */
function versionWithoutBuffer(text: string | string[]): string {
  const { Buffer: nodeBuffer } = globalThis;
  (globalThis as { Buffer?: unknown }).Buffer = undefined;
  try {
    return contentVersion(text);
  } finally {
    globalThis.Buffer = nodeBuffer;
  }
}

t.test('without Node\'s Buffer (the browser bundle\'s path) the digest is the same', async (t) => {
  t.equal(checkedSplits(versionWithoutBuffer, 1000), 1000);
  const long = '防a'.repeat(9_000).slice(0, 17_999);
  t.equal(versionWithoutBuffer([long.slice(0, 5), long.slice(5)]), referenceVersion(long), 'longer than the word array, odd');
  t.equal(contentVersion(long), referenceVersion(long), 'and with Buffer again after it');
});
