// A short, stable, dependency-free digest for manifest versions (cyrb53, over pairs of UTF-16 units). Not cryptographic:
// it only has to change when the content changes and be equal on every machine and restart.
// Two UTF-16 units per round (a manifest is tens of KB, hashed for every build); the length is mixed in
// first so that a trailing NUL still counts.

/** Scratch for the UTF-16 units of the text, read as one 32-bit word per pair (little-endian: the first unit low). */
let words = new Uint32Array(8192);
let wordBytes: Buffer | null = null;
/** Words read in the platform's byte order: the copied units pair up as the digest wants only on a little-endian machine. */
const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The digest of `text`, or of its parts joined (the same digest, without making the joined string: a build
 * hashes its timeline from the parts it was made of). Where Node's Buffer is at hand the units are copied
 * into a word array in one native call per part, several times faster than `charCodeAt` on a long or
 * concatenated string; elsewhere (a browser bundle, a big-endian machine) the parts are joined and read
 * unit by unit into the same array. Either way one loop mixes the words.
 */
export function contentVersion(text: string | readonly string[]): string {
  const parts = typeof text === 'string' ? [text] : text;
  let length = 0;
  for (const part of parts) length += part.length;
  let h1 = 0xdeadbeef ^ length;
  let h2 = 0x41c6ce57;
  const count = (length + 1) >> 1;
  if (words.length < count) words = new Uint32Array(Math.max(count, words.length * 2));
  const NodeBuffer = isLittleEndian ? (globalThis as { Buffer?: typeof Buffer }).Buffer : undefined;
  if (NodeBuffer) {
    if (!wordBytes || wordBytes.buffer !== words.buffer) wordBytes = NodeBuffer.from(words.buffer);
    let offset = 0;
    for (const part of parts) offset += wordBytes.write(part, offset, 'utf16le');
    // An odd length pairs the last unit with nothing (charCodeAt past the end: NaN, shifted to 0).
    if (length & 1) wordBytes.writeUInt16LE(0, offset);
  } else {
    const joined = parts.join('');
    for (let k = 0; k < count; k++) words[k] = joined.charCodeAt(2 * k) | (joined.charCodeAt(2 * k + 1) << 16);
  }
  for (let k = 0; k < count; k++) {
    const ch = words[k]!;
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const high = (h2 >>> 0).toString(16).padStart(8, '0');
  const low = (h1 >>> 0).toString(16).padStart(8, '0');
  return `${high}${low}`;
}
