// Reconnect backoff: full jitter below an exponential ceiling, capped, and reset after a good connection.
import t from 'tap';
import { createBackoff } from '../../player/backoff.js';

t.test('ceilings double from the base up to the cap', async (t) => {
  const backoff = createBackoff({ baseMs: 1000, capMs: 30_000, random: () => 0.999999 });
  const delays = Array.from({ length: 8 }, () => backoff.next());
  t.same(delays, [999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]);
});

t.test('the lowest draw is zero', async (t) => {
  const backoff = createBackoff({ random: () => 0 });
  t.equal(backoff.next(), 0);
  t.equal(backoff.next(), 0);
});

t.test('real jitter stays in [0, ceiling) and spreads out', async (t) => {
  const backoff = createBackoff({ baseMs: 1000, capMs: 30_000 });
  for (let i = 0; i < 6; i++) backoff.next();
  const seen = new Set<number>();
  const outOfRange: number[] = [];
  t.equal(backoff.ceiling(), 30_000);
  for (let i = 0; i < 1000; i++) {
    const delay = backoff.next();
    if (delay < 0 || delay >= 30_000) outOfRange.push(delay);
    seen.add(Math.floor(delay / 3000));
  }
  t.same(outOfRange, []);
  t.equal(seen.size, 10, 'every tenth of the range is used');
});

t.test('reset starts again from the base', async (t) => {
  const backoff = createBackoff({ baseMs: 500, capMs: 10_000, random: () => 0.5 });
  backoff.next();
  backoff.next();
  backoff.next();
  t.equal(backoff.attempt, 3);
  backoff.reset();
  t.equal(backoff.attempt, 0);
  t.equal(backoff.next(), 250);
});

t.test('weeks of failures never overflow', async (t) => {
  const backoff = createBackoff({ random: () => 0.5 });
  for (let i = 0; i < 100_000; i++) backoff.next();
  t.equal(backoff.next(), 15_000);
});
