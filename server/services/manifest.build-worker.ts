// A worker thread for the builds of large passes (issue 14): a push to 10,000 screens whose rules all differ
// is ~2 s of builds, and on the main thread they keep the event loop busy for all of it, so heartbeats and
// /healthz wait for the scheduler to give it a core back. Here the main thread works out the keys, hands
// over one screen per new key and delivers the frames as they come back; the builds' garbage stays in the
// worker's heap. The catalogue is sent once per catalogue object, and only its lists that are not the ones
// sent before: a commit replaces the lists it changes and keeps the others, so an alert sends the alerts,
// not 10,000 screens and their schedules (~25 ms to clone), and the worker keeps the lists it has, with
// everything its builds cached by them (indexes, resolved rules), as the main thread does.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Display } from '../../playlists/build-manifest.js';
import type { Catalogue, ScreenMode } from '../../playlists/catalogue.schema.js';
import { FRAME_ARENA_BYTES, frameArenaLedger, newFrameArenaMemory, type FrameArenaLedger, type FrameArenaMemory, type FramePlace } from './frame-arena.js';

/** A screen as the publisher builds it: fields present but undefined stay so (they override the catalogue's). */
export interface BuildScreen {
  id: string;
  display?: Display;
  mode?: ScreenMode;
}
export interface BuildStart {
  timeZone: string;
  /** The thread's nice value (Linux; CRIER_BUILD_NICE, config.ts): above 0 it yields to the main thread, and to every other busy process; 0 or none: the process's. */
  nice?: number;
  /** The size of the ring the thread writes its frames into (frame-arena.ts; tests make it small); 0: none, every frame a buffer of its own. */
  arenaBytes?: number;
}
/** What the thread is started with: the arena a new thread gets. */
export type WorkerStart = Omit<BuildStart, 'arenaBytes'> & { arena: FrameArenaMemory | null };
/** The catalogue's fields that differ (by identity) from those sent before, and those it no longer has. */
export type BuildRequest = { kind: 'catalogue'; changed: Partial<Catalogue>; removed: string[] } | { kind: 'build'; pass: number; at: number; screens: BuildScreen[] };
/**
 * Frames for the next screens of a pass, in the order handed over, or the error that stopped it. A frame lies
 * in the arena at `at[i]` (`lengths[i]` bytes), or, where `at[i]` is -1, is the next of `frames` (its own
 * buffer, transferred); a version null: nothing airs there.
 */
export type BuildReply =
  | { pass: number; versions: (string | null)[]; compact: boolean[]; at: number[]; lengths: number[]; frames: ArrayBuffer[] }
  | { pass: number; error: string };

/**
 * A screen's manifest as the worker built it: its version and compact frame (`isCompact` false: the full form);
 * null when nothing airs. `place`: the frame lies in the arena, held once for whoever receives it, who releases
 * it when done (none: `frame` is memory of its own).
 */
export type WorkerFrame = { version: string; frame: Buffer; isCompact: boolean; place?: FramePlace } | null;
/** Lets go of frames that will not be delivered (a pass given up): their places in the arena are free again. */
export const dropFrames = (frames: readonly WorkerFrame[]): void => {
  for (const f of frames) f?.place?.release();
};

export interface BuildPass {
  /** More screens, in the pass's order; their frames come to `onBuilt` in the same order. */
  add(screens: BuildScreen[]): void;
  /** Nothing more will be added: the thread may idle (and not hold the process) once it has answered. */
  finish(): void;
}

export interface BuildWorker {
  /**
   * A pass over `catalogue` at `at`. `onFailed` is called at most once, possibly from within `add` (a catalogue
   * that cannot be sent), when the thread fails or ends: what was not answered is then the caller's to build.
   */
  startPass(catalogue: Readonly<Catalogue>, at: Date, handlers: { onBuilt(frames: WorkerFrame[]): void; onFailed(error: Error): void }): BuildPass;
  /**
   * Starts the thread before the first large pass needs it: it takes `catalogue` in and builds `screens`
   * (their frames dropped), so that pass finds its code compiled and the catalogue held. Resolves with how
   * many it built (0: a thread was running or starting already, a pass under way, or the worker closed);
   * rejects if it failed.
   */
  warm(catalogue: Readonly<Catalogue>, at: Date, screens: BuildScreen[]): Promise<number>;
  /** Ends the thread (the server's shutdown); a pass under way fails over to the caller. */
  close(): Promise<void>;
  /** The running thread, null before the first pass (or warm-up) or after a failure (the next pass starts another). */
  readonly thread: Worker | null;
  /** Bytes of the running thread's frame arena still held (frames not yet written everywhere they went; 0: all free). */
  readonly heldArenaBytes: number;
}

