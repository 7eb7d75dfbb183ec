// Streams an upload to a temp file, hashing it and sniffing its first bytes on the way, so the
// size limit of its kind applies while it arrives and nothing is ever held whole in memory.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rejections } from './media.errors.js';
import { SNIFF_BYTES, sniff, type Sniffed } from './sniff.js';

export interface SizeLimits {
  image: number;
  audio: number;
  video: number;
}

export interface Received {
  file: string;
  hash: string;
  bytes: number;
  sniffed: Sniffed;
}

/** Until ffprobe has looked, an audio/* container counts against the audio limit and any other one against video. */
const limitFor = (s: Sniffed, limits: SizeLimits) =>
  s.family === 'av' ? (s.mime.startsWith('audio/') ? limits.audio : limits.video) : limits.image;
const kindOf = (s: Sniffed): 'image' | 'audio' | 'video' => (s.family === 'av' ? (s.mime.startsWith('audio/') ? 'audio' : 'video') : 'image');

/**
 * Writes `source` to `file`. Rejects with a MediaRejection (413 over the limit of its kind, 415 for
 * an unknown type, 422 when empty) and then leaves no file behind. `isTruncated` reports a cut
 * made upstream (multipart's own byte limit).
 */
export async function receiveUpload(source: Readable, file: string, limits: SizeLimits, isTruncated: () => boolean = () => false): Promise<Received> {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headBytes = 0;
  let bytes = 0;
  let sniffed: Sniffed | undefined;
  const decide = async () => {
    // Only the first SNIFF_BYTES: a single huge chunk must not be copied whole just to read its start.
    sniffed = await sniff(Buffer.concat(headChunks, Math.min(headBytes, SNIFF_BYTES)));
    headChunks.length = 0;
    if (bytes > limitFor(sniffed, limits)) throw rejections.tooLarge(kindOf(sniffed), limitFor(sniffed, limits));
  };
  // A refusal does not break the pipe: the rest of the upload is read and dropped, so the client
  // gets its answer instead of a stalled connection (multipart's own cap bounds how much is read).
  let rejection: unknown;
  const refuse = (err: unknown) => (rejection ??= err);
  // Each chunk goes on to the file before it is hashed: the write then runs in libuv's pool while
  // this thread hashes, instead of one after the other.
  const pass = (chunk: Buffer, done: (err?: null, chunk?: Buffer) => void) => {
    done(null, chunk);
    hash.update(chunk);
  };
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (rejection) return done();
      bytes += chunk.length;
      if (!sniffed) {
        headChunks.push(chunk);
        headBytes += chunk.length;
        if (headBytes < SNIFF_BYTES) return pass(chunk, done);
        decide().then(() => pass(chunk, done), (err) => (refuse(err), done()));
        return;
      }
      if (bytes > limitFor(sniffed, limits)) return (refuse(rejections.tooLarge(kindOf(sniffed), limitFor(sniffed, limits))), done());
      pass(chunk, done);
    },
    flush(done) {
      if (sniffed || rejection) return done();
      decide().then(() => done(), (err) => (refuse(err), done()));
    },
  });
  const out = createWriteStream(file);
  try {
    await pipeline(source, meter, out);
    if (rejection) throw rejection;
    if (isTruncated()) {
      const s = sniffed!;
      throw rejections.tooLarge(kindOf(s), limitFor(s, limits));
    }
    return { file, hash: hash.digest('hex'), bytes, sniffed: sniffed! };
  } catch (err) {
    // A source that fails early (a cut multipart body) can reject the pipeline while the file's
    // open is still in flight: removing it before the stream has closed would race the open,
    // which then creates the file again, empty, after the rm.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await rm(file, { force: true });
    throw err;
  }
}
