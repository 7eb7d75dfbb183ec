// A server that falls behind refuses new work clearly instead of stalling everyone (issue 14): plays
// go to the store's thread as they come while the wait stays bounded, batches past it are answered busy
// at once with a slot to come back in, and new player connections are refused with 503 while the event
// loop has just stalled.
import t from 'tap';
import WebSocket from 'ws';
import { SHED_HOLD_MS } from '../../server/gateway/overload.js';
import { BUSY_RETRY_MIN_MS, createPlaysAdmission, DEFAULT_PLAYS_ADMISSION } from '../../server/gateway/plays-admission.js';
import { helloPlayer, sleep, startTestServer, testPlayRecord } from '../helper.js';

const record = (startedAt: number) => testPlayRecord(startedAt);
const batch = (n: number) => Array.from({ length: n }, (_, i) => record(Date.now() - 60_000 + i));

/** Nothing else runs meanwhile: frames sent before it wait in the kernel and are read in one go after it. */
const block = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
};

/** A store call the test finishes by hand, at a time of its choosing. */
function manualStore() {
  const inStore: number[] = [];
  const finish: (() => void)[] = [];
  let current = 0;
  const write = (n: number) => () =>
    new Promise<number>((resolve) => {
      current += n;
      inStore.push(current);
      finish.push(() => ((current -= n), resolve(n)));
    });
  return { inStore, finish, write };
}

t.test('plays are handed to the store without waiting for earlier commits, up to perCommit; past the wait bound a batch is refused, never started', async (t) => {
  let clock = 0;
  // A pace of 40 records a second: half a second's worth is 20 records.
  const admission = createPlaysAdmission({ perCommit: 10, maxPending: 30, maxWaitMs: 500, minRate: 40, startRate: 40 }, { now: () => clock });
  const { inStore, finish, write } = manualStore();
  t.equal(admission.bound, 20, 'the pace × maxWaitMs');
  const a = admission.admit(4, write(4));
  const b = admission.admit(4, write(4));
  t.same(inStore, [4, 8], 'the second batch goes to the store while the first is still being committed');
  const c = admission.admit(6, write(6));
  t.same(inStore, [4, 8], 'one that would pass perCommit in the store\'s hands waits');
  t.equal(admission.pending, 14);
  t.equal(admission.admit(7, write(7)), null, 'past what is made durable in maxWaitMs: refused');
  t.ok(admission.isFull(7), 'and said so beforehand');
  t.notOk(admission.isFull(6), 'what still fits is taken');
  t.ok(admission.isFull(6, 250), 'unless it already waited to be read: that counts against its half second');
  clock += 100;
  finish.shift()!();
  t.equal(await a, 4);
  t.same(inStore, [4, 8, 10], 'the waiting batch starts once there is room');
  finish.shift()!();
  await b;
  finish.shift()!();
  t.equal(await c, 6);
  t.equal(admission.pending, 0, 'nothing left waiting');
  const big = admission.admit(100, write(100), 10_000);
  t.ok(big, 'a batch larger than the bound still goes through when nothing else waits, however long it waited');
  finish.shift()!();
  await big;
});

t.test('refused batches are told to come back one after another, at the pace', async (t) => {
  let clock = 0;
  const admission = createPlaysAdmission({ perCommit: 1000, maxPending: 1000, maxWaitMs: 500, minRate: 100, startRate: 100 }, { now: () => clock });
  const { finish, write } = manualStore();
  t.equal(admission.rate, 100);
  const inHand = admission.admit(50, write(50));
  t.equal(admission.retryAfterMs(20), 500, 'the first refused batch comes back after what is pending (50 records)');
  t.equal(admission.retryAfterMs(20), 700, 'the next after the first one\'s 20 records');
  t.equal(admission.retryAfterMs(10), 900);
  clock += 300;
  t.equal(admission.retryAfterMs(10), 700, 'the slots given stay taken as time passes');
  clock += 10_000;
  finish.shift()!();
  await inHand;
  t.equal(admission.retryAfterMs(10), BUSY_RETRY_MIN_MS, 'once everything is durable, after the minimum wait');
});

t.test('a batch arriving while the pending bound is full is answered busy at once and stored when resent', async (t) => {
  const { app, wsUrl } = await startTestServer(t, { shedding: { lagMs: 0, plays: { perCommit: 3, maxPending: 4, maxWaitMs: 500 } } });
  const first = await helloPlayer(t, wsUrl);
  const second = await helloPlayer(t, wsUrl);
  const mine = batch(3);
  const theirs = batch(3);
  first.player.send({ type: 'plays', records: mine });
  second.player.send({ type: 'plays', records: theirs });
  block(300);
  const [ackA, ackB] = await Promise.all([first.player.next('plays-ack'), second.player.next('plays-ack')]);
  t.same(ackA.ids, mine.map((r) => r.id), 'the first batch is stored and acknowledged');
  t.same(ackB.ids, [], 'the second is not acknowledged');
  t.equal(ackB.busy, true, 'it is told the server is busy');
  t.ok(ackB.retryAfterMs! >= BUSY_RETRY_MIN_MS, `and when to resend (${ackB.retryAfterMs} ms)`);
  const { airingLog } = app.crier;
  await airingLog.flush();
  t.equal(await airingLog.countPlays({ screenId: second.welcome.screenId }), 0, 'nothing of the refused batch was stored');
  second.player.send({ type: 'plays', records: theirs });
  t.same((await second.player.next('plays-ack')).ids, theirs.map((r) => r.id), 'resent, it is stored');
  t.equal(await airingLog.countPlays({ screenId: second.welcome.screenId }), 3);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /crier_shed_total\{kind="plays"\} 3/, 'the refusal is counted for /metrics');
});

/** Opens a socket and answers how the server took it: upgraded, or refused with a status and Retry-After. */
const attempt = (url: string) =>
  new Promise<{ status: number; retryAfter?: string | undefined; body?: string }>((resolve) => {
    const socket = new WebSocket(url);
    socket.on('open', () => (socket.close(), resolve({ status: 101 })));
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
    });
    socket.on('error', () => {});
  });

t.test('after a stall, new player connections are refused with 503 for a while; connected players carry on', async (t) => {
  const { app, wsUrl } = await startTestServer(t, { shedding: { lagMs: 300, plays: DEFAULT_PLAYS_ADMISSION } }, { eventLoopGraceMs: 0 });
  t.equal((await attempt(wsUrl)).status, 101, 'a smooth server takes new players');
  const { player } = await helloPlayer(t, wsUrl);
  block(800);
  await sleep(700);
  const refused = await attempt(wsUrl);
  t.equal(refused.status, 503, 'refused right after the stall');
  t.equal(refused.retryAfter, '5', 'with a Retry-After');
  t.match(JSON.parse(refused.body!), { reason: 'server-busy', message: /服务器繁忙.*server busy/ });
  player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1 });
  await player.next('heartbeat-ack');
  t.pass('a connected player is still answered');
  await sleep(SHED_HOLD_MS);
  t.equal((await attempt(wsUrl)).status, 101, 'once the loop stayed smooth, new players are taken again');
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /crier_shed_total\{kind="connection"\} 1/);
});
