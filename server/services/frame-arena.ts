// Where the build worker writes its frames (issue 14): one shared ring of memory instead of a new buffer per
// frame. A frame sent across as an ArrayBuffer of its own is new memory outside the main isolate's heap, and
// V8 starts a full marking of that heap for about every 50 MB of it ("external memory pressure"): a push to
// 10,000 screens whose rules all differ is ~170 MB of frames, several markings of a heap that holds 10,000
// sessions (docs/scaling.md, eighteenth session). Here the worker writes each frame at the ring's head and
// sends its place; the main thread reads it where it lies and gives the place back once the frame is written
// to every socket it went to. Places come back in the order they were given, so the worker writes only over
// frames the main thread is done with: a frame still held (a socket that has not drained) holds up what came
// after it, and the worker then sends its frames as buffers of their own, as before, until the ring frees.
// The worker is let write only half a ring ahead of the newest frame the main thread received, so a frame
// stays readable for half a ring after it was written, held or not: the frame caches and patch bases, which
// do not hold their frames, can still read a recent one (and make it again once it is gone).
//
// Positions are counted from the ring's start without wrapping (a place at `start` lies at `start % capacity`),
// so "older than" is a comparison of numbers; the first frame that would not fit before the ring's end starts
// at the next lap instead.

/** The ring's size by default: ~1,900 frames of 17 KB in flight between the worker's builds and the sockets. */
export const FRAME_ARENA_BYTES = 32 << 20;

/** What the main thread makes and the worker is started with. */
export interface FrameArenaMemory {
  ring: SharedArrayBuffer;
  /** One 64-bit word, moved on by the main thread as frames are given back: the worker may write below it plus the ring's size. */
  released: SharedArrayBuffer;
}

export const newFrameArenaMemory = (bytes = FRAME_ARENA_BYTES): FrameArenaMemory => ({ ring: new SharedArrayBuffer(bytes), released: new SharedArrayBuffer(8) });

/** The worker's half: places frames at the ring's head while the main thread has released the room. */
export function frameArenaWriter(memory: FrameArenaMemory) {
  const capacity = memory.ring.byteLength;
  const released = new BigInt64Array(memory.released);
  let head = 0;
  return {
    /** Room for `length` bytes at the head, as a Buffer over the ring and its position; null when there is none (then a buffer of its own). */
    take(length: number): { at: number; bytes: Buffer } | null {
      // A frame a quarter of the ring or more would hold up too much of it: it goes on its own.
      if (length === 0 || length > capacity / 4) return null;
      const offset = head % capacity;
      const at = offset + length > capacity ? head + capacity - offset : head;
      if (at + length - Number(Atomics.load(released, 0)) > capacity) return null;
      head = at + length;
      return { at, bytes: Buffer.from(memory.ring, at % capacity, length) };
    },
  };
}

/**
 * One frame's place in the ring, held by whoever still needs its bytes: its pass until every session of its
 * rules was sent it, and each send until it is written. Holders that only might use it again (frame caches,
 * patch bases) do not hold it: they ask `isLive` before they read, and make the bytes again when it is not.
 */
export interface FramePlace {
  readonly bytes: Buffer;
  /** Whether the bytes are still the frame's: the worker may not write there yet (true while held). */
  readonly isLive: boolean;
  /** Whether it may be held again: not given back yet (a place behind a held one waits with it). */
  readonly canHold: boolean;
  hold(): void;
  /** Gives up one hold; the last one lets the worker write there again (once the places before it are free too). */
  release(): void;
}

/** The main thread's half: the places the worker sent, in the order it gave them, and how far they are free. */
export function frameArenaLedger(memory: FrameArenaMemory) {
  const capacity = memory.ring.byteLength;
  const releasedWord = new BigInt64Array(memory.released);
  /** Places not yet given back, oldest first (from `first` on: shifting a long array each time would cost). */
  const places: Place[] = [];
  let first = 0;
  /** Below this every place was given back; the worker may write up to `open + capacity`. */
  let released = 0;
  let open = 0;
  let last = 0;

  class Place implements FramePlace {
    holds = 1;
    constructor(
      readonly start: number,
      readonly end: number,
      readonly bytes: Buffer,
    ) {}
    get isLive(): boolean {
      return this.start >= open;
    }
    get canHold(): boolean {
      return this.start >= released;
    }
    hold(): void {
      if (!this.canHold) throw new Error('frame arena: a place given back was held again');
      this.holds++;
    }
    release(): void {
      if (this.holds === 0) throw new Error('frame arena: a place released more often than it was held');
      if (--this.holds === 0 && places[first] === this) giveBack();
    }
  }

  /** Tells the worker how far it may write: over places given back, and no more than half a ring past the newest. */
  function letWrite(): void {
    const next = Math.min(released, last - capacity / 2);
    if (next <= open) return;
    open = next;
    Atomics.store(releasedWord, 0, BigInt(open));
  }
  /** Gives back the free places at the front. */
  function giveBack(): void {
    while (first < places.length && places[first]!.holds === 0) released = places[first++]!.end;
    if (first === places.length) (places.length = 0), (first = 0);
    else if (first > 1024 && first * 2 > places.length) places.splice(0, first), (first = 0);
    letWrite();
  }

  return {
    /** The frame the worker placed at `at` (held once: by whoever receives it), in the order the worker placed them. */
    place(at: number, length: number): FramePlace {
      if (at < last || at + length - open > capacity) throw new Error(`frame arena: a place out of order (${at}, ${length} bytes)`);
      // Nothing held before it: what lay between (room skipped at the ring's end) is free too.
      if (first === places.length) released = at;
      last = at + length;
      const place = new Place(at, at + length, Buffer.from(memory.ring, at % capacity, length));
      places.push(place);
      letWrite();
      return place;
    },
    /** Bytes between the oldest place still held and the newest one received (0: the whole ring is free). */
    get heldBytes(): number {
      return first < places.length ? last - places[first]!.start : 0;
    },
    get heldPlaces(): number {
      return places.length - first;
    },
  };
}
export type FrameArenaLedger = ReturnType<typeof frameArenaLedger>;
