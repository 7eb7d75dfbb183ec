// When a player answers `manifest-applied` (player/applied-answer.ts): at once unless the server asked for a
// spread; then after a random wait below it, and only the newest manifest's answer.
import t from 'tap';
import { createAppliedAnswer } from '../../player/applied-answer.js';

/** Timers run by hand: `run()` fires the ones due by `at`. */
function fakeTimers() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimer: (fn: () => void, ms: number) => (timers.set(next, { at: now + ms, fn }), next++),
    clearTimer: (id: unknown) => void timers.delete(id as number),
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        timers.delete(id);
        timer.fn();
      }
    },
    get pending() {
      return [...timers.values()].map((x) => x.at - now);
    },
  };
}

t.test('no spread asked: the answer goes at once', async (t) => {
  const sent: string[] = [];
  const timers = fakeTimers();
  const answer = createAppliedAnswer({ send: (v) => sent.push(v), random: () => 0.7, ...timers });
  answer.applied('v1');
  t.same(sent, ['v1']);
  t.same(timers.pending, [], 'nothing waits');
});

t.test('a spread asked: the answer waits random × spread; a newer manifest replaces one still waiting', async (t) => {
  const sent: string[] = [];
  const timers = fakeTimers();
  const answer = createAppliedAnswer({ send: (v) => sent.push(v), random: () => 0.5, ...timers });
  answer.told(1000, true);
  answer.applied('v1');
  t.same(timers.pending, [500], 'half of the spread for a draw of 0.5');
  timers.advance(499);
  t.same(sent, [], 'not yet');
  timers.advance(1);
  t.same(sent, ['v1'], 'sent when its wait is over');
  answer.applied('v2');
  timers.advance(200);
  answer.applied('v3');
  timers.advance(2000);
  t.same(sent, ['v1', 'v3'], 'v2 was replaced while it waited: only the newest is answered');
});

t.test('a welcome without a spread means at once; an ack without one keeps what was told; reset drops a waiting answer', async (t) => {
  const sent: string[] = [];
  const timers = fakeTimers();
  const answer = createAppliedAnswer({ send: (v) => sent.push(v), random: () => 0.9, ...timers });
  answer.told(800, true);
  answer.told(undefined);
  t.equal(answer.spreadMs, 800, 'an ack without the field changes nothing');
  answer.applied('v1');
  answer.reset();
  timers.advance(5000);
  t.same(sent, [], 'the connection closed: the waiting answer is dropped');
  answer.told(undefined, true);
  t.equal(answer.spreadMs, 0, 'a welcome without the field: at once');
  answer.applied('v2');
  t.same(sent, ['v2']);
});

t.test('real timers and randomness: every answer comes within the spread', async (t) => {
  const times: number[] = [];
  const start = Date.now();
  const answers = Array.from({ length: 20 }, () => createAppliedAnswer({ send: () => times.push(Date.now() - start) }));
  for (const a of answers) (a.told(150, true), a.applied('v'));
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.equal(times.length, 20, 'all answered');
  t.ok(Math.max(...times) < 350, `the last after ${Math.max(...times)} ms`);
  t.ok(new Set(times).size > 1, 'not all at the same moment');
});
