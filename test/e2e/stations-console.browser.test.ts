// Stations in the console, in Chromium (issue 12.2): the default quiet hours are listed and editable,
// saving a schedule without audio warns about the stations it reaches, the preview says in words that
// the station airs the default audio instead, and the dashboard lists stations with no audio ahead.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { helloPlayer, startTestServer, TEST_ADMIN } from '../helper.js';

t.test('quiet hours, the save warning, the preview and the dashboard list', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl, wsUrl } = await startTestServer(t, { stationQuietHours: { start: '22:00', end: '06:30' } });
  const { player: station, welcome } = await helloPlayer(t, wsUrl, { mode: 'audio', capabilities: ['audio'] });
  await station.next('manifest');
  await app.inject({ method: 'PATCH', url: `/api/v1/screens/${welcome.screenId}`, payload: { name: '河口村广播站' } });
  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text');
  const playlistId = JSON.parse(
    (await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '标语轮播', items: [{ mediaId: slogans[0]!.id, durationMs: 5000 }] } })).body,
  ).id as string;

  const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  await go(page, 'schedules');
  const quietRule = page.locator('.rule-list li', { hasText: '夜间静音（广播站）' });
  await quietRule.waitFor({ timeout: 10_000 });
  t.match(await quietRule.innerText(), /22:00–06:30/, 'the default quiet hours are shown');
  await quietRule.locator('button').click();
  t.ok(await page.locator('[data-testid=quiet-form]').isVisible(), 'and open for editing');
  await page.locator('[data-testid=quiet-form] button', { hasText: '取消' }).click();

  await page.click('button[name=new-entry]');
  const form = page.locator('[data-testid=entry-form]');
  await form.locator('select[name=playlistId]').selectOption(playlistId);
  await form.locator('button[name=save]').click();
  const warning = page.locator('[data-testid=station-warning]');
  await warning.waitFor({ timeout: 10_000 });
  t.match(await warning.innerText(), /「标语轮播」中没有音频：目标中的 1 个广播站（河口村广播站）/, 'warns before saving');
  t.equal(app.crier.catalogue.read().schedules.length, 0, 'nothing saved yet');
  t.equal(await form.locator('button[name=save]').innerText(), '仍然保存');
  await form.locator('button[name=save]').click();
  await page.locator('.week .block').first().waitFor({ timeout: 10_000 });
  t.equal(app.crier.catalogue.read().schedules.length, 1, 'saved on the second click');

  await go(page, `screens/${welcome.screenId}`);
  // The row that says it, not the first row: from 22:00 to 06:30 the first one is the quiet hours.
  const why = page.locator('[data-testid=timeline] td[data-field=why]', { hasText: '「标语轮播」中没有音频' }).first();
  await why.waitFor({ timeout: 10_000 });
  t.match(await why.innerText(), /「标语轮播」中没有音频，播放默认宣传音频/, 'the preview says so in words');

  const english = await consoleAs(t, browser, `${baseUrl}`, TEST_ADMIN.username, TEST_ADMIN.password);
  await english.goto(`${baseUrl}/console?lang=en#/screens/${welcome.screenId}`);
  const whyEn = english.locator('[data-testid=timeline] td[data-field=why]', { hasText: 'no audio in “标语轮播”' }).first();
  await whyEn.waitFor({ timeout: 10_000 });
  t.match(await whyEn.innerText(), /no audio in “标语轮播”, airing the default audio/);

  // A default campaign without audio: the dashboard lists the station.
  await app.crier.catalogue.update((d) => {
    const audioIds = new Set(d.media.filter((m) => m.kind === 'audio').map((m) => m.id));
    const pl = d.playlists.find((p) => p.id === d.defaultPlaylistId)!;
    pl.items = pl.items.filter((i) => !audioIds.has(i.mediaId));
  });
  await go(page, 'dashboard');
  const silent = page.locator('[data-testid=silent-stations]');
  await silent.waitFor({ timeout: 10_000 });
  t.match(await silent.innerText(), /1 个广播站未来 24 小时没有音频可播[\s\S]*河口村广播站/);
  t.same(scriptErrors(page), []);
});
