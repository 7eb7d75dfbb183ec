// A real Chromium audio station on a server whose clock is set seconds before 08:00: the volume of the
// audio element on air switches at the volume schedule's boundary, then follows a volume command (reported
// by the heartbeat), then quiet hours silence it at once and no audio airs after the item.
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';
import { audioState, json, local, tone } from './station.fixtures.js';

t.test('the volume switches at the schedule boundary on the element on air, obeys the volume command, and quiet hours silence it', browserTestOptions(), async (t) => {
  let offset = local('07:59:00') - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 }, { clock });
  const talk = await tone(app, '反诈长提醒', 20, 440);
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
  const playlist = json(await post('/api/v1/playlists', { name: '广播节目', items: [{ mediaId: talk.id }] }));
  t.equal((await post('/api/v1/schedules', { playlistId: playlist.id, target: { kind: 'all' }, priority: 1 })).statusCode, 201);
  t.equal((await post('/api/v1/volume-schedules', { name: '早间音量', target: { kind: 'all' }, levels: [{ from: '07:00', to: '08:00', volume: 70 }, { from: '08:00', to: '09:00', volume: 20 }] })).statusCode, 201);

  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/player?mode=audio`);
  await page.waitForFunction(() => document.documentElement.dataset.connection === 'online', null, { timeout: 15_000 });
  offset = local('07:59:51') - Date.now();
  await page.reload();
  await page.waitForFunction(() => !document.querySelector<HTMLAudioElement>('#stage .layer.is-live audio')?.paused, null, { timeout: 8000 });
  // Watch the element on air: every volume change, with the page's time.
  await page.evaluate(() => {
    const el = document.querySelector<HTMLAudioElement>('#stage .layer.is-live audio')!;
    const w = window as unknown as { changes: { volume: number; at: number }[]; watched: HTMLAudioElement };
    w.changes = [];
    w.watched = el;
    el.addEventListener('volumechange', () => w.changes.push({ volume: el.volume, at: Date.now() }));
  });
  const before = await audioState(page);
  t.ok(clock.now().getTime() < local('08:00:00') && Math.abs(before!.volume - 0.7) < 0.001, `before 08:00: 70 % (${before!.volume})`);
  const boundary = local('08:00:00') - offset; // 08:00 in this machine's (and the page's) Date.now()
  await page.waitForFunction(() => (window as unknown as { changes: unknown[] }).changes.length > 0, null, { timeout: 10_000 });
  const [change] = await page.evaluate(() => (window as unknown as { changes: { volume: number; at: number }[] }).changes);
  t.ok(Math.abs(change!.volume - 0.2) < 0.001, `switched to 20 % (${change!.volume})`);
  t.ok(Math.abs(change!.at - boundary) < 500, `at the boundary (${change!.at - boundary} ms from 08:00:00)`);
  t.equal(await page.evaluate(() => (window as unknown as { watched: HTMLMediaElement }).watched.paused), false, 'the same element, still playing');

  const screenId = (await page.evaluate(() => document.documentElement.dataset.screenId))!;
  const sent = await post(`/api/v1/screens/${screenId}/commands`, { command: 'volume', volume: 45 });
  t.equal(sent.statusCode, 202);
  await page.waitForFunction(() => Math.abs((window as unknown as { watched: HTMLMediaElement }).watched.volume - 0.45) < 0.001, null, { timeout: 3000 });
  t.equal(await page.evaluate(() => document.documentElement.dataset.volumeSource), 'command', 'the volume command is in force');
  t.match(await page.locator('#status-panel [data-field="volume"]').innerText(), /45%[\s\S]*远程设定[\s\S]*至 09:00/, 'until the next boundary, on the status page');
  // The heartbeat reports it (every second here).
  let reported = app.crier.screens.get(screenId).status.volume;
  for (let i = 0; i < 30 && reported?.volume !== 45; i++) {
    await page.waitForTimeout(100);
    reported = app.crier.screens.get(screenId).status.volume;
  }
  t.same(reported, { volume: 45, source: 'command', until: new Date(local('09:00:00')).toISOString() }, 'the heartbeat reports the volume in force');

  t.equal((await post('/api/v1/quiet-hours', { name: '临时静音', target: { kind: 'all' }, windows: [{ start: '08:00', end: '09:00' }] })).statusCode, 201);
  await page.waitForFunction(() => (window as unknown as { watched: HTMLMediaElement }).watched.volume === 0, null, { timeout: 3000 });
  t.pass('quiet hours: the element on air is silent at once');
  t.equal(await page.evaluate(() => document.documentElement.dataset.volumeSource), 'quiet');
  t.match(await page.locator('#status-panel [data-field="quiet"]').innerText(), /静音中[\s\S]*至 09:00/);
  // At the item's end the loop takes the new timeline: no audio airs in quiet hours.
  await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-type') === 'fallback', null, { timeout: 20_000 });
  t.equal(await audioState(page), null, 'nothing audible on air');
  const shot = path.join(os.tmpdir(), 'crier-station-quiet.png');
  await page.screenshot({ path: shot });
  t.comment(`status page in quiet hours: ${shot}`);
  offset = 0;
  t.same(pageErrors, [], 'no script errors');
});
