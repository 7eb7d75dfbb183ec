// A real Chromium audio station (/player?mode=audio, launched with --autoplay-policy=no-user-gesture-required)
// on a server whose clock is set seconds before a fixed time: the 07:00 broadcast's audio element plays at
// its second (not paused, time advancing, the right file) and its play record arrives; the volume follows
// the schedule's boundary on the element on air, then a volume command, then quiet hours silence it.
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { adminHeaders, startTestServer } from '../helper.js';
import { ffmpeg, upload, waitSettled } from '../media/fixtures/files.js';
import type { CrierApp } from '../../server/app.js';

const json = (res: { body: string }) => JSON.parse(res.body);
const local = (hhmmss: string) => Date.parse(`2026-01-12T${hhmmss}+08:00`);

/** A sine tone of `seconds`, uploaded and processed like any clip (loudness-normalized MP3). */
async function tone(app: CrierApp, title: string, seconds: number, hz: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crier-tone-'));
  const file = path.join(dir, `${title}.wav`);
  await ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=${seconds}`, '-ac', '1', '-ar', '44100', file]);
  const res = await upload(app, { name: `${title}.wav`, data: await readFile(file) }, { title });
  const item = await waitSettled(app, res.body.id);
  const mp3 = (item.renditions as { role: string; fileName: string }[]).find((r) => r.role === 'playback')!;
  return { id: item.id as string, url: `/media/${mp3.fileName}` };
}

/** What the station's audio element is doing now. */
const audioState = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector<HTMLAudioElement>('#stage .layer.is-live audio');
    return el ? { paused: el.paused, currentTime: el.currentTime, src: new URL(el.src).pathname, volume: el.volume } : null;
  });

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
  offset = local('06:59:53') - Date.now();
  await page.goto(`${baseUrl}/player?mode=audio`);
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
  let plays = app.crier.airingLog.listPlays({ screenId, limit: 50 }).filter((p) => p.itemId === itemId);
  while (Date.now() < deadline && plays.length === 0) {
    await page.waitForTimeout(200);
    plays = app.crier.airingLog.listPlays({ screenId, limit: 50 }).filter((p) => p.itemId === itemId);
  }
  t.equal(plays.length, 1, 'one play record of the broadcast');
  t.equal(plays[0]?.completed, true, 'aired in full');
  t.ok(Math.abs(Date.parse(plays[0]!.startedAt) - local('07:00:00')) < 1000, `recorded as starting at 07:00 (${plays[0]?.startedAt})`);
  const listed = await page.request.get(`${baseUrl}/api/v1/plays?screenId=${screenId}`, { headers: { ...(await adminHeaders(app)) } });
  t.ok((await listed.json()).records.some((r: { itemId: string }) => r.itemId === itemId), 'and listed by the API');
  offset = 0;
  t.same(pageErrors, [], 'no script errors');
});

t.test('the volume switches at the schedule boundary on the element on air, obeys the volume command, and quiet hours silence it', browserTestOptions(), async (t) => {
  let offset = local('07:59:00') - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 }, { clock });
  const talk = await tone(app, '反诈长提醒', 14, 440);
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
  const playlist = json(await post('/api/v1/playlists', { name: '广播节目', items: [{ mediaId: talk.id }] }));
  t.equal((await post('/api/v1/schedules', { playlistId: playlist.id, target: { kind: 'all' }, priority: 1 })).statusCode, 201);
  t.equal((await post('/api/v1/volume-schedules', { name: '早间音量', target: { kind: 'all' }, levels: [{ from: '07:00', to: '08:00', volume: 70 }, { from: '08:00', to: '09:00', volume: 20 }] })).statusCode, 201);

  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  offset = local('07:59:55') - Date.now();
  await page.goto(`${baseUrl}/player?mode=audio`);
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
