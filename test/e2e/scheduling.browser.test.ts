// A real Chromium player on a server whose clock is set to 06:59:52 Shanghai: the 07:00 broadcast cuts
// into the loop at its second (the player takes the server's time from welcome), the morning daypart
// follows it by itself, then an alert cuts in within a second of its creation and hands back when cleared.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';

const SEVEN = Date.parse('2026-01-12T07:00:00+08:00');

t.test('a browser player airs the 07:00 broadcast at its second, then the daypart, then an alert until cleared', browserTestOptions(), async (t) => {
  let offset = SEVEN - 60_000 - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 }, { clock });
  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text');
  const playlist = async (name: string, ids: string[]) =>
    JSON.parse((await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name, items: ids.map((mediaId) => ({ mediaId, durationMs: 3000 })) } })).body).id as string;
  const bellId = await playlist('整点广播', [slogans[0]!.id, slogans[1]!.id]);
  const alertId = await playlist('紧急预警', [slogans[2]!.id]);
  const bc = await app.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: { name: '七点广播', playlistId: bellId, target: { kind: 'all' }, times: ['07:00'] } });
  t.equal(bc.statusCode, 201);
  const morningId = await playlist('早间时段', [slogans[4]!.id, slogans[5]!.id]);
  const daypart = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: morningId, target: { kind: 'all' }, priority: 1, windows: [{ start: '07:00', end: '09:00' }] } });
  t.equal(daypart.statusCode, 201);

  const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
  // Browser and server are up: now set the clock 8 s before seven (a loaded CI machine needs a few to open the page).
  offset = SEVEN - 8000 - Date.now();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/player`);
  const stage = page.locator('#stage');
  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-source') === 'default', null, { timeout: 8000 });
  t.ok(clock.now().getTime() < SEVEN, 'airing the default loop before 07:00');

  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-source') === 'broadcast', null, { timeout: 12_000 });
  const startedAt = Date.parse((await stage.getAttribute('data-started-at'))!);
  t.ok(Math.abs(startedAt - SEVEN) < 1000, `the broadcast went on air ${startedAt - SEVEN} ms from 07:00:00`);
  t.equal(await stage.getAttribute('data-item-id'), app.crier.catalogue.read().playlists.find((p) => p.id === bellId)!.items[0]!.id, 'from its first item');

  // The broadcast (two 3-second slogans) ends at 07:00:06 and the morning daypart takes over, with no message from the server.
  const manifestsBefore = await page.evaluate(() => document.documentElement.dataset.manifestVersion);
  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-source') === 'schedule', null, { timeout: 10_000 });
  const daypartAt = Date.parse((await stage.getAttribute('data-started-at'))!);
  t.ok(Math.abs(daypartAt - (SEVEN + 6000)) < 1000, `the daypart followed at 07:00:06 (${daypartAt - SEVEN - 6000} ms)`);
  t.equal(await page.evaluate(() => document.documentElement.dataset.manifestVersion), manifestsBefore, 'same manifest: the player switched by itself');

  const sent = Date.now();
  const alert = await app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '新型诈骗预警', playlistId: alertId, target: { kind: 'all' } } });
  t.equal(alert.statusCode, 201);
  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-source') === 'alert', null, { timeout: 3000 });
  const took = Date.now() - sent;
  t.ok(took < 1500, `the alert was on screen ${took} ms after it was created`);
  await page.locator('.slide-headline', { hasText: slogans[2]!.slogan!.headline }).first().waitFor({ state: 'visible', timeout: 3000 });

  await app.inject({ method: 'POST', url: `/api/v1/alerts/${JSON.parse(alert.body).id}/clear` });
  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-source') !== 'alert', null, { timeout: 3000 });
  t.equal(await stage.getAttribute('data-source'), 'schedule', 'cleared: back to the daypart');
  offset = 0;
  t.same(pageErrors, [], 'no script errors');
});
