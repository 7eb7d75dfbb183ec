// One run of `npm run bench -- frame-arena` (a process of its own, so each mode starts from the same heap):
// a worker hands the main thread 10,000 frames of 17 KB, as the build worker does in a push to 10,000
// screens whose rules all differ, while the main thread holds 600,000 small objects (a big server's heap) and
// keeps the latest 200 frames. `transfer`: each frame an ArrayBuffer of its own, transferred (what the build
// worker did until the nineteenth session); `arena`: the worker writes frames into a 32 MB SharedArrayBuffer
// ring and the main thread takes Buffer views, releasing each slot once it lets the frame go (the scheme the
// build worker uses now, server/services/frame-arena.ts, here with fixed slots). Prints the main isolate's full
// collections and the CPU.
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const N = 10_000;
const SIZE = 17_000;
const ARENA = 32 << 20;
const mode = process.argv[2] === 'arena' ? 'arena' : 'transfer';
const sab = new SharedArrayBuffer(ARENA);
const released = new Int32Array(new SharedArrayBuffer(4));
const worker = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
const { mode, sab, released, N, SIZE, ARENA } = workerData;
const arena = Buffer.from(sab);
const slots = Math.floor(ARENA / SIZE);
let i = 0;
function chunk() {
  const frames = [];
  for (let k = 0; k < 50 && i < N; k++, i++) {
    if (mode === 'arena') {
      while (i - Atomics.load(released, 0) >= slots) Atomics.wait(released, 0, Atomics.load(released, 0), 5);
      const offset = (i % slots) * SIZE;
      arena.fill(i & 255, offset, offset + SIZE);
      frames.push(offset);
    } else {
      const frame = Buffer.allocUnsafe(SIZE);
      frame.fill(i & 255);
      frames.push(frame.buffer);
    }
  }
  parentPort.postMessage(frames, mode === 'transfer' ? frames : []);
  if (i < N) setTimeout(chunk, 20);
  else parentPort.postMessage('done');
}
chunk();`,
  { eval: true, workerData: { mode, sab, released, N, SIZE, ARENA } },
);
const heap = [];
for (let i = 0; i < 600_000; i++) heap.push({ a: i, b: [i] });
let majors = 0;
let majorMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) (majors++, (majorMs += entry.duration));
  }
});
gc.observe({ entryTypes: ['gc'] });
const cpu = process.cpuUsage();
const start = performance.now();
const held = [];
let got = 0;
worker.on('message', (message) => {
  if (message === 'done') {
    const used = process.cpuUsage(cpu);
    setTimeout(() => {
      gc.disconnect();
      console.log(JSON.stringify({ mode, frames: got, majors, majorMs, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start, heap: heap.length }));
      void worker.terminate();
    }, 50);
    return;
  }
  for (const frame of message) {
    got++;
    held.push(mode === 'arena' ? Buffer.from(sab, frame, SIZE) : Buffer.from(frame));
    if (held.length > 200) {
      held.shift();
      if (mode === 'arena') Atomics.add(released, 0, 1);
    }
  }
});
