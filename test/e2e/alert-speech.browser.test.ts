// The one-step urgent alert through the real console in Chromium: an editor types a headline and a
// subline, picks every screen, sets two airings and sends. A screen shows the words full-screen; an
// audio station plays the spoken clip (chime + Mandarin speech) made on the server.
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, scriptErrors } from '../console-ui.js';
import { signInAs, startTestServer } from '../helper.js';
import { waitSettled } from '../media/fixtures/files.js';
import { audioState } from './station.fixtures.js';

t.test('one-step alert from the red button: full-screen on a screen, spoken at a station', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000, approval: 'required' });
  const online = () => document.documentElement.dataset.connection === 'online' && !!document.querySelector('#stage')?.getAttribute('data-source');
  const screen = await browser.newPage({ viewport: { width: 960, height: 540 } });
  await screen.goto(`${baseUrl}/player`);
  await screen.waitForFunction(online, null, { timeout: 15_000 });
  const station = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await station.goto(`${baseUrl}/player?mode=audio`);
  await station.waitForFunction(online, null, { timeout: 15_000 });

  // An editor (no approval right) sends it: the alert's own words air without waiting for approval.
  const editor = await signInAs(app, 'editor');
  const page = await consoleAs(t, browser, baseUrl, editor.user.username);
  page.on('dialog', (d) => void d.accept());
  await page.click('button[name=urgent-alert]');
  const form = page.locator('[data-testid=alert-form]');
  t.equal(await form.locator('select[name=content]').inputValue(), 'message', 'a typed message is the default: no playlist needed');
  await form.locator('input[name=title]').fill('冒充公检法的电话都是诈骗');
  await form.locator('input[name=subline]').fill('请拨打96110咨询');
  await form.locator('input[name=repeats]').fill('2');
  // The form says exactly what will happen: stations repeat it twice and go back to their programme.
  const note = form.locator('[data-testid=alert-airings-note]', { hasText: '重复播报 2 次' });
  await note.waitFor({ timeout: 5000 });
  t.equal(await note.innerText(), '广播站重复播报 2 次后恢复正常节目（静音时段内不播报）；屏幕全屏显示，直到解除或到期。');
  await form.locator('button[type=submit]').click();
  await page.locator('[data-testid=active-alerts]', { hasText: '冒充公检法的电话都是诈骗' }).waitFor({ timeout: 15_000 });

  // The screen: the words, full-screen.
  await screen.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-source') === 'alert', null, { timeout: 15_000 });
  const headline = screen.locator('#stage .layer.is-live .slide-headline');
  await headline.waitFor({ timeout: 5000 });
  t.equal(await headline.innerText(), '冒充公检法的电话都是诈骗');
  // The whole stage: an unclaimed screen keeps a strip of its own for the pairing code, beside the stage.
  const box = await screen.locator('#stage .layer.is-live').boundingBox();
  const stage = await screen.locator('#stage').boundingBox();
  const size = (b: { width: number; height: number } | null) => b && [Math.round(b.width), Math.round(b.height)];
  t.ok(stage && stage.width === 960 && stage.height >= 400, `the stage takes the screen but the code strip (${JSON.stringify(size(stage))})`);
  t.same(size(box), size(stage), 'the alert fills the stage');
  const shot = path.join(os.tmpdir(), 'crier-alert-screen.png');
  await screen.screenshot({ path: shot });
  t.comment(`screen during the alert: ${shot}`);

  // The station: the spoken clip, playing.
  // The dialog closes once the server has made the clip and added it to the alert.
  await form.waitFor({ state: 'detached', timeout: 30_000 });
  const catalogue = app.crier.catalogue.read();
  const playlist = catalogue.playlists.find((p) => p.id === catalogue.alerts.at(-1)!.playlistId)!;
  const speechId = playlist.items.map((i) => catalogue.media.find((m) => m.id === i.mediaId)!).find((m) => m.kind === 'audio')!.id;
  const speech = await waitSettled(app, speechId, 60_000);
  t.equal(speech.approval?.state, 'approved', 'released by sending the alert');
  const mp3 = `/media/${speech.renditions.find((r: { role: string }) => r.role === 'playback').fileName}`;
  await station.waitForFunction((src) => document.querySelector<HTMLAudioElement>('#stage .layer.is-live audio')?.src.endsWith(src), mp3, { timeout: 20_000 });
  const first = await audioState(station);
  // Wait for the clip to move on (a condition, not a time): it is playing, not stuck.
  await station.waitForFunction((t0) => {
    const el = document.querySelector<HTMLAudioElement>('#stage .layer.is-live audio');
    return !!el && !el.paused && el.currentTime > t0 + 0.3;
  }, first?.currentTime ?? 0, { timeout: 10_000 });
  const later = await audioState(station);
  t.equal(later?.paused, false, 'the station plays it');
  t.ok(later && first && later.currentTime > first.currentTime + 0.3, `its time advances (${first?.currentTime.toFixed(2)} → ${later?.currentTime.toFixed(2)} s)`);
  t.equal(await screen.evaluate(() => document.querySelector('#stage')?.getAttribute('data-type')), 'text', 'the screen still shows the words');
  t.same(scriptErrors(page), [], 'no console script errors');
});
