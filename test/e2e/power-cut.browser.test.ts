// A power cut in the middle of an item, in Chromium: the renderer dies without pagehide (CDP
// Page.crash), with the server down. The record its item left open in IndexedDB is closed as not
// completed when the player starts again, and reaches the restarted server exactly once.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { fastLoop, serve, storedPlays, waitCached } from './offline-helpers.js';

t.test('a power cut mid-item leaves a not-completed record that arrives after the restart', browserTestOptions(), async (t) => {
  const dataDir = t.testdir();
  let server = await serve(dataDir);
  const { port, baseUrl } = server;
  t.teardown(() => server.app.close());
  // Long items, so the cut is surely mid-item and the open record has had progress ticks.
  await fastLoop(server.app, 20_000);

  const browser = await launchBrowser(t);
  const context = await browser.newContext({ viewport: { width: 960, height: 540 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/player`);
  const { screenId } = await waitCached(page, server.app);
  await server.app.close();

  // An item goes on air offline; its record is in IndexedDB, open, from its first second.
  const startedAt = await page.evaluate(() => document.querySelector('#stage')!.getAttribute('data-started-at'));
  await page.waitForFunction((s) => document.querySelector('#stage')!.getAttribute('data-started-at') !== s, startedAt, { timeout: 25_000 });
  const itemId = (await page.locator('#stage').getAttribute('data-item-id'))!;
  await page.waitForTimeout(11_000); // past two progress ticks (every 5 s): the last one is ≥ 5 s into the item
  const open = (await storedPlays(page)).filter((r) => r.state === 'open');
  t.equal(open.length, 1, 'the item on air has an open record');
  const cutId = open[0]!.id;
  t.ok(Date.parse(open[0]!.endedAt) > Date.parse(open[0]!.startedAt), 'its end moved forward while it aired');

  // Power cut: the renderer dies at once, no pagehide, no unload.
  const cdp = await context.newCDPSession(page);
  void cdp.send('Page.crash').catch(() => {});
  await page.waitForEvent('crash', { timeout: 5000 }).catch(() => {});
  t.pass('the page crashed mid-item');

  // Power back: the server first, then the screen's browser opens the player again.
  server = await serve(dataDir, port);
  const again = await context.newPage();
  await again.goto(`${baseUrl}/player`);
  const deadline = Date.now() + 20_000;
  let rows = (await server.app.crier.airingLog.listPlays({ screenId, limit: 1000 })).filter((p) => p.id === cutId);
  while (Date.now() < deadline && rows.length === 0) {
    await new Promise((r) => setTimeout(r, 250));
    rows = (await server.app.crier.airingLog.listPlays({ screenId, limit: 1000 })).filter((p) => p.id === cutId);
  }
  t.equal(rows.length, 1, 'the cut record arrived, once');
  t.match(rows[0], { itemId, completed: false, outcome: 'lost' }, 'as not completed: the player did not survive it');
  t.ok(Date.parse(rows[0]!.endedAt) - Date.parse(rows[0]!.startedAt) >= 4000, 'ending at its last progress tick, not at its start');
  await again.waitForFunction(() => document.documentElement.dataset.connection === 'online');
  await again.waitForTimeout(1500);
  t.notOk((await storedPlays(again)).some((r) => r.id === cutId), 'acknowledged: gone from IndexedDB');
  t.equal((await server.app.crier.airingLog.listPlays({ screenId, limit: 1000 })).filter((p) => p.id === cutId).length, 1, 'still exactly once');
});
