// The Content-Security-Policy breaks nothing (issue 13.7): every console page (uPlot charts, live
// socket), the player (service worker, IndexedDB, media, WebSocket) and the audio station run in
// Chromium without a single CSP violation or script error.
import t from 'tap';
import type { Page } from 'playwright-core';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { sleep, startTestServer, TEST_ADMIN } from '../helper.js';

/** Every CSP violation a page reports, from the page itself (the event fires before any console line). */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('crierCspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { crierCspViolation: (v: string) => void }).crierCspViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
  return violations;
}

t.test('console, player and audio station under the CSP', browserTestOptions(), async (t) => {
  const { baseUrl } = await startTestServer(t);
  const browser = await launchBrowser(t);

  const player = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  const playerViolations = await watchViolations(player);
  const playerErrors: string[] = [];
  player.on('pageerror', (e) => playerErrors.push(e.message));
  await player.goto(`${baseUrl}/player`);
  await player.waitForFunction(() => navigator.serviceWorker.controller !== null || document.querySelector('.layer.is-live'), null, { timeout: 20_000 });
  await player.waitForSelector('.layer.is-live', { timeout: 20_000 });
  await sleep(3000); // an item or two, the worker caching media, records in IndexedDB
  t.ok(await player.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length > 0), 'the service worker registered');
  t.same(playerViolations, [], 'player: no CSP violation');
  t.same(playerErrors, [], 'player: no script error');

  const station = await (await browser.newContext()).newPage();
  const stationViolations = await watchViolations(station);
  await station.goto(`${baseUrl}/player?mode=audio`);
  await sleep(3000);
  t.same(stationViolations, [], 'audio station (its status panel styles itself): no CSP violation');

  // The sign-in page asks for nothing that is not there. The browser's own /favicon.ico request shows
  // only as a console line, and only on a context's first load.
  const signIn = await (await browser.newContext()).newPage();
  const failed: string[] = [];
  signIn.on('console', (m) => /Failed to load resource/.test(m.text()) && !/401/.test(m.text()) && failed.push(m.text()));
  await signIn.goto(`${baseUrl}/console`);
  await signIn.locator('form[data-testid=login-form]').waitFor({ timeout: 10_000 });
  await sleep(1000);
  t.same(failed, [], 'console: no missing file (not even a favicon); only the sign-in check answers 401');

  const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  const consoleViolations: string[] = [];
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && consoleViolations.push(m.text()));
  for (const route of ['dashboard', 'media', 'playlists', 'schedules', 'screens', 'reports', 'audit', 'users']) {
    await go(page, route);
    await sleep(1200);
  }
  t.same(consoleViolations, [], 'console: no CSP violation on any page');
  t.same(scriptErrors(page), [], 'console: no script error');
});
