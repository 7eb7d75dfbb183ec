// The snapshot's text, made in slices: JSON.stringify of 10,000 screens (3.4 MB) and its SHA-256 held
// the event loop for tens of milliseconds at every compaction; here the lists are written a slice of
// items at a time with a turn of the loop between slices, so heartbeats and requests are answered
// meanwhile. The bytes are those of JSON.stringify(catalogue, null, 2), so the file reads as before.
// Safe across turns: a committed catalogue is never changed in place (the store swaps in new objects).
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Items written between two turns of the event loop. */
const SLICE = 1000;

/** JSON.stringify(value, null, 2), every line after the first indented by `indent`. */
const indented = (value: unknown, indent: string) => (JSON.stringify(value, null, 2) ?? 'null').replace(/\n/g, `\n${indent}`);

/** The catalogue as `JSON.stringify(catalogue, null, 2)` would write it, and the SHA-256 of that text. */
export async function snapshotText(catalogue: object): Promise<{ text: string; sha: string }> {
  const hash = createHash('sha256');
  const pieces: string[] = [];
  let pending = '';
  const put = (piece: string) => {
    pending += piece;
  };
  const cut = async () => {
    hash.update(pending);
    pieces.push(pending);
    pending = '';
    await nextTurn();
  };
  const entries = Object.entries(catalogue).filter(([, value]) => value !== undefined && typeof value !== 'function');
  put(entries.length ? '{\n' : '{}');
  for (const [k, [key, value]] of entries.entries()) {
    put(`  ${JSON.stringify(key)}: `);
    if (Array.isArray(value) && value.length > 0) {
      put('[\n');
      for (let i = 0; i < value.length; i++) {
        put(`    ${indented(value[i], '    ')}${i < value.length - 1 ? ',\n' : '\n'}`);
        if ((i + 1) % SLICE === 0) await cut();
      }
      put('  ]');
    } else {
      put(indented(value, '  '));
    }
    put(k < entries.length - 1 ? ',\n' : '\n}');
  }
  hash.update(pending);
  pieces.push(pending);
  return { text: pieces.join(''), sha: hash.digest('hex') };
}
