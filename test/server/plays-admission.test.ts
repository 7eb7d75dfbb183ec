// The plays admission's pace (server/gateway/plays-admission.ts): it rises while batches that came back
// at their slot are taken and made durable in time, falls when such a batch is refused again or any
// taken batch is made durable late, moves at most once a round, and keeps within minRate and what
// maxPending allows. A fake clock; the store is finished by hand.
import t from 'tap';
import { createPlaysAdmission } from '../../server/gateway/plays-admission.js';

function setup(limits: { minRate: number; startRate: number; maxPending?: number }) {
  let clock = 0;
  const admission = createPlaysAdmission({ perCommit: 1e6, maxPending: limits.maxPending ?? 1e6, maxWaitMs: 500, ...limits }, { now: () => clock });
  const finish: (() => void)[] = [];
  const write = () => () => new Promise<void>((resolve) => finish.push(resolve));
  return { admission, finish, write, advance: (ms: number) => (clock += ms) };
}

t.test('taken at its slot and durable in time: the pace rises, once a round', async (t) => {
  const { admission, finish, write, advance } = setup({ minRate: 1000, startRate: 10_000 });
  admission.retryAfterMs(20, 'screen-a');
  admission.retryAfterMs(20, 'screen-b');
  advance(300);
  // 5,000 records made durable in the round: the pace of 10,000 a second was kept.
  const a = admission.admit(2500, write(), 0, 'screen-a');
  const b = admission.admit(2500, write(), 0, 'screen-b');
  advance(100);
  finish.shift()!();
  finish.shift()!();
  await Promise.all([a, b]);
  t.equal(admission.rate, 10_000, 'not before the round is over');
  advance(100);
  t.equal(admission.rate, 11_250, 'then up by an eighth, once, for two good batches');
  advance(500);
  t.equal(admission.rate, 11_250, 'a round with nothing in it leaves it');
  const c = admission.admit(20, write(), 0, 'screen-c');
  finish.shift()!();
  await c;
  advance(500);
  t.equal(admission.rate, 11_250, 'a batch that was never refused says nothing about the pace');
});

t.test('a rise goes no further than an eighth above what the round made durable, and never lowers the pace', async (t) => {
  const { admission, finish, write, advance } = setup({ minRate: 1000, startRate: 10_000 });
  /** A round with one slotted batch of `records`, taken and made durable in time. */
  const round = async (records: number) => {
    admission.retryAfterMs(records, 'screen-a');
    const taken = admission.admit(records, write(), 0, 'screen-a');
    finish.shift()!();
    await taken;
    advance(500);
    return admission.rate;
  };
  t.equal(await round(20), 10_000, 'a slotted batch in time, but 40 records a second made durable: no rise');
  t.equal(await round(3000), 10_000, '6,000 a second made durable: up to 6,750 at most, which is no rise either');
  t.equal(await round(4800), 10_800, '9,600 a second made durable: up to 10,800');
});

t.test('refused again after its slot: the pace falls, never below minRate', async (t) => {
  const { admission, advance } = setup({ minRate: 7000, startRate: 10_000 });
  admission.retryAfterMs(20, 'screen-a');
  advance(300);
  admission.retryAfterMs(20, 'screen-a');
  admission.retryAfterMs(20, 'screen-b');
  advance(200);
  t.equal(admission.rate, 8000, 'down by a fifth for a round with a batch refused again');
  admission.retryAfterMs(20, 'screen-a');
  admission.retryAfterMs(20, 'screen-b');
  advance(500);
  t.equal(admission.rate, 7000, 'and again, down to minRate and no further');
  admission.retryAfterMs(20, 'screen-a');
  advance(500);
  t.equal(admission.rate, 7000);
});

t.test('a slotted batch made durable later than maxWaitMs after its arrival lowers the pace, even with good ones in the round', async (t) => {
  const { admission, finish, write, advance } = setup({ minRate: 1000, startRate: 10_000 });
  admission.retryAfterMs(20, 'screen-a');
  admission.retryAfterMs(20, 'screen-b');
  const late = admission.admit(20, write(), 400, 'screen-b');
  const slotted = admission.admit(20, write(), 0, 'screen-a');
  advance(150);
  finish.shift()!();
  finish.shift()!();
  await Promise.all([late, slotted]);
  advance(400);
  t.equal(admission.rate, 8000, 'it came at its slot, waited 400 ms to be read and 150 ms for the disk: past the bound (one of two outcomes)');
});

