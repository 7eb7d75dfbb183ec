// The airing loop's rules, with fake slides instead of a DOM: order, preloading, manifest swaps at
// item boundaries, play records, skipping failures, and the fallback that keeps a screen from going black.
import t, { type Test } from 'tap';
import type { Manifest, ManifestItem } from '../../playlists/manifest.schema.js';
import { createLoop, type LoopEnv } from '../../player/loop.js';
import { PlayRecordSchema, type PlayRecord } from '../../player/protocol.js';
import type { Outcome, Slide } from '../../player/slide.js';

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

function item(id: string, type: ManifestItem['type'] = 'text'): ManifestItem {
  return { id, mediaId: `m-${id}`, type, title: id, hash: 'b'.repeat(64), durationMs: 5000, ...(type === 'text' ? { slogan: { headline: id, theme: 'alert' } } : { url: `/media/${id}` }) };
}
function manifest(version: string, items: ManifestItem[]): Manifest {
  return { version, screenId: 'scr-1', playlistId: 'pl-1', playlistName: 'p', reason: 'test', generatedAt: '2025-01-10T00:00:00.000Z', items };
}

class FakeSlide implements Slide {
  ready: Promise<void>;
  isPlaying = false;
  isDisposed = false;
  failReady!: (e: Error) => void;
  finish!: (o: Outcome) => void;
  private readonly outcome = new Promise<Outcome>((resolve) => (this.finish = resolve));
  constructor(readonly id: string, isReady: boolean) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.failReady = reject;
      if (isReady) resolve();
    });
  }
  play() {
    this.isPlaying = true;
    return this.outcome;
  }
  dispose() {
    this.isDisposed = true;
  }
}

function harness(t: Test, options: { canAir?: LoopEnv['canAir']; broken?: Set<string>; slowFallback?: boolean } = {}) {
  const slides: FakeSlide[] = [];
  const records: PlayRecord[] = [];
  const applied: string[] = [];
  const airing: (string | null)[] = [];
  let n = 0;
  const loop = createLoop(
    {
      canAir: options.canAir ?? (() => true),
      prepare: (i) => {
        const slide = new FakeSlide(i.id, !options.broken?.has(i.id));
        if (options.broken?.has(i.id)) queueMicrotask(() => slide.failReady(new Error('404')));
        slides.push(slide);
        return slide;
      },
      fallback: () => {
        const slide = new FakeSlide('fallback', !options.slowFallback);
        if (options.slowFallback) setTimeout(() => slide.failReady(new Error('font timeout')), 20);
        slides.push(slide);
        return slide;
      },
      now: () => new Date(Date.UTC(2025, 0, 10) + n++ * 1000),
      newId: () => crypto.randomUUID(),
      onAiring: (i) => airing.push(i?.id ?? null),
      onApplied: (m) => applied.push(m.version),
      onRecord: (r) => records.push(r),
    },
    { fallbackRetryMs: 60_000 },
  );
  // Stopping clears the fallback's retry timer, so the test process can exit.
  t.teardown(() => loop.stop());
  /** The slide on screen: the most recent one that started playing and is not disposed. */
  const onScreen = () => slides.filter((s) => s.isPlaying && !s.isDisposed).at(-1);
  const finishCurrent = async (outcome: Outcome = 'completed') => {
    onScreen()!.finish(outcome);
    await settle();
  };
  return { loop, slides, records, applied, airing, onScreen, finishCurrent };
}

t.test('airs items in order, preloading the next, with a record for each', async (t) => {
  const h = harness(t);
  h.loop.setManifest(manifest('v1', [item('a'), item('b'), item('c')]));
  h.loop.start();
  await settle();
  t.same(h.applied, ['v1']);
  t.equal(h.onScreen()?.id, 'a');
  t.equal(h.loop.airing?.itemId, 'a');
  t.same(h.slides.map((s) => s.id), ['a', 'b'], 'b is prepared while a airs');
  await h.finishCurrent();
  await h.finishCurrent();
  await h.finishCurrent();
  t.equal(h.onScreen()?.id, 'a', 'the loop wraps around');
  t.same(h.records.map((r) => [r.itemId, r.completed, r.manifestVersion]), [['a', true, 'v1'], ['b', true, 'v1'], ['c', true, 'v1']]);
  t.ok(h.records.every((r) => PlayRecordSchema.safeParse(r).success), 'records pass the protocol schema');
  t.ok(h.slides.filter((s) => s !== h.onScreen() && s.isPlaying).every((s) => s.isDisposed), 'aired slides are released');
});