/** What a pass under way is told when the server closes (a warm-up under way just ends). */
export const CLOSED = new Error('manifest build worker closed');
const HERE = fileURLToPath(import.meta.url);
const ENTRY = path.join(path.dirname(HERE), `manifest.build-worker.entry${path.extname(HERE)}`);
/**
 * The thread's code, bundled once per process as the airing writer's is (no TypeScript loader to register in
 * the thread), but in the background from the worker's creation: ~0.1 s that would otherwise stall the event
 * loop at the first large pass.
 */
let source: string | null = null;
let bundling: Promise<string> | null = null;
const threadSource = () =>
  (bundling ??= build({ entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'error' }).then(
    (result) => (source = result.outputFiles[0]!.text),
  ));

/** A chunk's frames as Buffers over the arena or the transferred memory (no copy). */
function framesOf(reply: Extract<BuildReply, { versions: unknown }>, ledger: FrameArenaLedger | null): WorkerFrame[] {
  let own = 0;
  return reply.versions.map((version, i) => {
    const at = reply.at[i]!;
    if (at >= 0) {
      // Placed even when nothing will read it, so the ledger keeps the worker's order.
      const place = ledger!.place(at, reply.lengths[i]!);
      return { version: version!, frame: place.bytes, isCompact: reply.compact[i]!, place };
    }
    return version === null ? null : { version, frame: Buffer.from(reply.frames[own++]!), isCompact: reply.compact[i]! };
  });
}

/** What the thread needs to turn the catalogue it holds (`before`; none: an empty one) into `after`. */
export function catalogueChange(before: Readonly<Catalogue> | null, after: Readonly<Catalogue>): { changed: Partial<Catalogue>; removed: string[] } {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) if (!before || (before as Record<string, unknown>)[key] !== value || !(key in before)) changed[key] = value;
  const removed = before ? Object.keys(before).filter((key) => !(key in after)) : [];
  return { changed: changed as Partial<Catalogue>, removed };
}