t.test('a batch that was not slotted is judged from when it was read: a burst\'s wait to be read is no verdict on the pace', async (t) => {
  const { admission, finish, write, advance } = setup({ minRate: 1000, startRate: 10_000 });
  admission.retryAfterMs(20, 'screen-a');
  const firstWave = admission.admit(2500, write(), 400);
  const slotted = admission.admit(2500, write(), 0, 'screen-a');
  advance(150);
  finish.shift()!();
  finish.shift()!();
  await Promise.all([firstWave, slotted]);
  advance(350);
  t.equal(admission.rate, 11_250, '400 ms to be read, 150 ms for the disk: in time; the slotted one too, so the pace rises');
  const storeLate = admission.admit(20, write(), 0);
  advance(550);
  finish.shift()!();
  await storeLate;
  advance(500);
  t.equal(admission.rate, 9000, 'durable 550 ms after it was read: late, the pace falls');
});

t.test('one late batch among many in time is noise: the pace still rises', async (t) => {
  const { admission, finish, write, advance } = setup({ minRate: 1000, startRate: 10_000 });
  admission.retryAfterMs(20, 'screen-a');
  const batches = [admission.admit(400, write(), 400), admission.admit(400, write(), 0, 'screen-a'), ...Array.from({ length: 10 }, () => admission.admit(400, write()))];
  advance(150);
  for (const f of finish.splice(0)) f();
  await Promise.all(batches);
  advance(350);
  t.equal(admission.rate, 10_800, '1 late of 12: under a tenth; up to an eighth above the 9,600 a second made durable');
});

t.test('the pace tops out where maxPending binds', async (t) => {
  const { admission, finish, write, advance } = setup({ minRate: 10, startRate: 95, maxPending: 50 });
  for (let round = 0; round < 3; round++) {
    admission.retryAfterMs(50, 'screen-a');
    const a = admission.admit(50, write(), 0, 'screen-a');
    finish.shift()!();
    await a;
    advance(500);
  }
  t.equal(admission.rate, 100, '50 records in half a second: 100 a second');
  t.equal(admission.bound, 50);
});

t.test('slots are spaced at the pace of the moment', async (t) => {
  const { admission, advance } = setup({ minRate: 100, startRate: 1000 });
  t.equal(admission.retryAfterMs(100, 'screen-a'), 250, 'nothing pending: after the minimum wait');
  t.equal(admission.retryAfterMs(100, 'screen-b'), 350, 'the next one 100 records later at 1,000 a second');
  advance(500);
  admission.retryAfterMs(100, 'screen-a');
  advance(500);
  t.equal(admission.rate, 800, 'screen-a refused again: the pace falls');
  t.equal(admission.retryAfterMs(80, 'screen-c'), 250);
  t.equal(admission.retryAfterMs(80, 'screen-d'), 350, '80 records at 800 a second: 100 ms apart');
});

// stalls helper's tests: records being checked count as pending; a batch refused for its wait to be read.
t.test('a held batch counts as pending until released, so the batches after it see it', async (t) => {
  const { admission } = setup({ minRate: 1000, startRate: 1000 });
  t.equal(admission.bound, 500, '1,000 a second for half a second');
  const release = admission.hold(480);
  t.equal(admission.pending, 480);
  t.ok(admission.isFull(40), 'a batch that would take pending past the bound is refused');
  t.notOk(admission.isFull(20), 'one that fits is not');
  release();
  release();
  t.equal(admission.pending, 0, 'released once, however often called');
  t.notOk(admission.isFull(40));
});

t.test('refused after waiting maxWaitMs to be read: its slot comes after that wait, and the pace does not fall', async (t) => {
  const { admission, advance } = setup({ minRate: 100, startRate: 1000 });
  admission.retryAfterMs(20, 'screen-a');
  advance(300);
  t.equal(admission.retryAfterMs(20, 'screen-a', 800), 800, 'it waited 800 ms to be read: the frames behind it about as long');
  advance(500);
  t.equal(admission.rate, 1000, 'refused on reading, not by the store\'s bound: no verdict on the pace');
  admission.retryAfterMs(20, 'screen-a', 100);
  advance(500);
  t.equal(admission.rate, 800, 'refused again by the bound after a short read: the pace falls');
});
