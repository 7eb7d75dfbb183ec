// End to end: a ticker slogan made through the API, alone in the default playlist, airs in a real
// Chromium on a 1920×270 LED strip as one line of large type running right to left, then as a band
// across the middle once the same page is a 1920×1080 screen.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';

const HEADLINE = '刷单返利就是诈骗';
const SUBLINE = '先垫付、再返利，都是骗局';

interface HeadlineBox {
  x: number;
  y: number;
  height: number;
  fontSize: number;
}

t.test('a ticker slogan scrolls along a strip screen on one line', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });

  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/media/slogans',
    payload: { title: '刷单返利 跑马灯', tags: ['刷单'], slogan: { headline: HEADLINE, subline: SUBLINE, theme: 'alert', variant: 'ticker' } },
  });
  t.equal(created.statusCode, 201, 'the ticker slogan is created');
  const mediaId = (JSON.parse(created.body) as { id: string }).id;
  const playlistId = app.crier.catalogue.read().defaultPlaylistId;
  const put = await app.inject({
    method: 'PUT',
    url: `/api/v1/playlists/${playlistId}`,
    payload: { name: '跑马灯', items: [{ mediaId, durationMs: 60_000 }] },
  });
  t.equal(put.statusCode, 200, 'it is alone in the default playlist');

  const page = await browser.newPage({ viewport: { width: 1920, height: 270 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/player`);

  const layer = page.locator('[data-variant="ticker"]');
  const headline = layer.locator('.slide-headline', { hasText: HEADLINE }).first();
  await headline.waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('[data-variant="ticker"]')?.classList.contains('is-live'), null, { timeout: 10_000 });
  t.pass('the ticker layer is on air with the headline');
  t.match(await layer.first().textContent(), SUBLINE, 'the subline runs on the same track');

  const box = (): Promise<HeadlineBox> =>
    headline.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, height: r.height, fontSize: parseFloat(getComputedStyle(el).fontSize) };
    });

  // It scrolls: the headline moves left (by about one screen height a second), unless it just wrapped.
  const before = await box();
  await page.waitForTimeout(1000);
  const after = await box();
  const moved = before.x - after.x;
  t.ok(Math.abs(moved) > 30, `the headline moved ${Math.round(moved)} px in ~1 s`);
  t.equal(after.y, before.y, 'only horizontally');

  // One line of large type: the line is about 70% of the strip, and no taller than one line.
  t.ok(after.height < after.fontSize * 1.3, `a single line (${after.height} px high at ${after.fontSize} px type)`);
  t.ok(after.height >= 270 * 0.5 && after.height <= 270 * 0.75, `the line fills most of the strip (${after.height} px of 270)`);
  const band = await page.locator('.ticker-band').first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, height: r.height, background: getComputedStyle(el).backgroundColor };
  });
  t.equal(band.background, 'rgb(179, 17, 13)', 'the alert theme colours, as on a slide');
  await page.screenshot({ path: '/tmp/ticker-1920x270.png' });

  // The same page on a 16:9 screen: a band across the middle, type capped, still one line, still moving.
  await page.setViewportSize({ width: 1920, height: 1080 });
  // Laid out again for the new stage: the band grows past the strip's 270 px, but not to the whole screen.
  await page.waitForFunction(() => {
    const height = document.querySelector<HTMLElement>('[data-variant="ticker"] .ticker-band')?.getBoundingClientRect().height ?? 0;
    return height > 270 && height < 1080;
  });
  const tall = await page.locator('.ticker-band').first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    // Centred in the stage, which leaves an unclaimed screen's pairing badge a strip of its own.
    const stage = document.getElementById('stage')!.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: r.height, middle: (stage.top + stage.bottom) / 2 };
  });
  t.ok(Math.abs((tall.top + tall.bottom) / 2 - tall.middle) <= 1, `the band is centred (${tall.top}–${tall.bottom})`);
  t.ok(tall.height <= 1080 * 0.4, `the band is a band, not the whole screen (${tall.height} px)`);
  const wide1 = await box();
  await page.waitForTimeout(500);
  const wide2 = await box();
  t.ok(wide2.height < wide2.fontSize * 1.3, `still a single line (${wide2.height} px at ${wide2.fontSize} px type)`);
  t.ok(Math.abs(wide1.x - wide2.x) > 15, `still scrolling (${Math.round(wide1.x - wide2.x)} px in ~0.5 s)`);
  await page.screenshot({ path: '/tmp/ticker-1920x1080.png' });

  t.same(pageErrors, [], 'no script errors on the player page');
});