export function createBuildWorker(input: BuildStart): BuildWorker {
  const { arenaBytes = FRAME_ARENA_BYTES, ...start } = input;
  let thread: Worker | null = null;
  /** The running thread's arena (each thread gets a new one: a failed thread's places are never given back). */
  let ledger: FrameArenaLedger | null = null;
  /** The catalogue object the thread holds: a pass over another one sends what differs first. */
  let held: Readonly<Catalogue> | null = null;
  let nextPass = 1;
  type ActivePass = { id: number; handlers: Parameters<BuildWorker['startPass']>[2]; unanswered: number; isFinished: boolean };
  let active: ActivePass | null = null;
  /** The warm-up's pass (never the active one): frames still to come, and who waits for them. */
  let warming: { id: number; left: number; built: number; done(built: number): void; failed(error: Error): void } | null = null;
  /** Closed (the server's shutdown): no thread is warmed any more. */
  let isClosed = false;

  /** The thread is of no more use: ended, and the pass under way (if any) told to build the rest itself. */
  const fail = (error: Error) => {
    const failed = thread;
    thread = null;
    ledger = null;
    waiting = null;
    held = null;
    if (failed) void failed.terminate();
    // Closed while warming: what was built is all there will be; otherwise the warm-up failed.
    if (error === CLOSED) warming?.done(warming.built);
    else warming?.failed(error);
    warming = null;
    const pass = active;
    active = null;
    pass?.handlers.onFailed(error);
  };
  const idleIfDone = () => {
    if (active && active.isFinished && active.unanswered === 0) {
      active = null;
      thread?.unref();
    }
  };

  const spawn = (code: string): Worker => {
    const arena = arenaBytes > 0 ? newFrameArenaMemory(arenaBytes) : null;
    const places = arena && frameArenaLedger(arena);
    const started = new Worker(code, { eval: true, workerData: { ...start, arena } satisfies WorkerStart });
    ledger = places;
    started.on('message', (reply: BuildReply) => {
      // A thread failed and replaced: its arena goes with it.
      if (started !== thread) return;
      if ('error' in reply) return reply.pass === active?.id || reply.pass === warming?.id ? fail(new Error(`manifest build worker: ${reply.error}`)) : undefined;
      let frames: WorkerFrame[];
      try {
        frames = framesOf(reply, places);
      } catch (error) {
        // A place the ledger refuses (never seen: the thread and the ledger share their rules): the thread is
        // of no more use, and the pass is built here, rather than the server ended by a throw in this callback.
        return fail(error instanceof Error ? error : new Error(String(error)));
      }
      if (warming && reply.pass === warming.id) {
        warming.built += frames.filter((f) => f !== null).length;
        if ((warming.left -= frames.length) === 0) {
          warming.done(warming.built);
          warming = null;
          if (!active) thread?.unref();
        }
      }
      // A pass given up (the caller moved on), or the warm-up's, is not answered; its frames' places are free again.
      if (!active || reply.pass !== active.id) return dropFrames(frames);
      active.unanswered -= frames.length;
      active.handlers.onBuilt(frames);
      idleIfDone();
    });
    started.on('error', (error) => {
      if (started === thread) fail(error);
    });
    started.on('exit', (code) => {
      if (started === thread) fail(new Error(`manifest build worker exited (${code})`));
    });
    started.unref();
    return started;
  };

  /** Requests made before the code was bundled, sent when it is (null: none waiting). */
  let waiting: BuildRequest[] | null = null;
  const post = (request: BuildRequest) => {
    if (!thread && source !== null) thread = spawn(source);
    if (thread) return thread.postMessage(request);
    if (waiting) return void waiting.push(request);
    const queued = (waiting = [request]);
    threadSource().then(
      (code) => {
        if (waiting !== queued) return; // failed or closed meanwhile
        waiting = null;
        try {
          const started = (thread = spawn(code));
          for (const r of queued) started.postMessage(r);
          if (active || warming) started.ref();
        } catch (error) {
          fail(error instanceof Error ? error : new Error(String(error)));
        }
      },
      (error: Error) => {
        if (waiting === queued) fail(error);
      },
    );
  };
  // Bundled now, so the first large pass does not wait for it (a failure here surfaces at that pass).
  threadSource().catch(() => undefined);
  /** The thread's catalogue becomes `catalogue`: what differs from the one it holds is sent first. */
  const hold = (catalogue: Readonly<Catalogue>) => {
    if (held === catalogue) return;
    post({ kind: 'catalogue', ...catalogueChange(held, catalogue) });
    held = catalogue;
  };

  return {
    get thread() {
      return thread;
    },
    get heldArenaBytes() {
      return ledger?.heldBytes ?? 0;
    },
    startPass(catalogue, at, handlers) {
      // Passes run one at a time; one left unanswered is given up, its late answers dropped.
      active?.handlers.onFailed(new Error('manifest build worker: a newer pass began'));
      const pass: ActivePass = { id: nextPass++, handlers, unanswered: 0, isFinished: false };
      active = pass;
      const isCurrent = () => active === pass;
      return {
        add(screens) {
          if (!isCurrent() || screens.length === 0) return;
          try {
            hold(catalogue);
            post({ kind: 'build', pass: pass.id, at: at.getTime(), screens });
            pass.unanswered += screens.length;
            thread?.ref();
          } catch (error) {
            fail(error instanceof Error ? error : new Error(String(error)));
          }
        },
        finish() {
          pass.isFinished = true;
          if (isCurrent()) idleIfDone();
        },
      };
    },
    warm(catalogue, at, screens) {
      // After a close too: a pass that ends during the server's shutdown warms on its way out (publisher).
      if (isClosed || thread || waiting || active || screens.length === 0) return Promise.resolve(0);
      const id = nextPass++;
      const warmed = new Promise<number>((done, failed) => (warming = { id, left: screens.length, built: 0, done, failed }));
      try {
        hold(catalogue);
        // A pass of its own that is never the active one: its frames are dropped as they come (their places given back).
        post({ kind: 'build', pass: id, at: at.getTime(), screens });
        // Held by the process while it warms (a pass's thread is too); `thread` is null while the code is bundled.
        (thread as Worker | null)?.ref();
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
      return warmed;
    },
    async close() {
      isClosed = true;
      const closing = thread;
      fail(CLOSED);
      await closing?.terminate();
    },
  };
}
