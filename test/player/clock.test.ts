// The clock offset estimator: offset = serverTime − (sent + received) / 2 over each round trip,
// smoothed, robust to slow round trips, quick to follow a stepped clock, and kept across reloads.
import t from 'tap';
import { createClock, createOffsetEstimator, OFFSET_KEY } from '../../player/clock.js';
import { createMemoryStorage } from '../../player/storage.js';

/** A round trip through a network: the server's true offset, each leg's delay. */
function exchange(trueOffset: number, sentLocal: number, upMs: number, downMs: number) {
  const serverTime = sentLocal + upMs + trueOffset;
  return [sentLocal, sentLocal + upMs + downMs, serverTime] as const;
}

t.test('a symmetric round trip gives the exact offset', async (t) => {
  const e = createOffsetEstimator(null);
  t.equal(e.hasSample, false);
  t.ok(e.sample(...exchange(-40_000, 1_000_000, 30, 30)));
  t.equal(e.offsetMs, -40_000);
  t.equal(e.roundTripMs, 60);
});

t.test('asymmetric delays err by at most half the round trip, and smoothing averages the error out', async (t) => {
  const e = createOffsetEstimator(null);
  const trueOffset = 12_345;
  let local = 0;
  const errors: number[] = [];
  for (let i = 0; i < 200; i++) {
    local += 1000;
    const up = 5 + ((i * 7) % 20);
    const down = 5 + ((i * 13) % 20);
    e.sample(...exchange(trueOffset, local, up, down));
    errors.push(Math.abs(e.offsetMs - trueOffset));
    t.ok(Math.abs(e.offsetMs - trueOffset) <= 23, 'within half the longest round trip');
  }
  t.ok(errors.slice(-50).every((x) => x <= 8), `settles close to the truth (last errors ≤ ${Math.max(...errors.slice(-50))} ms)`);
});

t.test('a slow round trip (queueing) does not drag a good estimate', async (t) => {
  const e = createOffsetEstimator(null);
  for (let i = 0; i < 8; i++) e.sample(...exchange(500, i * 1000, 10, 10));
  t.equal(e.offsetMs, 500);
  // 900 ms stuck on the way back: half of it would be a 450 ms error.
  t.notOk(e.sample(...exchange(500, 9000, 10, 900)), 'ignored');
  t.equal(e.offsetMs, 500);
});

t.test('a stepped local clock (NTP fix, a technician) is followed at once', async (t) => {
  const e = createOffsetEstimator(0);
  e.sample(...exchange(0, 1000, 10, 10));
  t.equal(e.offsetMs, 0);
  t.ok(e.sample(...exchange(-30_000, 2000, 10, 10)));
  t.equal(e.offsetMs, -30_000, 'a 30 s jump is taken, not smoothed');
});

t.test('nonsense is ignored', async (t) => {
  const e = createOffsetEstimator(100);
  t.notOk(e.sample(2000, 1000, 1500), 'received before sent');
  t.notOk(e.sample(1000, 1010, Number.NaN));
  t.equal(e.offsetMs, 100);
});

t.test('the clock applies the offset, persists it and tells listeners; a reload starts from it', async (t) => {
  const storage = createMemoryStorage();
  let local = 1_700_000_000_000;
  const changes: [number, number][] = [];
  const clock = createClock(storage, { localNow: () => local, onChange: (now, before) => changes.push([now, before]) });
  t.equal(clock.offsetMs, 0, 'no estimate yet: local time');
  clock.sample(local, local + 20, new Date(local + 10 + 45_000).toISOString());
  t.equal(clock.offsetMs, 45_000);
  t.equal(clock.now().getTime(), local + 45_000);
  t.same(changes, [[45_000, 0]]);
  t.equal(storage.getItem(OFFSET_KEY), '45000');
  local += 5000;
  const reloaded = createClock(storage, { localNow: () => local });
  t.equal(reloaded.now().getTime(), local + 45_000, 'offline after a reload, still server time');
});
