// A short, stable, dependency-free digest for manifest versions (cyrb53, over pairs of UTF-16 units). Not cryptographic:
// it only has to change when the content changes and be equal on every machine and restart.
// Two UTF-16 units per round (a manifest is tens of KB, hashed for every build); the length is mixed in
// first so that a trailing NUL still counts.
export function contentVersion(text: string): string {
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 2) {
    const ch = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const high = (h2 >>> 0).toString(16).padStart(8, '0');
  const low = (h1 >>> 0).toString(16).padStart(8, '0');
  return `${high}${low}`;
}
