// Sound where it belongs and the operator always knows why it is quiet (issues 12.3, 12.4), in Chromium:
// a video airs with its sound on a screen set to sound on and muted on a default screen; a browser that
// blocks autoplay (no kiosk flag) makes the station say so in large type, the heartbeat reports it and the
// console shows it red, and a tap starts the sound; "now airing" follows the airing frame, alerts as alerts.
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import t from 'tap';
import { browserTestOptions, CHROMIUM_ARGS, chromiumPath, launchBrowser } from '../browser.js';
import { consoleAs, go } from '../console-ui.js';
import { startTestServer, TEST_ADMIN } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('a video has its sound on a sound-on screen and none on a default screen, following the volume', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const open = async () => {
    const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
    await page.goto(`${baseUrl}/player`);
    await page.waitForFunction(() => document.documentElement.dataset.connection === 'online' && !!document.documentElement.dataset.screenId, null, { timeout: 15_000 });
    return { page, screenId: (await page.evaluate(() => document.documentElement.dataset.screenId))! };
  };
  const loud = await open();
  const plain = await open();
  t.equal((await app.inject({ method: 'PATCH', url: `/api/v1/screens/${loud.screenId}`, payload: { sound: 'on' } })).statusCode, 200);
  t.equal(json(await app.inject({ url: `/api/v1/screens/${loud.screenId}` })).status.sound, true);
  t.equal(json(await app.inject({ url: `/api/v1/screens/${plain.screenId}` })).status.sound, false, 'screens are muted by default');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/volume-schedules', payload: { name: '音量', target: { kind: 'all' }, levels: [{ from: '00:00', to: '24:00', volume: 40 }] } })).statusCode, 201);

  const video = app.crier.catalogue.read().media.find((m) => m.kind === 'video')!;
  const playlistId = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '视频', items: [{ mediaId: video.id }] } })).id;
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId, target: { kind: 'all' }, priority: 10 } })).statusCode, 201);

  const videoOnAir = (page: typeof loud.page) =>
    page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('#stage .layer.is-live video');
      return v && !v.paused && v.currentTime > 0.2 ? { muted: v.muted, volume: v.volume } : null;
    }, null, { timeout: 30_000 }).then((h) => h.jsonValue());
  t.same(await videoOnAir(loud.page), { muted: false, volume: 0.4 }, 'sound on, at the scheduled volume');
  t.same(await videoOnAir(plain.page), { muted: true, volume: 0.4 }, 'muted on a default screen');

  // The site type's setting applies where the screen has none.
  await app.inject({ method: 'PATCH', url: `/api/v1/screens/${plain.screenId}`, payload: { siteId: await placeSite(app, '城关镇', '客运站候车厅', '车站') } });
  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/site-type-sound', payload: { siteType: '车站', sound: 'on' } })).statusCode, 200);
  t.equal(json(await app.inject({ url: `/api/v1/screens/${plain.screenId}` })).status.sound, true, 'by its site type');
  const manifest = app.crier.publisher.manifestFor(plain.screenId);
  t.equal(manifest?.timeline?.sound, true, 'the manifest says so');
});

t.test('blocked autoplay: the station says so in large type, the console shows it red, a tap starts the sound', browserTestOptions(), async (t) => {
  // No --autoplay-policy flag: the browser refuses unmuted playback until a tap.
  const strict = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS.filter((a) => !a.startsWith('--autoplay-policy')) });
  t.teardown(() => strict.close());
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const station = await strict.newPage({ viewport: { width: 1280, height: 720 } });
  await station.goto(`${baseUrl}/player?mode=audio`);
  const notice = station.locator('#sound-blocked');
  // The first audio item must load before it is refused: slow on a busy machine.
  await notice.waitFor({ timeout: 60_000 });
  t.match(await notice.innerText(), /声音被浏览器阻止[\s\S]*点击屏幕任意处[\s\S]*--autoplay-policy=no-user-gesture-required/, 'says why, and both fixes');
  const fontSize = await station.locator('#sound-blocked .sound-blocked-title').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  t.ok(fontSize >= 48, `large type (${fontSize}px)`);
  const shot = path.join(os.tmpdir(), 'crier-sound-blocked.png');
  await station.screenshot({ path: shot });
  t.comment(`station with sound blocked: ${shot}`);
  const screenId = (await station.evaluate(() => document.documentElement.dataset.screenId))!;
  await t.resolves(waitFor(async () => json(await app.inject({ url: `/api/v1/screens/${screenId}` })).status.soundBlocked === true), 'the heartbeat reports it');

  const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  await go(page, 'dashboard');
  const pill = page.locator(`tr[data-screen-id="${screenId}"] [data-testid=sound-blocked]`);
  await pill.waitFor({ timeout: 10_000 });
  t.equal(await pill.innerText(), '声音被浏览器阻止');
  t.equal(await pill.evaluate((e) => getComputedStyle(e).color), 'rgb(200, 16, 46)', 'in red');

  await station.mouse.click(640, 360);
  await notice.waitFor({ state: 'detached', timeout: 5000 });
  const playing = await station.waitForFunction(() => {
    const a = document.querySelector<HTMLAudioElement>('#stage .layer.is-live audio');
    return a && !a.paused && a.currentTime > 0.2;
  }, null, { timeout: 30_000 });
  t.ok(await playing.jsonValue(), 'after the tap the audio plays');
  await t.resolves(waitFor(async () => json(await app.inject({ url: `/api/v1/screens/${screenId}` })).status.soundBlocked === false), 'and the console hears it is lifted');
});

t.test('now airing updates when an item starts, and an alert shows as an alert', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 60_000 });
  const player = await browser.newPage({ viewport: { width: 960, height: 540 } });
  await player.goto(`${baseUrl}/player`);
  await player.waitForFunction(() => document.documentElement.dataset.connection === 'online', null, { timeout: 15_000 });
  const screenId = (await player.evaluate(() => document.documentElement.dataset.screenId))!;
  const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  await go(page, 'dashboard');
  await page.locator(`tr[data-screen-id="${screenId}"]`).waitFor({ timeout: 10_000 });

  const slogan = app.crier.catalogue.read().media.find((m) => m.kind === 'text')!;
  // A long item: its play record cannot arrive during the test, and heartbeats are a minute apart.
  const playlistId = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '紧急', items: [{ mediaId: slogan.id, durationMs: 120_000 }] } })).id;
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '紧急提醒', playlistId, target: { kind: 'all' }, startsAt: new Date().toISOString() } })).statusCode, 201);
  const cell = page.locator(`tr[data-screen-id="${screenId}"] [data-testid=airing] [data-alert=true][data-media-id="${slogan.id}"]`);
  await cell.waitFor({ timeout: 10_000 });
  t.match(await cell.innerText(), new RegExp(`紧急插播[\\s\\S]*${slogan.title}`), 'shown as an alert with its title');
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}
