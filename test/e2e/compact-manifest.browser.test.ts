// Two real Chromium players on one server: one reads the compact manifest (each item once, loops as
// indexes), the other says in its hello that it does not (its hello is rewritten on the way, as an old
// player's would be) and gets the full form. Both must air the same items, in the same order, for the same time.
import t from 'tap';
import type { Page } from 'playwright-core';
import { CAPABILITY_COMPACT_MANIFEST } from '../../player/protocol.js';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';

type Aired = { item: string; at: number };

/** Collects every item the page's stage airs from now on (the stage's attributes change with each one). */
async function recordAiring(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-item-id'), null, { timeout: 20_000 });
  await page.evaluate(() => {
    const stage = document.querySelector('#stage')!;
    const aired: { item: string; at: number }[] = [];
    (window as unknown as { aired: typeof aired }).aired = aired;
    new MutationObserver(() => aired.push({ item: stage.getAttribute('data-item-id')!, at: Date.parse(stage.getAttribute('data-started-at')!) })).observe(stage, {
      attributes: true,
      attributeFilter: ['data-started-at'],
    });
  });
}
const airedOf = (page: Page) => page.evaluate(() => (window as unknown as { aired: Aired[] }).aired.slice());

t.test('a player reading the compact manifest airs the same sequence as one reading the full form', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text').slice(0, 4);
  t.equal(slogans.length, 4, 'four slogans of the default campaign');
  const created = await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '紧凑清单', items: slogans.map((m) => ({ mediaId: m.id, durationMs: 2000 })) } });
  t.equal(created.statusCode, 201, created.body);
  const playlistId = JSON.parse(created.body).id as string;
  const scheduled = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId, target: { kind: 'all' }, priority: 1 } });
  t.equal(scheduled.statusCode, 201, scheduled.body);
  const itemIds = app.crier.catalogue.read().playlists.find((p) => p.id === playlistId)!.items.map((i) => i.id);

  const compactPage = await browser.newPage({ viewport: { width: 960, height: 540 } });
  const compactFrames: string[] = [];
  compactPage.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => void (String(payload).startsWith('{"type":"manifest"') && compactFrames.push(String(payload)))));
  const fullPage = await browser.newPage({ viewport: { width: 960, height: 540 } });
  const fullFrames: string[] = [];
  await fullPage.routeWebSocket(/\/ws\/player/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const text = String(message);
      if (!text.includes('"type":"hello"')) return server.send(message);
      const hello = JSON.parse(text) as { capabilities: string[] };
      server.send(JSON.stringify({ ...hello, capabilities: hello.capabilities.filter((c) => c !== CAPABILITY_COMPACT_MANIFEST) }));
    });
    server.onMessage((message) => {
      if (String(message).startsWith('{"type":"manifest"')) fullFrames.push(String(message));
      ws.send(message);
    });
  });
  const pageErrors: string[] = [];
  for (const page of [compactPage, fullPage]) page.on('pageerror', (e) => pageErrors.push(e.message));
  await Promise.all([compactPage.goto(`${baseUrl}/player`), fullPage.goto(`${baseUrl}/player`)]);
  // Both air the scheduled loop (not the default campaign they may have started with) before recording starts.
  for (const page of [compactPage, fullPage]) {
    await page.waitForFunction((ids) => ids.includes(document.querySelector('#stage')?.getAttribute('data-item-id') ?? ''), itemIds, { timeout: 20_000 });
    await recordAiring(page);
  }
  t.ok(compactFrames.some((f) => f.includes('"itemsLoop"')), 'the compact player got the compact form');
  t.ok(fullFrames.length > 0 && fullFrames.every((f) => !f.includes('"itemsLoop"') && f.includes('"items"')), 'the other got the full form');
  const sessions = [...app.crier.presence.allSessions()];
  t.same(sessions.map((s) => Boolean(s.acceptsCompactManifest)).sort(), [false, true], 'the server saw one compact and one full-form player');

  // Six items each, recorded from now on: they must be the same items at the same moments.
  const airedAtLeast = (page: Page, count: number) =>
    page.waitForFunction((count) => (window as unknown as { aired: unknown[] }).aired.length >= count, count, { timeout: 30_000 });
  await Promise.all([compactPage, fullPage].map((page) => airedAtLeast(page, 6)));
  let [compact, full] = await Promise.all([airedOf(compactPage), airedOf(fullPage)]);
  // The full-form player may be up to one loop behind or ahead in phase: it must have aired six items from
  // the one the compact player recorded first (CI once compared only three when it was three items ahead).
  const first = full.findIndex((b) => b.item === compact[0]!.item);
  if (first >= 0 && full.length - first < 6) {
    await airedAtLeast(fullPage, first + 6);
    [compact, full] = await Promise.all([airedOf(compactPage), airedOf(fullPage)]);
  }
  t.ok(compact.every((a) => itemIds.includes(a.item)) && full.every((a) => itemIds.includes(a.item)), 'both air only the scheduled loop');
  // A loop starts at its first item when the manifest takes effect at each player, so two players are not
  // phase-locked (on a loaded machine one page may take its manifest a second later): the same items in the
  // same order, each airing its 2 s, is what the two forms must give.
  const start = full.findIndex((b) => b.item === compact[0]!.item);
  t.ok(start >= 0 && start < itemIds.length, `the full-form player aired ${compact[0]!.item} within one loop (at ${start})`);
  const n = Math.min(compact.length, full.length - start);
  t.ok(n >= 4, `${n} airings to compare`);
  t.same(full.slice(start, start + n).map((b) => b.item), compact.slice(0, n).map((a) => a.item), 'the same items in the same order');
  // The median gap between starts: one clock correction (its first server-time samples) may move one start.
  const medianGap = (aired: Aired[]) => aired.slice(1).map((a, i) => a.at - aired[i]!.at).sort((x, y) => x - y)[Math.floor((aired.length - 1) / 2)]!;
  for (const [name, aired] of [['compact', compact], ['full-form', full]] as const) {
    const gap = medianGap(aired);
    t.ok(Math.abs(gap - 2000) <= 250, `the ${name} player airs each item its 2 s (median gap ${gap} ms)`);
  }
  t.same(pageErrors, [], 'no script errors');
});
