// The heartbeat intervals' flush (once a second) costs what changed since the last one, not a pass over
// every screen's open interval: counted in iterations of the tracker's maps, not timed.
import t from 'tap';
import { createHeartbeatTracker } from '../../server/storage/airing.heartbeats.js';

const FLEET = 10_000;
const beat = { type: 'heartbeat', sentAt: new Date(0).toISOString(), uptimeMs: 1, airing: null, manifestVersion: null } as const;

/** Counts how many times a map of at least FLEET entries is iterated while `run` runs. */
function passesOverFleet(run: () => void): number {
  let passes = 0;
  const proto = Map.prototype as unknown as Record<string | symbol, (...args: unknown[]) => unknown>;
  const names: (string | symbol)[] = ['values', 'entries', 'keys', 'forEach', Symbol.iterator];
  const saved = names.map((name) => proto[name]!);
  names.forEach((name, k) => {
    proto[name] = function (this: Map<unknown, unknown>, ...args: unknown[]) {
      if (this.size >= FLEET) passes++;
      return saved[k]!.apply(this, args);
    };
  });
  try {
    run();
  } finally {
    names.forEach((name, k) => (proto[name] = saved[k]!));
  }
  return passes;
}

t.test('a flush with one screen heard looks at that screen, not at 10,000 open intervals', async (t) => {
  const now = 1_800_000_000_000;
  const seed = Array.from({ length: FLEET }, (_, i) => ({ screen_id: `s-${i}`, start_at: now - 60_000, end_at: now - 1000, beats: 3 }));
  const tracker = createHeartbeatTracker(90_000, seed);
  t.equal(passesOverFleet(() => t.equal(tracker.hasChanges(), false, 'nothing heard: nothing to write')), 0, 'asking passed over no fleet-sized map');
  tracker.record('s-7', beat, new Date(now));
  let drained: ReturnType<typeof tracker.drain> | undefined;
  const passes = passesOverFleet(() => {
    t.equal(tracker.hasChanges(), true);
    drained = tracker.drain();
  });
  t.equal(passes, 0, 'the flush passed over no fleet-sized map');
  t.same(drained!.intervals, [['s-7', now - 60_000, now, 4]], 'the one extended interval');
  t.equal(tracker.hasChanges(), false, 'drained');
  tracker.restore(drained!);
  t.same(tracker.drain().intervals, [['s-7', now - 60_000, now, 4]], 'a failed write hands it back');
});
