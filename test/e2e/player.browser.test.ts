// End to end: the real server, a real Chromium opening /player, the default campaign on screen,
// proof of airing on the server, and a playlist change reaching the open page without a reload.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { signInBrowser, startTestServer } from '../helper.js';

t.test('a browser player airs the default campaign and proves it', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/player`);

  // (a) a slide from the default campaign is visible.
  const html = page.locator('html');
  await page.waitForFunction(() => document.documentElement.dataset.manifestVersion && document.querySelector('#stage')?.getAttribute('data-item-id'), null, { timeout: 15_000 });
  const screenId = (await html.getAttribute('data-screen-id'))!;
  t.match(screenId, /^scr-/);
  const manifest = app.crier.publisher.manifestFor(screenId)!;
  t.equal(await html.getAttribute('data-manifest-version'), manifest.version, 'the page airs the current manifest');
  const firstText = manifest.items.find((i) => i.type === 'text')!;
  await page.locator('.slide-headline', { hasText: firstText.slogan!.headline }).first().waitFor({ state: 'visible', timeout: 30_000 });
  t.pass(`slogan visible: ${firstText.slogan!.headline}`);
  t.equal(await html.getAttribute('data-connection'), 'online');

  // (c) a playlist change through the API reaches the open page without a reload.
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'same-page'));
  const media = app.crier.catalogue.read().media;
  const slogans = media.filter((m) => m.kind === 'text').slice(-2);
  const put = await app.inject({
    method: 'PUT',
    url: `/api/v1/playlists/${manifest.playlistId}`,
    payload: { name: '测试循环', items: slogans.map((m) => ({ mediaId: m.id, durationMs: 1500 })) },
  });
  t.equal(put.statusCode, 200);
  const updated = app.crier.publisher.manifestFor(screenId)!;
  await page.waitForFunction((v) => document.documentElement.dataset.manifestVersion === v, updated.version, { timeout: 20_000 });
  const shownItem = await page.locator('#stage').getAttribute('data-item-id');
  t.ok(updated.items.some((i) => i.id === shownItem), 'an item of the new loop is on screen');
  t.equal(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker), 'same-page', 'no reload happened');
  await t.resolves(
    (async () => {
      for (let i = 0; i < 50 && app.crier.screens.get(screenId).status.appliedManifestVersion !== updated.version; i++) await new Promise((r) => setTimeout(r, 100));
    })(),
  );
  t.equal(app.crier.screens.get(screenId).status.appliedManifestVersion, updated.version, 'the player said which version it applied');

  // (b) the server holds play records and heartbeats from this browser.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && await app.crier.airingLog.countPlays({ screenId }) < 2) await new Promise((r) => setTimeout(r, 200));
  const plays = await app.crier.airingLog.listPlays({ screenId, limit: 50 });
  t.ok(plays.length >= 2, `play records stored (${plays.length})`);
  t.ok(plays.some((p) => p.completed && updated.items.some((i) => i.id === p.itemId)), 'a completed play of the new loop');
  t.ok(await app.crier.airingLog.countHeartbeats(screenId) >= 1, 'heartbeats stored');
  t.equal(app.crier.screens.get(screenId).status.isOnline, true, 'the screen is online');

  // The console shows the screen online with its play records.
  // The console is for signed-in staff: this page carries the admin's session cookie.
  const consoleContext = await browser.newContext();
  await signInBrowser(consoleContext, app, baseUrl);
  const consolePage = await consoleContext.newPage();
  await consolePage.goto(`${baseUrl}/console`);
  const row = consolePage.locator(`tr[data-screen-id="${screenId}"]`);
  await row.waitFor({ timeout: 10_000 });
  t.match(await row.getAttribute('class'), /is-online/);
  await consolePage.locator('[data-testid="plays"] tr[data-play-id]').first().waitFor({ timeout: 10_000 });
  t.same(pageErrors, [], 'no script errors on the player page');
});
