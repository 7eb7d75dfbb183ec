// The browser player told `busy` (issue 14, protocol v1.4), in a real Chromium: the server's store is
// held, so the admission bound is full and the page's plays batches are refused busy. The page keeps
// the records (IndexedDB), sends no plays before retryAfterMs has passed (timed by the browser's own
// clock, from the WebSocket frames Chromium reports), and once the store is let go every refused
// record is acknowledged, stored exactly once, and gone from the page's IndexedDB.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { helloPlayer, startTestServer, testPlayRecord } from '../helper.js';
import { fastLoop, storedPlays } from './offline-helpers.js';

interface Frame {
  /** Seconds on the browser's monotonic clock. */
  at: number;
  sent: boolean;
  message: { type: string; records?: { id: string }[]; ids?: string[]; busy?: true; retryAfterMs?: number; batch?: number };
}

t.test('a browser player told busy keeps its records and resends them after retryAfterMs, each stored once', browserTestOptions(), async (t) => {
  const { app, baseUrl, wsUrl } = await startTestServer(t, {
    heartbeatIntervalMs: 1000,
    // Anything pending fills the bound, and a refused batch is given a slot of at least a second.
    shedding: { lagMs: 0, plays: { perCommit: 3, maxPending: 4, maxWaitMs: 500, minRate: 2 } },
  });
  await fastLoop(app, 800);
  const { airingLog } = app.crier;

  // The store is held (a slow disk, made to order): what reaches it waits.
  const recordPlays = airingLog.recordPlays.bind(airingLog);
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let reachedStore = () => {};
  const reached = new Promise<void>((resolve) => (reachedStore = resolve));
  airingLog.recordPlays = async (...args) => (reachedStore(), await held, recordPlays(...args));
  const other = await helloPlayer(t, wsUrl);
  other.player.send({ type: 'plays', records: [testPlayRecord(Date.now() - 9000), testPlayRecord(Date.now() - 8000)] });
  await reached;

  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 640, height: 360 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const frames: Frame[] = [];
  let looked = () => {};
  const until = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      looked = () => check() && resolve();
      looked();
    });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const take = (sent: boolean) => (e: { timestamp: number; response: { payloadData: string } }) => {
    const message = JSON.parse(e.response.payloadData) as Frame['message'];
    if (message.type === 'plays' || message.type === 'plays-ack') frames.push({ at: e.timestamp, sent, message });
    looked();
  };
  cdp.on('Network.webSocketFrameSent', take(true));
  cdp.on('Network.webSocketFrameReceived', take(false));
  await page.goto(`${baseUrl}/player`);

  // Two busy answers in a row: each time the page waits out retryAfterMs before it sends plays again.
  const busyAcks = () => frames.filter((f) => !f.sent && f.message.busy);
  await until(() => busyAcks().length >= 2 && frames.some((f) => f.sent && f.at > busyAcks()[1]!.at));
  const [first, second] = busyAcks() as [Frame, Frame];
  const refusedFrame = frames.find((f) => f.sent && f.message.batch === first.message.batch)!;
  t.ok(refusedFrame, 'the busy ack names a batch the page sent');
  t.same(first.message.ids, [], 'nothing of it is acknowledged');
  t.ok(first.message.retryAfterMs! >= 1000, `and it is told to come back later (${first.message.retryAfterMs} ms)`);
  const refusedIds = refusedFrame.message.records!.map((r) => r.id);
  const waiting = new Set((await storedPlays(page)).filter((r) => r.state === 'closed').map((r) => r.id));
  t.ok(refusedIds.every((id) => waiting.has(id)), 'the page keeps the refused records in IndexedDB');
  for (const busy of [first, second]) {
    const next = frames.find((f) => f.sent && f.message.type === 'plays' && f.at > busy.at)!;
    const gapMs = (next.at - busy.at) * 1000;
    t.ok(gapMs >= busy.message.retryAfterMs!, `no plays sent for ${Math.round(gapMs)} ms after a busy ack that said ${busy.message.retryAfterMs} ms`);
    t.ok(refusedIds.every((id) => next.message.records!.some((r) => r.id === id)), 'then the refused records go out again');
  }

  // The store is let go: every refused record is acknowledged, stored once, and leaves the page.
  release();
  const acked = new Set<string>();
  await until(() => {
    for (const f of frames) if (!f.sent && f.message.type === 'plays-ack') for (const id of f.message.ids ?? []) acked.add(id);
    return refusedIds.every((id) => acked.has(id));
  });
  t.pass('every refused record was acknowledged after the store came back');
  await airingLog.flush();
  const screenId = (await page.evaluate(() => document.documentElement.dataset.screenId))!;
  const stored = (await airingLog.listPlays({ screenId, limit: 10_000 })).map((p) => p.id);
  t.equal(new Set(stored).size, stored.length, 'no record stored twice');
  t.same(refusedIds.filter((id) => stored.includes(id)), refusedIds, 'each refused record is stored');
  const sentIds = new Set(frames.filter((f) => f.sent).flatMap((f) => f.message.records!.map((r) => r.id)));
  t.ok(sentIds.size > refusedIds.length, `the page sent ${sentIds.size} distinct records in all`);
  const left = new Set((await storedPlays(page)).map((r) => r.id));
  t.same(refusedIds.filter((id) => left.has(id)), [], 'and none of the refused records is left in the page\'s IndexedDB');
  t.same(pageErrors, [], 'no script errors on the player page');
});
