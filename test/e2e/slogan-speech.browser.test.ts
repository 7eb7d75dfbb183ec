// “生成广播音频” through the real console in Chromium: an editor opens a slogan in the media library and
// clicks the button; a new audio item appears in the library list, and its file is the words spoken
// (Mandarin-length, loud, at the campaign loudness), measured with ffmpeg like any uploaded clip.
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { signInAs, startTestServer } from '../helper.js';
import { waitSettled } from '../media/fixtures/files.js';
import { measureSpokenClip } from '../media/fixtures/speech.js';
import { json } from './station.fixtures.js';

t.test('生成广播音频: a click in the media library makes a spoken clip that is in the list, speech-length and not silence', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t);
  const headline = '陌生来电要警惕';
  const subline = '不转账不汇款';
  const slogan = json(await app.inject({ method: 'POST', url: '/api/v1/media/slogans', payload: { title: '陌生来电', slogan: { headline, subline, theme: 'calm' } } }));
  const spokenTitle = `广播：${slogan.title}`;
  const audioBefore = app.crier.catalogue.read().media.filter((m) => m.kind === 'audio').map((m) => m.id);

  const editor = await signInAs(app, 'editor');
  const page = await consoleAs(t, browser, baseUrl, editor.user.username);
  await go(page, 'media');
  await page.click(`.media-card[data-media-id="${slogan.id}"]`);
  const panel = page.locator('[data-testid=media-detail] [data-testid=slogan-speech]');
  await panel.waitFor({ timeout: 10_000 });
  t.match(await panel.innerText(), /先响一次提示音.*按所设遍数朗读/s, 'it says what the clip will hold');
  t.equal(await page.locator(`.media-card[data-title="${spokenTitle}"]`).count(), 0, 'no such clip before the click');
  await panel.locator('input[name=speechRepeats]').fill('1');
  await panel.locator('button[name=make-speech]').click();

  await panel.locator('[data-testid=speech-made]').waitFor({ timeout: 60_000 });
  t.match(await panel.locator('[data-testid=speech-made]').innerText(), spokenTitle);
  const made = app.crier.catalogue.read().media.filter((m) => m.kind === 'audio' && !audioBefore.includes(m.id));
  t.same(made.map((m) => m.title), [spokenTitle], 'one new audio item, named after the slogan');
  const id = made[0]!.id;
  // In the library list, through the UI, and playable once its loudness pass is done.
  await page.locator(`.media-card[data-media-id="${id}"]`).waitFor({ timeout: 10_000 });
  t.equal(await page.locator(`.media-card[data-media-id="${id}"]`).getAttribute('data-title'), spokenTitle);
  const item = await waitSettled(app, id, 60_000);
  t.equal(item.status, 'ready', JSON.stringify(item.error ?? ''));
  await page.locator(`.media-card.status-ready[data-media-id="${id}"]`).waitFor({ timeout: 15_000 });

  const mp3 = (item.renditions as { role: string; fileName: string }[]).find((r) => r.role === 'playback')!;
  const file = path.join(app.crier.mediaStore.dir, mp3.fileName);
  const { spokenSeconds, perSyllable, loud, mean } = await measureSpokenClip(file, `${headline}。${subline}`, 1);
  t.ok(perSyllable > 0.15 && perSyllable < 0.6, `speech-length: ${spokenSeconds.toFixed(2)} s of words, ${perSyllable.toFixed(3)} s per syllable`);
  t.ok(Math.abs(loud.integrated - -16) <= 1, `integrated loudness ${loud.integrated} LUFS (target -16)`);
  t.ok(mean > -30, `not silence: mean volume ${mean} dB`);
  t.same(scriptErrors(page), [], 'no console script errors');
});
