// The gateway's frame queue (server/gateway/frame-queue.ts): small frames run at once, large ones in
// slices bounded in time with the loop turning between them, a connection's frames in order, a
// connection with too much waiting is not read further until it drains, and a closed one's are dropped.
import t from 'tap';
import { createFrameQueue } from '../../server/gateway/frame-queue.js';
import { createSlicedQueue } from '../../server/gateway/sliced-queue.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

t.test('small frames run at once, even behind their connection\'s large one; large ones wait for the loop to turn, in order', async (t) => {
  const queue = createFrameQueue({ heavyBytes: 100, sliceMs: 1_000, laneBytes: 1 << 20 });
  const a = queue.lane();
  const b = queue.lane();
  const ran: string[] = [];
  queue.take(a, 10, () => ran.push('a small'));
  t.same(ran, ['a small'], 'a small frame runs in the callback that read it');
  queue.take(a, 500, () => ran.push('a large'));
  queue.take(b, 600, () => ran.push('b large'));
  queue.take(a, 10, () => ran.push('a heartbeat'));
  queue.take(b, 10, () => ran.push('b small'));
  t.same(ran, ['a small', 'a heartbeat', 'b small'], 'large frames wait; small ones do not, not even behind their own connection\'s large frame');
  t.equal(queue.waiting, 2);
  t.equal(queue.waitingBytes, 1100);
  await turn();
  t.same(ran, ['a small', 'a heartbeat', 'b small', 'a large', 'b large'], 'then the large ones run, in the order they came');
  t.equal(queue.waiting, 0);
});

t.test('a slice runs until sliceMs has passed, then the loop turns before the next', async (t) => {
  let clock = 0;
  const queue = createFrameQueue({ heavyBytes: 1, sliceMs: 10, laneBytes: 1 << 30 }, () => clock);
  const lane = queue.lane();
  const ran: number[] = [];
  const waited: number[] = [];
  for (let i = 0; i < 10; i++) {
    queue.take(lane, 1000, (waitedMs) => {
      ran.push(i);
      waited.push(waitedMs);
      clock += 4; // each frame costs 4 ms
    });
  }
  clock += 7; // the loop took 7 ms to come round
  const seen: number[] = [];
  for (let k = 0; k < 6 && ran.length < 10; k++) {
    await turn();
    seen.push(ran.length);
  }
  t.same(seen.slice(0, 4), [3, 6, 9, 10], 'three frames of 4 ms per 10 ms slice, then the rest');
  t.same(waited.slice(0, 3), [7, 11, 15], 'each frame is told how long it waited to be read');
});

t.test('a connection with too many bytes waiting is paused until they are handled; a closed one\'s frames are dropped', async (t) => {
  const queue = createFrameQueue({ heavyBytes: 1, sliceMs: 1_000, laneBytes: 3000 });
  const events: string[] = [];
  const lane = queue.lane(() => events.push('pause'), () => events.push('resume'));
  queue.take(lane, 1000, () => events.push('frame 1'));
  queue.take(lane, 1000, () => events.push('frame 2'));
  t.same(events, [], 'under the bound it is read on');
  queue.take(lane, 1000, () => events.push('frame 3'));
  t.same(events, ['pause'], 'at the bound its socket is paused (TCP pushes back on the client)');
  t.ok(lane.isPaused);
  await turn();
  t.same(events, ['pause', 'frame 1', 'frame 2', 'resume', 'frame 3'], 'resumed once its last waiting frame is taken');
  t.notOk(lane.isPaused);

  const closed = queue.lane();
  const ran: string[] = [];
  queue.take(closed, 1000, () => ran.push('late'));
  closed.isClosed = true;
  await turn();
  t.same(ran, [], 'the connection closed before its frame\'s turn: dropped (nothing of it was acknowledged)');
  t.equal(queue.waiting, 0);
});

t.test('sharing its slices with urgent work (the acks): the urgent tasks run first, the frames with what is left of the slice', async (t) => {
  let clock = 0;
  const turns = createSlicedQueue(10, () => clock);
  const queue = createFrameQueue({ heavyBytes: 1, sliceMs: 10, laneBytes: 1 << 30 }, () => clock, turns);
  const lane = queue.lane();
  const ran: string[] = [];
  for (let i = 0; i < 3; i++) queue.take(lane, 1000, () => (ran.push(`frame ${i}`), (clock += 4)));
  turns.push(() => (ran.push('ack'), (clock += 4)), true);
  t.equal(queue.waiting, 3, 'the frame queue counts its frames, not the acks');
  await turn();
  t.same(ran, ['ack', 'frame 0', 'frame 1'], 'the ack came after the frames but goes first; the frames share the 10 ms slice');
  await turn();
  t.same(ran, ['ack', 'frame 0', 'frame 1', 'frame 2']);
  t.equal(queue.waiting, 0);
});
