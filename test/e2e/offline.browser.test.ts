// Offline-first, end to end in Chromium: the server stops while a screen airs and the screen keeps
// changing; a reload with the server down plays from the service worker's cache; when the server is
// back (same data directory, same port) every play made meanwhile arrives, each exactly once.
import { createHash } from 'node:crypto';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { fastLoop, serve, storedPlays, waitCached, watchItems } from './offline-helpers.js';

t.test('a screen airs through a server outage and a reload, and its plays arrive exactly once', browserTestOptions(), async (t) => {
  const dataDir = t.testdir();
  let server = await serve(dataDir);
  const { port, baseUrl } = server;
  t.teardown(() => server.app.close());
  await fastLoop(server.app);

  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/player`);
  const { screenId, files } = await waitCached(page, server.app);
  t.ok(files >= 3, `the service worker holds all ${files} media files of the manifest`);
  // Let a few records reach the server first, so the outage starts from a clean queue.
  await page.waitForFunction(() => true, null, { timeout: 3000 });
  const before = new Set((await server.app.crier.airingLog.listPlays({ screenId, limit: 1000 })).map((p) => p.id));

  // The server goes away while the screen airs.
  const stoppedAt = Date.now();
  await server.app.close();
  await page.waitForFunction(() => document.documentElement.dataset.connection === 'offline', null, { timeout: 5000 });
  const seen = await watchItems(page, 5000);
  t.ok(seen.length >= 3, `the screen kept changing with the server down (${seen.length} items in 5 s)`);
  const pictures = new Set<string>();
  for (let i = 0; i < 6; i++) {
    pictures.add(createHash('sha256').update(await page.screenshot()).digest('hex'));
    await page.waitForTimeout(500);
  }
  t.ok(pictures.size >= 3, `the picture changed: ${pictures.size} different screenshots of 6 over 3 s`);

  // A reload with the server down: page, bundle, fonts and media come from the cache.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-item-id'), null, { timeout: 10_000 });
  const afterReload = await watchItems(page, 4000);
  t.ok(afterReload.length >= 2, `after a reload offline it airs again (${afterReload.length} items in 4 s)`);
  await page.waitForFunction(
    () => [...document.querySelectorAll<HTMLImageElement>('.layer.is-live img')].some((img) => img.complete && img.naturalWidth > 0),
    null,
    { timeout: 8000 },
  );
  t.pass('a still decoded from the cache is on screen');

  // Everything made offline is waiting in IndexedDB.
  const waiting = await storedPlays(page);
  const closedOffline = waiting.filter((r) => r.state === 'closed');
  t.ok(closedOffline.length >= 5, `${closedOffline.length} closed records wait in IndexedDB`);
  t.ok(closedOffline.some((r) => r.outcome === 'cut'), 'the item cut by the reload was recorded as cut');

  // The server comes back on the same port with the same data.
  server = await serve(dataDir, port);
  const restartedAt = Date.now();
  // The network-is-back signal a kiosk gets from its OS; without it the backoff timer would do it later.
  await page.evaluate(() => dispatchEvent(new Event('online')));
  await page.waitForFunction(() => document.documentElement.dataset.connection === 'online', null, { timeout: 15_000 });
  const expected = new Set(closedOffline.map((r) => r.id));
  const deadline = Date.now() + 15_000;
  let stored = await server.app.crier.airingLog.listPlays({ screenId, limit: 1000 });
  while (Date.now() < deadline && ![...expected].every((id) => stored.some((p) => p.id === id))) {
    await new Promise((r) => setTimeout(r, 250));
    stored = await server.app.crier.airingLog.listPlays({ screenId, limit: 1000 });
  }
  const ids = stored.map((p) => p.id);
  t.same([...expected].filter((id) => !ids.includes(id)), [], 'every record made offline arrived');
  t.equal(new Set(ids).size, ids.length, 'no id twice in the airing log');
  // Anything else new since the outage began was made by the page too (before the snapshot or after the restart).
  const unexplained = stored.filter((p) => !before.has(p.id) && !expected.has(p.id) && Date.parse(p.startedAt) < stoppedAt - 2000);
  t.same(unexplained, [], 'no record from nowhere');
  const offlinePlays = stored.filter((p) => expected.has(p.id));
  t.ok(offlinePlays.every((p) => Date.parse(p.startedAt) >= stoppedAt - 3000 && Date.parse(p.startedAt) <= restartedAt), 'their times are the offline window');
  t.ok(offlinePlays.every((p) => p.plannedStartedAt !== null && p.clockOffsetMs !== null), 'with planned start and clock offset');

  // Acknowledged records leave IndexedDB.
  await page.waitForFunction(
    async (ids) => {
      const open = indexedDB.open('crier-player');
      const db = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)));
      const keys = await new Promise<IDBValidKey[]>((resolve) => {
        const r = db.transaction('plays').objectStore('plays').getAllKeys();
        r.onsuccess = () => resolve(r.result);
      });
      db.close();
      return ids.every((id) => !keys.includes(id));
    },
    [...expected],
    { timeout: 10_000 },
  );
  t.pass('acknowledged records are gone from IndexedDB');

  // The heartbeat tells the console about the cache.
  await page.waitForTimeout(1500);
  const health = server.app.crier.screens.get(screenId).status.health;
  t.match(health, { cache: { items: files, itemsTotal: files }, playerVersion: /^\d/ }, 'the screen reports a full cache');
  t.ok((health?.cache?.bytes ?? 0) > 0 && health?.cache?.bytes === health?.cache?.bytesTotal, `bytes cached of the total: ${health?.cache?.bytes}/${health?.cache?.bytesTotal}`);
  t.same(pageErrors, [], 'no script errors');
});
