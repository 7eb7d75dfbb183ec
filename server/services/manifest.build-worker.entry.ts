// The build worker's thread (manifest.build-worker.ts): builds the manifests of a large pass with the same
// pure code the main thread uses and sends their compact frames back in chunks of about CHUNK_MS of work,
// so the main thread delivers the first ones while the rest are built. Each frame is written into the frame
// arena shared with the main thread (frame-arena.ts) and only its place is sent; when the arena has no room
// the frame goes in a buffer of its own, transferred (not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { BuildReply, BuildRequest, BuildScreen, WorkerStart } from './manifest.build-worker.js';
import { announceThread } from '../ops/thread-cpu.js';
import { niceThisThread } from '../ops/thread-priority.js';
import { frameArenaWriter } from './frame-arena.js';
import { compactManifestFrame } from './manifest-frames.js';

/** Work between two answers: the first frames reach players early, and a chunk is tens of frames, not one message each. */
const CHUNK_MS = 10;
const { timeZone, nice, arena } = workerData as WorkerStart;
// Each screen handed over has a key of its own in its pass: a build kept for screens with the same rules would
// only be promoted and collected again (10,000 distinct screens: ~10 % of the thread's CPU in its GC).
const options = { timeZone, keepBuilt: false };
const port = parentPort!;
announceThread('build');
const places = arena ? frameArenaWriter(arena) : null;
/** Where the frame being written lies in the arena (-1: in memory of its own). */
let placedAt = -1;
/** Memory for a frame: a place in the arena while it has room, else a buffer of its own. */
const alloc = (length: number): Buffer => {
  const place = places?.take(length) ?? null;
  placedAt = place ? place.at : -1;
  return place ? place.bytes : Buffer.allocUnsafe(length);
};

// CRIER_BUILD_NICE above 0: the builds yield to the main thread (and to every other busy process).
niceThisThread(nice);

/** The catalogue the main thread sent last: builds handed over after it are of it. */
let catalogue: Catalogue | null = null;
const queue: { pass: number; at: Date; catalogue: Catalogue; screens: BuildScreen[]; next: number }[] = [];
let isDraining = false;

port.on('message', (request: BuildRequest) => {
  if (request.kind === 'catalogue') {
    // A new object (builds cache per catalogue object), keeping the lists that did not change.
    const next: Record<string, unknown> = { ...catalogue, ...request.changed };
    for (const key of request.removed) delete next[key];
    catalogue = next as unknown as Catalogue;
    return;
  }
  if (!catalogue) {
    port.postMessage({ pass: request.pass, error: 'no catalogue was sent before the screens' } satisfies BuildReply);
    return;
  }
  queue.push({ pass: request.pass, at: new Date(request.at), catalogue, screens: request.screens, next: 0 });
  if (!isDraining) {
    isDraining = true;
    setImmediate(drain);
  }
});

/**
 * The frame's memory as an ArrayBuffer of its own, to transfer: a frame of tens of KB has one already
 * (Buffer.allocUnsafe past half the pool); a small one, cut from the shared pool, is copied out.
 */
const ownBuffer = (frame: Buffer): ArrayBuffer =>
  frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? (frame.buffer as ArrayBuffer) : (new Uint8Array(frame).buffer as ArrayBuffer);

type Chunk = Extract<BuildReply, { versions: unknown }>;

/** Builds for up to CHUNK_MS, answers, and comes back after the messages that arrived meanwhile. */
function drain(): void {
  const start = performance.now();
  let chunk: Chunk | null = null;
  const post = () => {
    if (!chunk || chunk.versions.length === 0) return;
    port.postMessage(chunk satisfies BuildReply, chunk.frames);
    chunk = null;
  };
  while (queue.length > 0 && performance.now() - start < CHUNK_MS) {
    const job = queue[0]!;
    if (chunk && chunk.pass !== job.pass) post();
    chunk ??= { pass: job.pass, versions: [], compact: [], at: [], lengths: [], frames: [] };
    const screen = job.screens[job.next++]!;
    if (job.next === job.screens.length) queue.shift();
    try {
      const manifest = buildManifest(job.catalogue, screen, job.at, options);
      placedAt = -1;
      const frame = manifest && compactManifestFrame(manifest, undefined, alloc);
      // The full form (a manifest without compact pieces) is made apart, never in the arena.
      const at = frame?.isCompact ? placedAt : -1;
      chunk.versions.push(manifest ? manifest.version : null);
      chunk.compact.push(!!frame?.isCompact);
      chunk.at.push(at);
      chunk.lengths.push(frame ? frame.bytes.length : 0);
      if (frame && at < 0) chunk.frames.push(ownBuffer(frame.bytes));
    } catch (error) {
      // What was built goes back; the rest of this pass is the main thread's to build (it fails there the same way).
      post();
      port.postMessage({ pass: job.pass, error: String((error as Error)?.stack ?? error) } satisfies BuildReply);
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.pass === job.pass) queue.splice(i, 1);
    }
  }
  post();
  if (queue.length > 0) setImmediate(drain);
  else isDraining = false;
}
