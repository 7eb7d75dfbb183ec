// Two real Chromium players on one server: one reads the compact manifest (each item once, loops as
// indexes), the other says in its hello that it does not (its hello is rewritten on the way, as an old
// player's would be) and gets the full form. Both must air the same items, in the same order, at the same times.
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
  await Promise.all([compactPage, fullPage].map((page) => page.waitForFunction(() => (window as unknown as { aired: unknown[] }).aired.length >= 6, null, { timeout: 30_000 })));
  const [compact, full] = await Promise.all([airedOf(compactPage), airedOf(fullPage)]);
  t.ok(compact.every((a) => itemIds.includes(a.item)) && full.every((a) => itemIds.includes(a.item)), 'both air only the scheduled loop');
  // Pair each item the compact player aired with the full-form player's airing nearest in time.
  let paired = 0;
  for (const a of compact) {
    const nearest = full.reduce<Aired | null>((best, b) => (!best || Math.abs(b.at - a.at) < Math.abs(best.at - a.at) ? b : best), null)!;
    if (Math.abs(nearest.at - a.at) > 1000) continue;
    paired++;
    t.equal(nearest.item, a.item, `at ${new Date(a.at).toISOString()} both aired ${a.item}`);
  }
  t.ok(paired >= 4, `${paired} airings of the compact player matched one of the other's within a second`);
  t.same(pageErrors, [], 'no script errors');
});
