// The build pool (server/services/manifest.build-pool.ts): a large pass dealt out to two threads comes back in
// the order handed over, byte for byte the main thread's; a small pass engages one thread; a pass given up gets
// nothing late; a thread killed mid-pass fails the pass once, after an in-order prefix of right frames, and the
// next pass starts it again; close ends every thread.
import t from 'tap';
import type { BuildScreen, WorkerFrame } from '../../server/services/manifest.build-worker.js';
import { createBuildPool } from '../../server/services/manifest.build-pool.js';
import { buildInWorker, checkGivenUpPass, distinctCatalogue, mainFrame, same, TZ } from '../fixtures/distinct-builds.js';
import { NOW } from '../fixtures/random-catalogue.js';

const DISPLAYS = [{ width: 1920, height: 1080 }, { width: 1080, height: 1920 }];

t.test('two threads: every frame in the order handed over, each the main thread’s', async (t) => {
  const pool = createBuildPool({ timeZone: TZ, threads: 2 });
  t.teardown(() => pool.close());
  const c = distinctCatalogue(400, 7);
  const screens: BuildScreen[] = c.screens.flatMap((s) => DISPLAYS.map((display) => ({ id: s.id, display })));
  // Handed over in uneven parts, as a pass's slices do.
  const frames: WorkerFrame[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const pass = pool.startPass(c, NOW, {
      onBuilt(built) {
        frames.push(...built);
        if (frames.length === screens.length) resolve();
      },
      onFailed: reject,
    });
    for (let from = 0; from < screens.length; ) {
      const size = 1 + ((from * 37) % 90);
      pass.add(screens.slice(from, from + size));
      from += size;
    }
    pass.finish();
  });
  await done;
  t.equal(pool.threads.length, 2, 'both threads built');
  const wrong = screens.filter((screen, i) => !same(frames[i]!, mainFrame(c, screen, NOW)));
  t.same(wrong, [], `all ${screens.length} frames in order and equal to the main thread’s`);
  t.equal(new Set(frames.map((f) => f?.version)).size, c.screens.length, 'one manifest per screen: their rules all differ');
});

t.test('a pass of a few hundred screens keeps to one thread', async (t) => {
  const pool = createBuildPool({ timeZone: TZ, threads: 2 });
  t.teardown(() => pool.close());
  const c = distinctCatalogue(200, 8);
  const screens: BuildScreen[] = c.screens.map((s) => ({ id: s.id }));
  const built = await buildInWorker(pool, c, NOW, screens);
  t.ok(built.every((f, i) => same(f, mainFrame(c, screens[i]!, NOW))), 'every frame right');
  t.equal(pool.threads.length, 1, 'one thread started');
});

t.test('a pass given up gets nothing late; a killed thread fails the pass once after a right prefix; the next pass starts it again', async (t) => {
  const pool = createBuildPool({ timeZone: TZ, threads: 2 });
  t.teardown(() => pool.close());
  const c = distinctCatalogue(700, 9);
  const screens: BuildScreen[] = c.screens.map((s) => ({ id: s.id }));

  await checkGivenUpPass(t, pool, c, NOW, screens);

  // The second thread killed at the first frames delivered, while it has screens to build (a catalogue neither thread has built from).
  const cold = distinctCatalogue(700, 10);
  const got: WorkerFrame[] = [];
  const outcome = await new Promise<Error | null>((resolve) => {
    const pass = pool.startPass(cold, NOW, {
      onBuilt(f) {
        got.push(...f);
        void pool.threads[1]?.terminate();
        if (got.length === screens.length) resolve(null);
      },
      onFailed: resolve,
    });
    pass.add(screens);
    pass.finish();
  });
  t.match(outcome?.message, /exited/, 'a killed thread fails the pass');
  t.ok(got.length > 0 && got.length < screens.length, `${got.length} of ${screens.length} frames came before it`);
  t.ok(got.every((f, i) => same(f, mainFrame(cold, screens[i]!, NOW))), 'those are the first ones handed over, in order, and right');
  const again = await buildInWorker(pool, c, NOW, screens);
  t.ok(again.every((f, i) => same(f, mainFrame(c, screens[i]!, NOW))), 'the next pass gets every frame');
  t.equal(pool.threads.length, 2, 'with both threads again');

  await pool.close();
  t.equal(pool.threads.length, 0, 'close ends them');
});
