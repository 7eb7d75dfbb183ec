// The frame arena's two halves over one memory (frame-arena.ts), in one thread: where the worker may write,
// when a frame's bytes stop being its own, and that nothing held is ever written over.
import t from 'tap';
import { frameArenaLedger, frameArenaWriter, newFrameArenaMemory } from '../../server/services/frame-arena.js';

const RING = 1000;

/** A ring of RING bytes; `write`: the worker's write of `length` bytes of `fill`, placed in the ledger as its message would be (null: no room). */
function setUp() {
  const memory = newFrameArenaMemory(RING);
  const writer = frameArenaWriter(memory);
  const ledger = frameArenaLedger(memory);
  const write = (length: number, fill: number) => {
    const taken = writer.take(length);
    if (!taken) return null;
    taken.bytes.fill(fill);
    return ledger.place(taken.at, length);
  };
  return { writer, ledger, write };
}

t.test('frames go round the ring; a held one is never written over, and its room comes back once released', async (t) => {
  const { ledger, write } = setUp();
  const [a, b, c, d] = [1, 2, 3, 4].map((fill) => write(240, fill)!);
  t.ok(a && b && c && d, 'four frames fit');
  t.ok([a, b, c, d].every((p, i) => p!.bytes.every((x) => x === i + 1)), 'each reads its own bytes');
  t.same([ledger.heldBytes, ledger.heldPlaces], [960, 4]);
  t.equal(write(200, 9), null, 'a fifth would wrap onto the first, still held: the worker makes a buffer of its own');
  t.equal(write(300, 9), null, 'a frame over a quarter of the ring always does');

  // Released out of order: the room comes back only when the oldest is free.
  b!.release();
  t.equal(ledger.heldBytes, 960, 'the second released behind the first still held: nothing comes back');
  t.ok(b!.canHold, 'it waits behind the first and may still be held');
  t.equal(write(200, 9), null);
  a!.release();
  t.equal(ledger.heldBytes, 480, 'the first released: both come back');
  t.notOk(a!.canHold, 'given back: not to be held again');
  t.throws(() => a!.hold(), /held again/);
  t.throws(() => a!.release(), /more often/);

  const e = write(200, 5)!;
  t.ok(e, 'room at the ring\'s start now');
  t.equal(e.bytes.byteOffset, 0, '200 bytes did not fit at the end (40 left): it starts the next lap');
  const g = write(240, 7)!;
  t.ok(g, 'one more fits before the third');
  t.equal(write(240, 9), null, 'a frame that would reach the third, still held, waits');
  c!.release();
  const f = write(240, 6)!;
  t.ok(f, 'the third released: room over it');
  t.ok([[d!, 4], [e, 5], [g, 7], [f, 6]].every(([p, fill]) => (p as typeof f).bytes.every((x) => x === fill)), 'held frames side by side read their own bytes');
  for (const p of [d!, e, g, f]) p.release();
  t.equal(ledger.heldBytes, 0);
});

t.test('a frame stays readable half a ring after it was given back; the caches must not read it after', async (t) => {
  const { ledger, write } = setUp();
  const first = write(100, 7)!;
  first.release();
  t.notOk(first.canHold, 'given back at once (nothing before it)');
  t.ok(first.isLive, 'but still readable: the worker has not gone half a ring past it');
  const kept: { n: number; place: ReturnType<typeof write> }[] = [];
  for (let n = 0; n < 30; n++) {
    const p = write(90, 10 + n);
    if (!p) break;
    kept.push({ n, place: p });
    p.release();
    if (first.isLive) t.ok(first.bytes.every((x) => x === 7), `after ${n + 1} more frames its bytes are its own`);
  }
  t.notOk(first.isLive, 'the worker went half a ring past it: no longer readable');
  t.ok(kept.length >= 15, `${kept.length} frames written round the ring since`);
  // Every frame that says it is live reads what was written into it.
  for (const { n, place } of kept) if (place!.isLive) t.ok(place!.bytes.every((x) => x === 10 + n), `frame ${n}, live, reads its own bytes`);
  t.equal(ledger.heldBytes, 0);
});

t.test('random holds and releases: a live frame always reads its own bytes, and the worker never runs out of room for good', async (t) => {
  const { ledger, write } = setUp();
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const live: { fill: number; place: NonNullable<ReturnType<typeof write>>; holds: number }[] = [];
  let placed = 0;
  let refused = 0;
  for (let i = 0; i < 5000; i++) {
    const fill = i % 251;
    const p = write(1 + Math.floor(random() * 240), fill);
    if (p) {
      placed++;
      live.push({ fill, place: p, holds: 1 });
    } else refused++;
    // Hold some again (a send), release some (a write done).
    for (const entry of live) {
      if (entry.holds > 0 && random() < 0.3) {
        entry.place.hold();
        entry.holds++;
      }
      while (entry.holds > 0 && random() < 0.6) {
        entry.place.release();
        entry.holds--;
      }
    }
    for (const entry of live) {
      if (entry.place.isLive && !entry.place.bytes.every((x) => x === entry.fill)) throw new Error(`frame of fill ${entry.fill} was written over while live`);
      if (entry.holds > 0 && !entry.place.isLive) throw new Error('a held frame is not live');
    }
    for (let j = live.length - 1; j >= 0; j--) if (!live[j]!.place.isLive) live.splice(j, 1);
  }
  t.ok(placed > 3000, `${placed} placed, ${refused} refused while frames were held`);
  for (const entry of live) for (; entry.holds > 0; entry.holds--) entry.place.release();
  t.equal(ledger.heldBytes, 0, 'all released: nothing held');
  t.ok(write(240, 1), 'and there is room again');
});

t.test('the ledger refuses a place the worker could not have given', async (t) => {
  const { ledger } = setUp();
  ledger.place(0, 100);
  t.throws(() => ledger.place(50, 10), /out of order/, 'before the newest');
  t.throws(() => ledger.place(100, RING), /out of order/, 'past the room the worker had');
});
