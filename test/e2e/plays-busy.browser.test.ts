// A real player page in Chromium whose plays the server refuses busy (issue 14): the airing log's
// database is held by another connection (a slow disk, for real), so a batch stays in the store's hands
// and, with a pending bound of one record, the next batch is answered `busy` with retryAfterMs. The
// player keeps the records, sends no plays before retryAfterMs has passed, resends them, and each lands
// exactly once. The page's frames are logged as sent and received (an init script), with the page's clock.
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import type { Page } from 'playwright-core';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';
import { fastLoop, storedPlays } from './offline-helpers.js';

interface Frame {
  dir: 'out' | 'in';
  at: number;
  batch?: number;
  ids: string[];
  busy?: boolean;
  retryAfterMs?: number;
}

/** Logs every plays frame the page sends and every plays-ack it receives, before the player sees it. */
function logPlaysFrames(): void {
  const log: unknown[] = [];
  (window as unknown as { __plays: unknown[] }).__plays = log;
  const Native = window.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    const message = typeof data === 'string' ? (JSON.parse(data) as { type?: string; batch?: number; records?: { id: string }[] }) : null;
    if (message?.type === 'plays') log.push({ dir: 'out', at: performance.now(), batch: message.batch, ids: message.records!.map((r) => r.id) });
    return send.call(this, data);
  };
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // Added before the player's own listener, so it runs first in the same dispatch.
      this.addEventListener('message', (event: MessageEvent) => {
        const message = JSON.parse(String(event.data)) as { type?: string; batch?: number; ids?: string[]; busy?: boolean; retryAfterMs?: number };
        if (message.type === 'plays-ack') log.push({ dir: 'in', at: performance.now(), batch: message.batch, ids: message.ids, busy: message.busy, retryAfterMs: message.retryAfterMs });
      });
    }
  };
}

const framesOf = (page: Page) => page.evaluate(() => (window as unknown as { __plays: Frame[] }).__plays.slice());

t.test('a real player refused busy keeps its records, waits retryAfterMs, resends, and every record lands once', browserTestOptions(), async (t) => {
  const dataDir = t.testdir();
  // A pending bound of one record: while a batch is in the store's hands, any other is refused busy. A pace
  // of half a record a second (its start and its floor) makes retryAfterMs about two seconds per pending record: twice the
  // player's own flush delay (1 s), so a player that ignored it would be seen sending too early.
  const { app, baseUrl } = await startTestServer(t, { dataDir, shedding: { lagMs: 0, plays: { perCommit: 1000, maxPending: 1, maxWaitMs: 500, minRate: 0.5, startRate: 0.5 } } });
  // Items of a second (the shortest allowed): the player closes a record and sends a batch about every second.
  await fastLoop(app, 1000);

  const browser = await launchBrowser(t);
  const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
  await context.addInitScript(logPlaysFrames);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/player`);
  await page.waitForFunction(() => document.documentElement.dataset.connection === 'online', null, { timeout: 30_000 });
  const screenId = (await page.evaluate(() => document.documentElement.dataset.screenId))!;
  // Plays flow normally first: a batch acknowledged.
  await page.waitForFunction(() => (window as unknown as { __plays: Frame[] }).__plays.some((f) => f.dir === 'in' && f.ids.length > 0), null, { timeout: 30_000 });

  // Another connection holds the airing log's write lock: the next batch waits in the store's hands.
  const holder = new Database(path.join(dataDir, 'airing.sqlite3'));
  holder.pragma('busy_timeout = 5000');
  holder.exec('BEGIN IMMEDIATE');
  let isHeld = true;
  const release = () => {
    if (!isHeld) return;
    isHeld = false;
    holder.exec('ROLLBACK');
    holder.close();
  };
  t.teardown(release);
  const heldAt = await page.evaluate(() => performance.now());
  // The store's thread waits up to its busy_timeout (5 s) for the lock: released as soon as a batch is refused.
  await page.waitForFunction((since) => (window as unknown as { __plays: Frame[] }).__plays.some((f) => f.dir === 'in' && f.busy && f.at > since), heldAt, { timeout: 20_000 });
  const stored = await storedPlays(page);
  release();

  const firstBusy = (await framesOf(page)).find((f) => f.dir === 'in' && f.busy && f.at > heldAt)!;
  const refusedBatch = (await framesOf(page)).find((f) => f.dir === 'out' && f.batch === firstBusy.batch);
  t.ok(refusedBatch, `the busy ack names a batch the player sent (${firstBusy.batch})`);
  t.same(firstBusy.ids, [], 'nothing of it is acknowledged');
  t.ok(firstBusy.retryAfterMs! > 0, `and says when to resend (${firstBusy.retryAfterMs} ms)`);
  const closedIds = new Set(stored.filter((r) => r.state === 'closed').map((r) => r.id));
  t.ok(refusedBatch!.ids.every((id) => closedIds.has(id)), 'the player keeps the refused records (IndexedDB)');

  // Everything the player sent up to now must end acknowledged (the refused batch included).
  const sent = [...new Set((await framesOf(page)).filter((f) => f.dir === 'out').flatMap((f) => f.ids))];
  await page.waitForFunction(
    (ids) => {
      const acked = new Set((window as unknown as { __plays: Frame[] }).__plays.filter((f) => f.dir === 'in' && !f.busy).flatMap((f) => f.ids));
      return ids.every((id) => acked.has(id));
    },
    sent,
    // Well inside the player's own resend time (30 s), which a player ignoring busy would fall back on.
    { timeout: 20_000 },
  );
  const frames = await framesOf(page);
  const busies = frames.filter((f) => f.dir === 'in' && f.busy);
  for (const busy of busies) {
    // The player's hold starts when it reads the ack (this log runs just before, in the same dispatch).
    const early = frames.filter((f) => f.dir === 'out' && f.at > busy.at && f.at < busy.at + busy.retryAfterMs! - 5);
    t.same(early, [], `no plays sent within ${busy.retryAfterMs} ms of the busy ack for batch ${busy.batch}`);
    const refused = frames.find((f) => f.dir === 'out' && f.batch === busy.batch)!;
    const resent = new Set(frames.filter((f) => f.dir === 'out' && f.at > busy.at).flatMap((f) => f.ids));
    t.ok(refused.ids.every((id) => resent.has(id)), `batch ${busy.batch}'s records were sent again afterwards`);
  }
  t.ok(busies.length >= 1, `the server refused ${busies.length} batch(es) busy`);

  const rows = await app.crier.airingLog.listPlays({ screenId, limit: 10_000 });
  const times = new Map<string, number>();
  for (const row of rows) times.set(row.id, (times.get(row.id) ?? 0) + 1);
  t.same(sent.filter((id) => times.get(id) !== 1), [], `each of the ${sent.length} records sent is stored exactly once`);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /crier_shed_total\{kind="plays"\} [1-9]/, 'the refusals are counted for /metrics');
});
