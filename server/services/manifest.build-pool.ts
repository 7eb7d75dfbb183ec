// Build threads side by side (manifest.build-worker.ts is one): a large pass's screens are dealt out to them
// in small pieces, in turn, and their frames are handed back in the order the screens were handed over, as
// the publisher expects of one thread. One thread by default: on the 2-core machine of the load test, where
// the simulated players share the cores, a second one made a push to 10,000 screens whose rules all differ
// slower (and cost ~30 % more CPU); with the cores to itself (`npm run bench -- publish:distinct`, no players)
// it was 16 % sooner (docs/scaling.md, fourteenth session). CRIER_BUILD_THREADS sets more for a server whose
// players are elsewhere and that has cores to spare. Every thread runs at the build worker's nice value
// (CRIER_BUILD_NICE).
import type { Worker } from 'node:worker_threads';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { CLOSED, createBuildWorker, dropFrames, type BuildPass, type BuildScreen, type BuildStart, type BuildWorker, type WorkerFrame } from './manifest.build-worker.js';

/** Screens a thread is given at a time: about 10 ms of builds, so frames come back from all of them in step. */
const PIECE = 16;
/**
 * A pass engages one more thread for each this many screens handed over: a township's pass of a few
 * hundred stays on one (each thread engaged costs the main thread a copy of the catalogue's changed lists).
 */
const SCREENS_PER_THREAD = 256;

export interface BuildPool extends BuildWorker {
  /** The running threads (those started and not failed). */
  readonly threads: Worker[];
}

export function createBuildPool(input: BuildStart & { threads?: number }): BuildPool {
  const { threads: count = 1, ...start } = input;
  const lanes: BuildWorker[] = [];
  const lane = (i: number) => (lanes[i] ??= createBuildWorker(start));
  /** The pass under way, until it is finished and every frame handed over was delivered. */
  let active: { fail(error: Error): void } | null = null;

  return {
    get thread() {
      return lanes[0]?.thread ?? null;
    },
    get threads() {
      return lanes.flatMap((l) => (l.thread ? [l.thread] : []));
    },
    get heldArenaBytes() {
      return lanes.reduce((sum, l) => sum + l.heldArenaBytes, 0);
    },
    startPass(catalogue: Readonly<Catalogue>, at: Date, handlers: Parameters<BuildWorker['startPass']>[2]): BuildPass {
      active?.fail(new Error('manifest build worker: a newer pass began'));
      const lanePasses: BuildPass[] = [];
      /** Frames each thread answered, not yet delivered; and the pieces in the order handed over: which thread, how many. */
      const answered: WorkerFrame[][] = [];
      const pieces: { lane: number; left: number }[] = [];
      let next = 0;
      let handed = 0;
      let delivered = 0;
      let isFinished = false;
      let isOver = false;
      const pass = {
        fail(error: Error) {
          if (isOver) return;
          isOver = true;
          if (active === pass) active = null;
          // Answered but not delivered: never will be.
          for (const frames of answered) if (frames) dropFrames(frames.splice(0));
          handlers.onFailed(error);
        },
      };
      active = pass;
      const endIfDone = () => {
        if (isFinished && delivered === handed && active === pass) {
          isOver = true;
          active = null;
        }
      };
      /** What can go out in order: the frames of the pieces at the head whose threads answered them. */
      const deliver = () => {
        const out: WorkerFrame[] = [];
        while (next < pieces.length) {
          const piece = pieces[next]!;
          const frames = answered[piece.lane]!;
          const taken = frames.splice(0, Math.min(piece.left, frames.length));
          out.push(...taken);
          piece.left -= taken.length;
          if (piece.left > 0) break;
          next++;
        }
        if (out.length === 0) return;
        delivered += out.length;
        handlers.onBuilt(out);
        endIfDone();
      };
      const passOf = (i: number): BuildPass => {
        if (!lanePasses[i]) {
          answered[i] = [];
          lanePasses[i] = lane(i).startPass(catalogue, at, {
            onBuilt(frames) {
              if (isOver) return dropFrames(frames);
              answered[i]!.push(...frames);
              deliver();
            },
            // One thread failing fails the pass: what was not delivered is the caller's to build.
            onFailed: (error) => pass.fail(error),
          });
        }
        return lanePasses[i];
      };
      return {
        add(screens: BuildScreen[]) {
          // One thread takes what is handed over as it comes: pieces only matter to deal out between threads.
          const size = count === 1 ? screens.length : PIECE;
          for (let from = 0; from < screens.length && !isOver; from += size) {
            const piece = screens.slice(from, from + size);
            const inUse = Math.min(count, 1 + Math.floor(handed / SCREENS_PER_THREAD));
            const i = pieces.length % inUse;
            pieces.push({ lane: i, left: piece.length });
            handed += piece.length;
            passOf(i).add(piece);
          }
        },
        finish() {
          isFinished = true;
          for (const p of lanePasses) p?.finish();
          endIfDone();
        },
      };
    },
    async warm(catalogue, at, screens) {
      const built = await Promise.all(Array.from({ length: count }, (_, i) => lane(i).warm(catalogue, at, screens)));
      return built.reduce((sum, n) => sum + n, 0);
    },
    async close() {
      active?.fail(CLOSED);
      await Promise.all(lanes.map((l) => l.close()));
    },
  };
}
