// The watchdog: a stalled page is noticed (and reloaded by main.ts), deliberate waiting is not.
import t from 'tap';
import type { LoopPhase } from '../../player/loop.js';
import { createWatchdog } from '../../player/watchdog.js';

function harness() {
  let now = 0;
  let phase: LoopPhase = 'airing';
  let duration: number | null = 10_000;
  const dog = createWatchdog({ now: () => now, phase: () => phase, currentDurationMs: () => duration, graceMs: 30_000, preparingLimitMs: 60_000 });
  return { dog, advance: (ms: number) => void (now += ms), setPhase: (p: LoopPhase) => void (phase = p), setDuration: (d: number | null) => void (duration = d) };
}

t.test('an item on air may run its duration plus the grace, no longer', async (t) => {
  const h = harness();
  h.advance(39_000);
  t.equal(h.dog.overdueMs(), 0);
  h.advance(2000);
  t.equal(h.dog.overdueMs(), 1000, 'stalled: 41 s without progress for a 10 s item');
  h.dog.progress();
  t.equal(h.dog.overdueMs(), 0, 'progress (a video advancing, the next item) resets it');
});

t.test('getting an item ready has its own bound', async (t) => {
  const h = harness();
  h.setPhase('preparing');
  h.advance(59_000);
  t.equal(h.dog.overdueMs(), 0);
  h.advance(2000);
  t.ok(h.dog.overdueMs() > 0);
});

t.test('waiting on purpose (the built-in slogan, nothing to air) is never a stall', async (t) => {
  const h = harness();
  h.setPhase('waiting');
  h.advance(3_600_000);
  t.equal(h.dog.overdueMs(), 0);
  h.setPhase('preparing');
  h.advance(10_000);
  t.equal(h.dog.overdueMs(), 0, 'the bound counts from the end of the wait');
});
