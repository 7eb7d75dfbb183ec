// A real Chromium audio station (/player?mode=audio, launched with --autoplay-policy=no-user-gesture-required)
// on a server whose clock is set seconds before a fixed time: the 07:00 broadcast's audio element plays at
// its second (not paused, time advancing, the right file, the scheduled volume) and its play record arrives.
// The volume boundary, the volume command and quiet hours: station-volume.browser.test.ts.
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { adminHeaders, startTestServer } from '../helper.js';
import { audioState, json, local, tone } from './station.fixtures.js';

t.test('a station airs the 07:00 broadcast at its second, at the scheduled volume, and its play record arrives', browserTestOptions(), async (t) => {
  let offset = local('06:59:00') - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 }, { clock });
  const bell = await tone(app, '七点整点提醒', 6, 880);
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
  const playlist = json(await post('/api/v1/playlists', { name: '七点广播', items: [{ mediaId: bell.id }] }));
  t.equal((await post('/api/v1/broadcasts', { name: '七点广播', playlistId: playlist.id, target: { kind: 'all' }, times: ['07:00'] })).statusCode, 201);
  t.equal((await post('/api/v1/volume-schedules', { name: '早间音量', target: { kind: 'all' }, levels: [{ from: '06:00', to: '07:00', volume: 30 }, { from: '07:00', to: '08:00', volume: 70 }] })).statusCode, 201);

  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // A first load warms the browser's cache; the reload then takes the server's time seconds before 07:00.
  await page.goto(`${baseUrl}/player?mode=audio`);
  await page.waitForFunction(() => document.documentElement.dataset.connection === 'online', null, { timeout: 15_000 });
  offset = local('06:59:50') - Date.now();
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.connection === 'online', null, { timeout: 8000 });
  await page.waitForFunction(() => document.documentElement.dataset.volume === '30', null, { timeout: 5000 });
  t.ok(clock.now().getTime() < local('07:00:00'), 'before 07:00: the 06:00–07:00 level');
  await page.locator('#status-panel [data-field="next-broadcast"]', { hasText: '07:00' }).waitFor({ timeout: 3000 });
  t.match(await page.locator('#status-panel [data-field="next-broadcast"]').innerText(), /07:00\s+七点广播/, 'the status page names the next fixed-time broadcast and its time');
  t.match(await page.locator('#status-panel [data-field="volume"]').innerText(), /30%[\s\S]*按计划[\s\S]*至 07:00/);
  const shot = path.join(os.tmpdir(), 'crier-station-before.png');
  await page.screenshot({ path: shot });
  t.comment(`status page before the broadcast: ${shot}`);

  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-source') === 'broadcast', null, { timeout: 15_000 });
  const startedAt = Date.parse((await page.locator('#stage').getAttribute('data-started-at'))!);
  t.ok(Math.abs(startedAt - local('07:00:00')) < 1000, `the broadcast went on air ${startedAt - local('07:00:00')} ms from 07:00:00`);
  const first = await audioState(page);
  await page.waitForTimeout(700);
  const later = await audioState(page);
  t.ok(first && later, 'an audio element is on air');
  t.equal(later!.src, bell.url, 'playing the broadcast\'s file');
  t.equal(later!.paused, false, 'not paused');
  t.ok(later!.currentTime > first!.currentTime + 0.3, `its time advances (${first!.currentTime.toFixed(2)} → ${later!.currentTime.toFixed(2)} s)`);
  t.ok(Math.abs(later!.volume - 0.7) < 0.001, `at the 07:00–08:00 level (${later!.volume})`);
  await page.locator('#status-panel [data-field="now"]', { hasText: '七点整点提醒' }).waitFor({ timeout: 2000 });
  t.match(await page.locator('#status-panel [data-field="now"]').innerText(), /定时广播/, 'marked as a fixed-time broadcast');
  const during = path.join(os.tmpdir(), 'crier-station-during.png');
  await page.screenshot({ path: during });
  t.comment(`status page during the broadcast: ${during}`);

  // The play record: sent when the 6-second clip ends, stored once.
  const screenId = (await page.evaluate(() => document.documentElement.dataset.screenId))!;
  const itemId = playlist.items[0].id as string;
  const deadline = Date.now() + 15_000;
  let plays = (await app.crier.airingLog.listPlays({ screenId, limit: 50 })).filter((p) => p.itemId === itemId);
  while (Date.now() < deadline && plays.length === 0) {
    await page.waitForTimeout(200);
    plays = (await app.crier.airingLog.listPlays({ screenId, limit: 50 })).filter((p) => p.itemId === itemId);
  }
  t.equal(plays.length, 1, 'one play record of the broadcast');
  t.equal(plays[0]?.completed, true, 'aired in full');
  t.ok(Math.abs(Date.parse(plays[0]!.startedAt) - local('07:00:00')) < 1000, `recorded as starting at 07:00 (${plays[0]?.startedAt})`);
  const listed = await page.request.get(`${baseUrl}/api/v1/plays?screenId=${screenId}`, { headers: { ...(await adminHeaders(app)) } });
  t.ok((await listed.json()).records.some((r: { itemId: string }) => r.itemId === itemId), 'and listed by the API');
  offset = 0;
  t.same(pageErrors, [], 'no script errors');
});