t.test('a new manifest waits for the item boundary', async (t) => {
  const h = harness(t);
  h.loop.setManifest(manifest('v1', [item('a'), item('b')]));
  h.loop.start();
  await settle();
  h.loop.setManifest(manifest('v2', [item('x'), item('y')]));
  await settle();
  t.equal(h.loop.appliedVersion, 'v1', 'a keeps airing');
  t.equal(h.loop.latestVersion, 'v2');
  t.ok(h.slides.find((s) => s.id === 'b')?.isDisposed, 'the preloaded b of the old loop is dropped');
  t.ok(h.slides.some((s) => s.id === 'x' && !s.isPlaying), 'x is preloaded instead');
  await h.finishCurrent();
  t.same(h.applied, ['v1', 'v2']);
  t.equal(h.onScreen()?.id, 'x');
  t.same(h.records.map((r) => [r.itemId, r.manifestVersion, r.completed]), [['a', 'v1', true]], 'a completed under v1');
});

t.test('the same version again changes nothing; going back cancels a pending one', async (t) => {
  const h = harness(t);
  h.loop.setManifest(manifest('v1', [item('a'), item('b')]));
  h.loop.start();
  await settle();
  h.loop.setManifest(manifest('v1', [item('a'), item('b')]));
  h.loop.setManifest(manifest('v2', [item('x')]));
  h.loop.setManifest(manifest('v1', [item('a'), item('b')]));
  await h.finishCurrent();
  t.same(h.applied, ['v1']);
  t.equal(h.onScreen()?.id, 'b');
});

t.test('a broken item is skipped with a failed record, the previous one stays up meanwhile', async (t) => {
  const h = harness(t, { broken: new Set(['b']) });
  t.capture(console, 'warn');
  h.loop.setManifest(manifest('v1', [item('a'), item('b'), item('c')]));
  h.loop.start();
  await settle();
  await h.finishCurrent();
  t.equal(h.onScreen()?.id, 'c');
  t.same(h.records.map((r) => [r.itemId, r.completed]), [['a', true], ['b', false]]);
});

t.test('when every item fails, the fallback airs, and a new manifest replaces it at once', async (t) => {
  const h = harness(t, { broken: new Set(['a', 'b']) });
  t.capture(console, 'warn');
  h.loop.setManifest(manifest('v1', [item('a'), item('b')]));
  h.loop.start();
  await settle();
  t.equal(h.onScreen()?.id, 'fallback');
  t.equal(h.loop.airing, null);
  t.equal(h.airing.at(-1), null);
  t.same(h.records.map((r) => [r.itemId, r.completed]), [['a', false], ['b', false]]);
  h.loop.setManifest(manifest('v2', [item('c')]));
  await settle();
  t.same(h.applied, ['v1', 'v2']);
  t.equal(h.onScreen()?.id, 'c');
  t.ok(h.slides.find((s) => s.id === 'fallback')?.isDisposed);
});

t.test('before any manifest the fallback airs; the first manifest starts at once', async (t) => {
  const h = harness(t);
  h.loop.start();
  await settle();
  t.equal(h.onScreen()?.id, 'fallback');
  t.equal(h.loop.appliedVersion, null);
  h.loop.setManifest(manifest('v1', [item('a')]));
  await settle();
  t.equal(h.onScreen()?.id, 'a');
});

t.test('a manifest that arrives while the fallback is still getting ready is not missed', async (t) => {
  const h = harness(t, { slowFallback: true });
  h.loop.start();
  await settle();
  h.loop.setManifest(manifest('v1', [item('a')]));
  await new Promise((r) => setTimeout(r, 40));
  await settle();
  t.same(h.applied, ['v1']);
  t.equal(h.onScreen()?.id, 'a');
});

t.test('media that did not play (autoplay refused) is recorded as not completed', async (t) => {
  const h = harness(t);
  h.loop.setManifest(manifest('v1', [item('a', 'audio'), item('b')]));
  h.loop.start();
  await settle();
  await h.finishCurrent('failed');
  await h.finishCurrent('cut');
  t.same(h.records.map((r) => [r.itemId, r.completed]), [['a', false], ['b', false]]);
  t.equal(h.onScreen()?.id, 'a', 'the loop goes on');
});

t.test('an audio station airs only audio, and idles on a loop without any', async (t) => {
  const h = harness(t, { canAir: (i) => i.type === 'audio' });
  h.loop.setManifest(manifest('v1', [item('a'), item('s1', 'audio'), item('b', 'image'), item('s2', 'audio')]));
  h.loop.start();
  await settle();
  t.equal(h.onScreen()?.id, 's1');
  await h.finishCurrent();
  t.equal(h.onScreen()?.id, 's2');
  h.loop.setManifest(manifest('v2', [item('c')]));
  await h.finishCurrent();
  t.same(h.applied, ['v1', 'v2'], 'applied even with nothing to air');
  t.equal(h.onScreen()?.id, 'fallback');
});

t.test('stopping (page unload) records the item on screen as cut', async (t) => {
  const h = harness(t);
  h.loop.setManifest(manifest('v1', [item('a'), item('b')]));
  h.loop.start();
  await settle();
  h.loop.stop();
  h.onScreen()!.finish('completed');
  await settle();
  t.same(h.records.map((r) => [r.itemId, r.completed]), [['a', false]], 'one record, cut');
});
