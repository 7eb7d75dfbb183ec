// A frame's bytes written straight from its JSON's pieces: a manifest frame is tens of KB of two-byte text
// (Chinese names), and `Buffer.from` of the pieces joined first makes a flat copy of all of it per build.
// A piece given as bytes (UTF-8 made once for what many frames share) is copied, not encoded again.
// `alloc` gives the memory to write them into (the build worker's: a place in its frame arena).
export function bytesOf(pieces: readonly (string | Uint8Array)[], alloc: (length: number) => Buffer = Buffer.allocUnsafe): Buffer {
  let length = 0;
  for (const piece of pieces) length += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
  const bytes = alloc(length);
  let offset = 0;
  for (const piece of pieces) {
    if (typeof piece === 'string') offset += bytes.write(piece, offset);
    else {
      bytes.set(piece, offset);
      offset += piece.length;
    }
  }
  return bytes;
}
