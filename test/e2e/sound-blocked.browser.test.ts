// The operator always knows why it is quiet (issue 12.4), in Chromium: a browser that blocks autoplay (no
// kiosk flag) makes the station say so in large type, the heartbeat reports it and the console shows it red,
// and a tap starts the sound; "now airing" follows the airing frame, alerts as alerts.
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, CHROMIUM_ARGS, launchBrowser } from '../browser.js';
import { consoleAs, go } from '../console-ui.js';
import { startTestServer, TEST_ADMIN } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('blocked autoplay: the station says so in large type, the console shows it red, a tap starts the sound', browserTestOptions(), async (t) => {
  // No --autoplay-policy flag: the browser refuses unmuted playback until a tap.
  const strict = await launchBrowser(t, CHROMIUM_ARGS.filter((a) => !a.startsWith('--autoplay-policy')));
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const station = await strict.newPage({ viewport: { width: 1280, height: 720 } });
  await station.goto(`${baseUrl}/player?mode=audio`);
  // Nothing may run in the page until the refusal: Playwright evaluates with a user gesture, which is the
  // very activation the autoplay policy asks for (a player whose first play came after the test's first
  // look at the page aired with sound, and the test failed). So wait on the server for the heartbeat.
  const screenId = await waitForValue(async () => {
    const screens = json(await app.inject({ url: '/api/v1/screens' })) as { id: string; status?: { soundBlocked?: boolean } }[];
    return screens.find((s) => s.status?.soundBlocked === true)?.id;
  }, 60_000).catch(async (err: unknown) => {
    // In the error itself: CI shows the failure summary, not the comments above it.
    const state = await station.evaluate(() => JSON.stringify({ ...document.documentElement.dataset, activated: navigator.userActivation.hasBeenActive, stage: document.querySelector('#stage')?.innerHTML.slice(0, 1500) }));
    throw new Error(`no heartbeat with soundBlocked; player state: ${state}`, { cause: err });
  });
  t.pass('the heartbeat reports it');
  const notice = station.locator('#sound-blocked');
  await notice.waitFor({ timeout: 5000 });
  t.match(await notice.innerText(), /声音被浏览器阻止[\s\S]*点击屏幕任意处[\s\S]*--autoplay-policy=no-user-gesture-required/, 'says why, and both fixes');
  const fontSize = await station.locator('#sound-blocked .sound-blocked-title').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  t.ok(fontSize >= 48, `large type (${fontSize}px)`);
  const shot = path.join(os.tmpdir(), 'crier-sound-blocked.png');
  await station.screenshot({ path: shot });
  t.comment(`station with sound blocked: ${shot}`);

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

async function waitForValue<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}

const waitFor = (check: () => Promise<boolean>, timeoutMs?: number) => waitForValue(async () => ((await check()) ? true : undefined), timeoutMs);
