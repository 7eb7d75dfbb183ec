// Frames whose cost grows with their size (a plays batch: parsing and validating its records) are not
// handled in the poll phase that read them: thousands of players sending at once would make that one
// phase a stall of half a second, with every heartbeat and /healthz behind it. They wait in one queue,
// handled in slices of at most `sliceMs` (the loop turns between slices), so small frames (heartbeats,
// acks) and HTTP are answered between slices. Small frames never wait, not even behind their own
// connection's large one (a heartbeat must not wait for a burst): nothing in the protocol depends on a
// small frame coming after a large one; large frames are handled in the order they came.
import { createSlicedQueue, type SlicedQueue } from './sliced-queue.js';

export interface FrameQueueLimits {
  /** Frames of at least this many bytes wait their turn; smaller ones run at once. */
  heavyBytes: number;
  /** The longest a slice of queued frames runs before the loop turns. */
  sliceMs: number;
  /** A connection with this many bytes waiting is not read further until they are handled (TCP pushes back). */
  laneBytes: number;
}

/** A plays frame of a few records runs at once; a batch of twenty (≈ 6 KB) waits its turn. */
export const DEFAULT_FRAME_QUEUE: FrameQueueLimits = { heavyBytes: 2048, sliceMs: 8, laneBytes: 1 << 20 };

/** One connection's place in the queue. */
export interface FrameLane {
  /** Its frames and bytes still waiting. */
  queued: number;
  bytes: number;
  /** Set when the connection closed: what still waits of it is dropped (nothing of it was acknowledged). */
  isClosed: boolean;
  /** Stop and restart reading the connection (memory stays bounded whatever a client sends). */
  pause: () => void;
  resume: () => void;
  isPaused: boolean;
}

export type FrameQueue = ReturnType<typeof createFrameQueue>;

/** `queue`: the slices frames are handled in, shared with the acks (which go first) when given. */
export function createFrameQueue(limits: FrameQueueLimits = DEFAULT_FRAME_QUEUE, now: () => number = () => performance.now(), queue: SlicedQueue = createSlicedQueue(limits.sliceMs, now)) {
  let waitingBytes = 0;
  let waitingFrames = 0;

  return {
    lane: (pause: () => void = () => {}, resume: () => void = () => {}): FrameLane => ({ queued: 0, bytes: 0, isClosed: false, pause, resume, isPaused: false }),
    /** Runs `run` now (small) or in its turn (large); `waitedMs` says how long it waited. */
    take(lane: FrameLane, bytes: number, run: (waitedMs: number) => void): void {
      if (bytes < limits.heavyBytes) return run(0);
      lane.queued++;
      lane.bytes += bytes;
      if (!lane.isPaused && lane.bytes >= limits.laneBytes) (lane.isPaused = true), lane.pause();
      waitingBytes += bytes;
      const at = now();
      waitingFrames++;
      queue.push(() => {
        waitingFrames--;
        waitingBytes -= bytes;
        lane.queued--;
        lane.bytes -= bytes;
        if (lane.isPaused && lane.queued === 0) {
          lane.isPaused = false;
          lane.resume();
        }
        if (!lane.isClosed) run(now() - at);
      });
    },
    /** Frames waiting their turn. */
    get waiting(): number {
      return waitingFrames;
    },
    get waitingBytes(): number {
      return waitingBytes;
    },
  };
}
