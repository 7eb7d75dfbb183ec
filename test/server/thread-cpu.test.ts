// The load probe's CPU by thread (server/ops/thread-cpu.ts): the real build worker's builds are counted as the
// build worker's, the main thread's own work as the main thread's, and a thread that says nothing as one of
// the others; a probe started after the thread still names it; with the probe off the worker says nothing.
// And the time each waited for a core: the main thread spinning beside more spinning threads than there are
// cores waited, and that wait is the main thread's.
import t from 'tap';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createBuildWorker } from '../../server/services/manifest.build-worker.js';
import { createThreadCpu, createThreadTimes } from '../../server/ops/thread-cpu.js';
import { buildInWorker, distinctCatalogue, TZ } from '../fixtures/distinct-builds.js';
import { spinningThreads, spinWall } from '../fixtures/spinning-threads.js';
import { NOW } from '../fixtures/random-catalogue.js';

const isLinux = process.platform === 'linux';
/** Keeps this thread busy for about `ms` of CPU. */
const spin = (ms: number) => {
  const until = process.cpuUsage().user + ms * 1000;
  while (process.cpuUsage().user < until);
};
/** Waits until `ok()` or 5 s. */
const until = async (ok: () => boolean) => {
  for (let k = 0; k < 100 && !ok(); k++) await new Promise((r) => setTimeout(r, 50));
};

t.test('CPU by thread: the build worker, the main thread and the unnamed rest', { skip: !isLinux && 'needs /proc/self/task (Linux)' }, async (t) => {
  const saved = process.env.CRIER_LOAD_PROBE;
  process.env.CRIER_LOAD_PROBE = '1';
  t.teardown(() => (saved === undefined ? delete process.env.CRIER_LOAD_PROBE : (process.env.CRIER_LOAD_PROBE = saved)));
  const read = createThreadCpu();
  const start = read()!;
  t.ok(start.main > 0, `the main thread has used CPU (${start.main} ms)`);

  // The real build thread (the same bundled entry the server starts), given enough distinct screens to be busy a while.
  const worker = createBuildWorker({ timeZone: TZ });
  t.teardown(() => worker.close());
  const c = distinctCatalogue(1500);
  const afterMain = read()!;
  await buildInWorker(worker, c, NOW, c.screens.map((s) => ({ id: s.id })));
  await until(() => read()!.build - afterMain.build >= 100);
  const built = read()!;
  t.ok(built.build - afterMain.build >= 100, `the builds count as the build worker's (${built.build - afterMain.build} ms)`);

  // A probe that starts listening after the thread announced itself (as the airing writer starts before the probe) still names it.
  const late = createThreadCpu();
  await until(() => late()!.build > 0);
  t.equal(late()!.build, read()!.build, `a probe started later counts the same build worker (${late()!.build} ms)`);

  spin(300);
  const spun = read()!;
  t.ok(spun.main - built.main >= 250, `the main thread's own work counts as the main thread's (${spun.main - built.main} ms)`);
  t.ok(spun.build - built.build < 100, `not as the idle build worker's (${spun.build - built.build} ms)`);

  // A thread that says nothing about itself is one of the others.
  const other = new Worker('const until = process.cpuUsage().user + 300000; while (process.cpuUsage().user < until); require("node:worker_threads").parentPort.postMessage("done")', { eval: true });
  await new Promise((resolve) => other.once('message', resolve));
  const after = read()!;
  await other.terminate();
  t.ok(after.other - spun.other >= 250, `an unnamed thread's work counts among the others (${after.other - spun.other} ms)`);
  t.ok(after.build - spun.build < 100 && after.writer === 0, 'and not as the build worker’s or a writer’s');
});

t.test('with the probe off the build worker does not say which thread it is', { skip: !isLinux && 'needs /proc/self/task (Linux)' }, async (t) => {
  const saved = process.env.CRIER_LOAD_PROBE;
  delete process.env.CRIER_LOAD_PROBE;
  t.teardown(() => (saved === undefined ? undefined : (process.env.CRIER_LOAD_PROBE = saved)));
  const read = createThreadCpu();
  const worker = createBuildWorker({ timeZone: TZ });
  t.teardown(() => worker.close());
  const c = distinctCatalogue(1500);
  const before = read()!;
  await buildInWorker(worker, c, NOW, c.screens.map((s) => ({ id: s.id })));
  await new Promise((r) => setTimeout(r, 300));
  const after = read()!;
  t.equal(after.build, 0, 'no thread is counted as the build worker');
  t.ok(after.other - before.other >= 100, `its builds count among the others (${after.other - before.other} ms)`);
});

t.test('time waiting for a core: the main thread crowded out by more busy threads than cores waited, and it counts as the main thread\'s', { skip: !existsSync('/proc/self/schedstat') && 'needs schedstat (Linux)' }, async (t) => {
  const read = createThreadTimes();
  t.ok(read()!.waiting, 'read');
  // Three more spinners than cores (spinning up to 5 s of wall time, ended once read): the main thread, spinning
  // 600 ms of wall time beside them, has a core a third of the time or less.
  const spinners = await spinningThreads(availableParallelism() + 3, 5000);
  t.teardown(() => Promise.all(spinners.map((w) => w.terminate())));
  const crowdedFrom = read()!;
  const wall = spinWall(600);
  const crowded = read()!;
  await Promise.all(spinners.map((w) => w.terminate()));
  const ran = crowded.cpu.main - crowdedFrom.cpu.main;
  const waited = crowded.waiting!.main - crowdedFrom.waiting!.main;
  t.ok(waited >= 200, `the main thread waited for a core ${Math.round(waited)} ms while it spun ${ran} ms among ${spinners.length} spinners`);
  // Spinning, it was on a core or waiting for one all along: the two add up to the wall time (CPU in 10 ms ticks).
  t.ok(Math.abs(ran + waited - wall) <= 0.1 * wall + 20, `on a core ${ran} ms + waiting ${Math.round(waited)} ms = the ${Math.round(wall)} ms it spun`);
  t.ok(crowded.waiting!.other - crowdedFrom.waiting!.other >= 200, 'the spinners, unnamed, waited as the others');
  t.equal(crowded.waiting!.build, 0, 'no build worker here: none of it is counted as one');
});
