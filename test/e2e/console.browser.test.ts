// The staff console through its real UI in Chromium: an editor uploads, builds a playlist and schedules
// it to a township; an approver approves; the player of that township switches to it. Roles and
// township scope: console-roles.browser.test.ts; sign-in refusals: console-login.browser.test.ts.
import sharp from 'sharp';
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { signInAs, startTestServer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

t.test('upload, playlist, schedule to a township, approve: the township player switches to it', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  // One t.testdir() per test (a second call empties the first): the server's data and the poster below share it.
  const dir = t.testdir();
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000, approval: 'required', dataDir: path.join(dir, 'data') });

  // A real player page, placed in 城关镇 by the county.
  const player = await browser.newPage({ viewport: { width: 960, height: 540 } });
  await player.goto(`${baseUrl}/player`);
  await player.waitForFunction(() => !!document.documentElement.dataset.screenId && !!document.querySelector('#stage')?.getAttribute('data-source'), null, { timeout: 15_000 });
  const screenId = (await player.evaluate(() => document.documentElement.dataset.screenId))!;
  const placed = await app.inject({ method: 'PATCH', url: `/api/v1/screens/${screenId}`, payload: { name: '城关镇政府大屏', siteId: await placeSite(app, '城关镇') } });
  t.equal(placed.statusCode, 200, placed.body);

  // The editor (county-wide) works only through the console.
  const editor = await signInAs(app, 'editor');
  const page = await consoleAs(t, browser, baseUrl, editor.user.username);
  await go(page, 'media');
  const poster = path.join(dir, '反诈海报-城关镇.png');
  await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#1d4ed8' } }).png().toFile(poster);
  await page.locator('[data-testid=dropzone] input[type=file]').setInputFiles(poster);
  await page.locator('[data-testid=upload][data-done=true]').waitFor({ timeout: 20_000 });
  const card = page.locator('.media-card[data-title="反诈海报-城关镇"]');
  await card.waitFor({ timeout: 10_000 });
  t.equal(await card.getAttribute('data-approval'), 'pending', 'an editor’s upload waits for approval');
  const mediaId = (await card.getAttribute('data-media-id'))!;

  await go(page, 'playlists/new');
  await page.fill('[data-testid=playlist-editor] input[name=name]', '城关镇专题');
  await page.click(`[data-testid=media-picker] button[data-media-id="${mediaId}"]`);
  await page.fill('[data-testid=playlist-editor] input[name=durationSeconds]', '6');
  await page.click('[data-testid=playlist-editor] button[name=save]');
  await page.waitForFunction(() => /^#\/playlists\/(?!new)/.test(location.hash), null, { timeout: 10_000 });
  const playlistId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2]!);
  t.same(app.crier.catalogue.read().playlists.find((p) => p.id === playlistId)?.items.map((i) => [i.mediaId, i.durationMs]), [[mediaId, 6000]], 'the playlist was saved');

  await go(page, 'schedules');
  await page.click('button[name=new-entry]');
  const form = page.locator('[data-testid=entry-form]');
  await form.locator('select[name=playlistId]').selectOption(playlistId);
  await form.locator('select[name=targetKind]').selectOption('townships');
  await form.locator('input[name="target-城关镇"]').check();
  await form.locator('input[name=priority]').fill('50');
  await form.locator('button[name=save]').click();
  await page.locator('.week .block').first().waitFor({ timeout: 10_000 });
  const entry = app.crier.catalogue.read().schedules.find((s) => s.playlistId === playlistId);
  t.match(entry, { target: { kind: 'townships', townships: ['城关镇'] }, priority: 50 }, 'scheduled to the township');

  // Not approved yet: the screen keeps airing something else.
  await player.waitForTimeout(2000);
  t.not(await player.locator('#stage').getAttribute('data-media-id'), mediaId, 'unapproved content does not reach the player');

  // An approver approves it from the media library.
  const approver = await signInAs(app, 'approver');
  const approverPage = await consoleAs(t, browser, baseUrl, approver.user.username);
  await go(approverPage, 'media');
  await approverPage.click(`.media-card[data-media-id="${mediaId}"]`);
  await approverPage.click('[data-testid=media-detail] button[name=approve]');
  await approverPage.locator(`.media-card[data-media-id="${mediaId}"][data-approval=approved]`).waitFor({ timeout: 10_000 });

  const approvedAt = Date.now();
  await player.waitForFunction((id) => document.querySelector('#stage')?.getAttribute('data-media-id') === id, mediaId, { timeout: 20_000 });
  t.pass(`the player switched to the approved poster ${Date.now() - approvedAt} ms after approval`);
  t.equal(await player.locator('#stage').getAttribute('data-source'), 'schedule');

  // The dashboard shows it airing on that screen, live.
  await go(approverPage, 'dashboard');
  await approverPage.locator(`tr[data-screen-id="${screenId}"] [data-testid=airing]`, { hasText: '反诈海报-城关镇' }).waitFor({ timeout: 15_000 });
  t.same([...scriptErrors(page), ...scriptErrors(approverPage)], [], 'no script errors in either console');
});
