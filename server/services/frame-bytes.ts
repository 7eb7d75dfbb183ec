// A frame's bytes written straight from its JSON's pieces: a manifest frame is tens of KB of two-byte text
// (Chinese names), and `Buffer.from` of the pieces joined first makes a flat copy of all of it per build.
export function bytesOf(pieces: readonly string[]): Buffer {
  let length = 0;
  for (const piece of pieces) length += Buffer.byteLength(piece);
  const bytes = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const piece of pieces) offset += bytes.write(piece, offset);
  return bytes;
}
