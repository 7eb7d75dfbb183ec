// A village loudspeaker does not blare a warning for hours: two real Chromium audio stations (kiosk
// autoplay flag) air the default campaign's audio; a one-step alert asks for 2 airings of its spoken
// clip. One station airs the clip twice (two play records, a chime before each) and then its normal
// audio again. The other reloads during the second airing and picks up at that airing: the count is
// not started again from the first.
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import type { CrierApp } from '../../server/app.js';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';
import { waitSettled } from '../media/fixtures/files.js';
import { json } from './station.fixtures.js';

interface Airing {
  source: string;
  itemId: string;
  mediaId: string;
  type: string;
  startedAt: string;
}

/** A station page that keeps, per page load, every item it put on air (from the stage's dataset). */
async function station(browser: Browser, baseUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.addInitScript(() => {
    const w = window as unknown as { airings: Airing[] };
    w.airings = [];
    new MutationObserver((changes) => {
      for (const change of changes) {
        const d = (change.target as HTMLElement).dataset;
        if (d.itemId) w.airings.push({ source: d.source ?? '', itemId: d.itemId, mediaId: d.mediaId ?? '', type: d.type ?? '', startedAt: d.startedAt ?? '' });
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-started-at'] });
  });
  await page.goto(`${baseUrl}/player?mode=audio`);
  await page.waitForFunction(() => document.documentElement.dataset.connection === 'online', null, { timeout: 15_000 });
  await page.waitForFunction(() => {
    const stage = document.querySelector<HTMLElement>('#stage')!.dataset;
    return stage.source === 'default' && stage.type === 'audio';
  }, null, { timeout: 15_000 });
  return page;
}

const airings = (page: Page) => page.evaluate(() => (window as unknown as { airings: Airing[] }).airings);
/** Waits until the page, since it loaded, aired the clip and afterwards something that is not the alert. */
const waitResumed = (page: Page, clipId: string) =>
  page.waitForFunction(
    (id) => {
      const list = (window as unknown as { airings: Airing[] }).airings;
      const last = list.map((a) => a.mediaId).lastIndexOf(id);
      return last >= 0 && list.slice(last + 1).some((a) => a.source !== 'alert' && a.type === 'audio');
    },
    clipId,
    { timeout: 60_000, polling: 100 },
  );

t.test('a station airs an alert\'s clip the 2 times asked, then its normal audio; a reload mid-alert keeps the count', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const steady = await station(browser, baseUrl);
  const reloaded = await station(browser, baseUrl);
  const steadyId = (await steady.evaluate(() => document.documentElement.dataset.screenId))!;
  const defaultAudio = app.crier.catalogue.read().media.find((m) => m.kind === 'audio')!;

  // Long enough (about 9 s an airing) that the reloading station is back well inside its second airing.
  const res = await app.inject({ method: 'POST', url: '/api/v1/alerts/message', payload: { headline: '注意防骗', subline: '陌生来电要求转账的一律挂断', target: { kind: 'all' }, repeats: 2 } });
  t.equal(res.statusCode, 201, res.body);
  const sent = json(res);
  t.equal(sent.alert.airings, 2);
  const clipId = sent.speech.item.id as string;
  const clip = await waitSettled(app, clipId, 60_000);
  t.equal(clip.status, 'ready');
  const clipMs = (clip.renditions as { role: string; durationMs?: number }[]).find((r) => r.role === 'playback')?.durationMs ?? clip.file.durationMs;
  t.ok(clipMs > 5000 && clipMs < 15_000, `a short clip: a chime and one reading (${clipMs} ms)`);

  // The second station reloads as soon as its second airing is on air (an id that exists only now).
  const clipItemId = firstClipItemId(app, sent.alert.playlistId);
  await reloaded.waitForFunction((id) => document.querySelector<HTMLElement>('#stage')!.dataset.itemId === `${id}_air2`, clipItemId, { timeout: 60_000, polling: 50 });
  const before = await airings(reloaded);
  await reloaded.reload();
  await reloaded.waitForFunction(() => document.documentElement.dataset.connection === 'online', null, { timeout: 15_000 });

  await waitResumed(steady, clipId);
  await waitResumed(reloaded, clipId);

  const seen = await airings(steady);
  const fromAlert = seen.filter((a) => a.source === 'alert');
  t.same(fromAlert.map((a) => a.mediaId), [clipId, clipId], 'the undisturbed station aired the clip twice');
  t.same(fromAlert.map((a) => a.type), ['audio', 'audio']);
  t.notOk(fromAlert.some((a) => a.mediaId !== clipId), 'only the clip (the words stay on screens)');
  const after = seen.slice(seen.map((a) => a.source).lastIndexOf('alert') + 1);
  t.equal(after[0]?.mediaId, defaultAudio.id, 'then its normal audio again');
  t.ok(Date.parse(after[0]!.startedAt) >= Date.parse(fromAlert[1]!.startedAt) + clipMs - 1000, 'after the second airing, not cutting it');

  // The proof: two play records of the clip, each aired in full, each naming its airing.
  const clipPlays = async () => (await app.crier.airingLog.listPlays({ screenId: steadyId, limit: 200 })).filter((p) => p.mediaId === clipId);
  const deadline = Date.now() + 20_000;
  for (let plays = await clipPlays(); plays.length < 2 && Date.now() < deadline; plays = await clipPlays()) await steady.waitForTimeout(200);
  const plays = (await clipPlays()).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  t.equal(plays.length, 2, 'two play records');
  t.same(plays.map((p) => p.completed), [true, true], 'each aired in full');
  t.equal(plays[1]!.itemId, `${plays[0]!.itemId}_air2`, 'the second names its airing');
  // The proof of airing plans the same two airings and finds each aired.
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(plays[0]!.startedAt));
  const asRun = json(await app.inject({ url: `/api/v1/proof/as-run?screenId=${steadyId}&day=${day}` }));
  const planned = asRun.segments.find((s: { mode: string; items: { mediaId: string }[] }) => s.mode === 'once' && s.items.some((i) => i.mediaId === clipId));
  t.same(planned?.items.map((i: { itemId: string }) => i.itemId), plays.map((p) => p.itemId), 'the as-run plans two airings');
  t.equal(planned?.aired, 2, 'and finds both aired');
  t.notOk(asRun.missed.some((m: { itemId: string | null }) => m.itemId?.startsWith(clipItemId)), 'none reported missed');

  // The reloaded station: before the reload it aired the first and began the second; after it, the
  // second again (from its start) and never the first.
  t.same(before.filter((a) => a.source === 'alert').map((a) => a.itemId.endsWith('_air2')), [false, true]);
  const afterReload = (await airings(reloaded)).filter((a) => a.source === 'alert');
  t.ok(afterReload.length >= 1, 'after the reload it went on with the alert');
  t.ok(afterReload.every((a) => a.itemId.endsWith('_air2')), `only the second airing after the reload (${afterReload.map((a) => a.itemId).join(', ')})`);
});

function firstClipItemId(app: CrierApp, playlistId: string): string {
  const catalogue = app.crier.catalogue.read();
  const playlist = catalogue.playlists.find((p) => p.id === playlistId)!;
  return playlist.items.find((i) => catalogue.media.find((m) => m.id === i.mediaId)?.kind === 'audio')!.id;
}
