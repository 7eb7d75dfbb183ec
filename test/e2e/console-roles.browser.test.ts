// Roles in the staff console, through its real UI in Chromium: a viewer can change nothing (controls
// absent or disabled, and the API refuses), township staff see only their township's screens.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors, tryChange } from '../console-ui.js';
import { signInAs, startTestServer } from '../helper.js';

const at = '2026-01-01T00:00:00Z';

t.test('a viewer can change nothing: controls absent or disabled, and the API refuses', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t);
  const viewer = await signInAs(app, 'viewer');
  const page = await consoleAs(t, browser, baseUrl, viewer.user.username);
  t.equal(await page.locator('button[name=urgent-alert]').count(), 0, 'no urgent-alert button');

  await go(page, 'media');
  await page.locator('[data-testid=media-grid] .media-card').first().waitFor();
  t.equal(await page.locator('[data-testid=dropzone]').count(), 0, 'no upload zone');
  t.ok(await page.locator('button[name=new-slogan]').isDisabled(), 'new slogan disabled');
  await page.locator('.media-card').first().click();
  t.ok(await page.locator('[data-testid=media-detail] button[name=save]').isDisabled(), 'save disabled');
  t.ok(await page.locator('[data-testid=media-detail] button[name=delete]').isDisabled(), 'delete disabled');
  t.ok(await page.locator('[data-testid=media-detail] input[name=title]').isDisabled(), 'title read-only');
  t.equal(await page.locator('[data-testid=media-detail] button[name=approve]').count(), 0, 'no approve button');
  await page.keyboard.press('Escape');

  await go(page, 'playlists');
  await page.locator('[data-testid=playlist-list] a[data-playlist-id]').first().click();
  await page.locator('[data-testid=playlist-editor]').waitFor();
  t.equal(await page.locator('a[href="#/playlists/new"]').count(), 0, 'no new-playlist link');
  t.ok(await page.locator('[data-testid=playlist-editor] button[name=save]').isDisabled(), 'playlist save disabled');
  t.equal(await page.locator('[data-testid=media-picker]').count(), 0, 'no media picker');

  await go(page, 'schedules');
  await page.locator('[data-testid=week-view]').waitFor();
  for (const name of ['new-entry', 'new-broadcast', 'new-quiet']) t.ok(await page.locator(`button[name=${name}]`).isDisabled(), `${name} disabled`);
  t.equal(await page.locator('.sidebar a[data-page=users]').count(), 0, 'no users page');
  t.equal(await page.locator('.sidebar a[data-page=audit]').count(), 0, 'no audit page');

  const before = JSON.stringify(app.crier.catalogue.read());
  const mediaId = app.crier.catalogue.read().media[0]!.id;
  const attempts = [
    await tryChange(page, 'POST', '/api/v1/playlists', { name: 'x', items: [{ mediaId, durationMs: 5000 }] }),
    await tryChange(page, 'POST', '/api/v1/alerts', { title: 'x', playlistId: app.crier.catalogue.read().playlists[0]!.id, target: { kind: 'all' } }),
    await tryChange(page, 'DELETE', `/api/v1/media/${mediaId}`, undefined),
  ];
  t.same(attempts, [{ status: 403, reason: 'forbidden' }, { status: 403, reason: 'forbidden' }, { status: 403, reason: 'forbidden' }], 'the API refuses a viewer’s changes');
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'and nothing changed');
  t.same(scriptErrors(page), [], 'no script errors');
});

t.test('a township editor sees only the screens of that township', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t);
  await app.crier.catalogue.update((draft) => {
    draft.screens.push(
      { id: 'scr-chengguan', name: '城关镇汽车站', isProvisional: false, township: '城关镇', groups: [], createdAt: at },
      { id: 'scr-hekou', name: '河口乡村委会', isProvisional: false, township: '河口乡', groups: [], createdAt: at },
    );
  });
  const editor = await signInAs(app, 'editor', '城关镇');
  const page = await consoleAs(t, browser, baseUrl, editor.user.username);
  await go(page, 'screens');
  await page.locator('[data-testid=screens] tr[data-screen-id="scr-chengguan"]').waitFor();
  t.equal(await page.locator('[data-testid=screens] tr[data-screen-id="scr-hekou"]').count(), 0, 'the other township’s screen is not listed');
  await go(page, 'dashboard');
  await page.locator('[data-testid=dashboard-screens] tr[data-screen-id="scr-chengguan"]').waitFor();
  t.equal(await page.locator('text=河口乡村委会').count(), 0, 'nor on the dashboard');
  await go(page, 'reports');
  await page.locator('[data-testid=plays-per-day]').waitFor();
  t.equal(await page.locator('[data-testid=plays-per-day] tr[data-screen-id="scr-hekou"]').count(), 0, 'nor in proof of airing');
  const direct = await page.evaluate(async () => (await fetch('/api/v1/screens/scr-hekou')).status);
  t.equal(direct, 403, 'the API refuses it too');
  t.same(scriptErrors(page), [], 'no script errors');
});

