// Layouts per screen shape, in Chromium: the same slide slogan fills a landscape TV and a portrait
// totem in large type that stays inside the screen, and runs as a one-line ticker on a 1920×160 strip.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';

const HEADLINE = '冒充公检法要求转账到“安全账户”的，都是诈骗';
const SUBLINE = '公检法机关不会电话办案，更没有“安全账户”。接到此类电话，请立即挂断并拨打 110 核实';

t.test('a slide slogan fits landscape and portrait screens, and runs as a ticker on a strip', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 });
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/media/slogans',
    payload: { title: '公检法 长标语', tags: ['其他'], slogan: { headline: HEADLINE, subline: SUBLINE, theme: 'calm', variant: 'slide' } },
  });
  t.equal(created.statusCode, 201, created.body);
  const mediaId = JSON.parse(created.body).id as string;
  const put = await app.inject({ method: 'PUT', url: `/api/v1/playlists/${app.crier.catalogue.read().defaultPlaylistId}`, payload: { name: '版式', items: [{ mediaId, durationMs: 60_000 }] } });
  t.equal(put.statusCode, 200);

  for (const [width, height, layout, minType] of [
    [1920, 1080, 'landscape', 60],
    [1080, 1920, 'portrait', 40],
  ] as const) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(`${baseUrl}/player`);
    // The slogan airs once its rendition is ready; until then the player airs what else it has.
    await page.locator('.layer.is-live .slide-headline', { hasText: HEADLINE }).waitFor({ state: 'visible', timeout: 20_000 });
    t.equal(await page.evaluate(() => document.documentElement.dataset.layout), layout, `${width}×${height} is ${layout}`);
    const m = await page.evaluate(() => {
      const box = document.querySelector<HTMLElement>('.layer.is-live .slide-box')!;
      const headline = box.querySelector<HTMLElement>('.slide-headline')!;
      const subline = box.querySelector<HTMLElement>('.slide-subline')!;
      const r = box.getBoundingClientRect();
      return {
        left: r.left, top: r.top, right: r.right, bottom: r.bottom,
        overflowX: Math.max(headline.scrollWidth - headline.clientWidth, subline.scrollWidth - subline.clientWidth),
        // Every line box of the text, wherever it wrapped, must be on the screen.
        linesOutside: [...(() => { const range = document.createRange(); range.selectNodeContents(box); return range.getClientRects(); })()].filter(
          (l) => l.left < 0 || l.top < 0 || l.right > innerWidth || l.bottom > innerHeight,
        ).length,
        type: parseFloat(getComputedStyle(headline).fontSize),
        subType: parseFloat(getComputedStyle(subline).fontSize),
        text: box.textContent,
      };
    });
    t.ok(m.left >= 0 && m.top >= 0 && m.right <= width && m.bottom <= height, `${layout}: the text block lies inside the screen (${Math.round(m.left)},${Math.round(m.top)})–(${Math.round(m.right)},${Math.round(m.bottom)})`);
    t.ok(m.overflowX <= 0, `${layout}: no line is wider than the block (${m.overflowX})`);
    t.equal(m.linesOutside, 0, `${layout}: every line of text is on the screen`);
    t.ok(m.type >= minType, `${layout}: headline type is large (${m.type} px)`);
    t.ok(m.subType >= 16, `${layout}: subline type is readable (${m.subType} px)`);
    t.equal(m.text, `${HEADLINE}${SUBLINE}`, `${layout}: the whole slogan is there`);
    await page.screenshot({ path: `/tmp/layout-${width}x${height}.png` });
    await page.close();
  }

  const strip = await browser.newPage({ viewport: { width: 1920, height: 160 } });
  await strip.goto(`${baseUrl}/player`);
  await strip.waitForFunction(() => document.querySelector('[data-variant="ticker"]')?.classList.contains('is-live'), null, { timeout: 20_000 });
  t.equal(await strip.evaluate(() => document.documentElement.dataset.layout), 'strip');
  const line = () =>
    strip.locator('[data-variant="ticker"] .slide-headline').first().evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, top: r.top, bottom: r.bottom, height: r.height, type: parseFloat(getComputedStyle(el).fontSize) };
    });
  const a = await line();
  await strip.waitForTimeout(800);
  const b = await line();
  t.ok(b.top >= 0 && b.bottom <= 160, `the ticker line lies inside the 160 px strip (${Math.round(b.top)}–${Math.round(b.bottom)})`);
  t.ok(b.height < b.type * 1.3, `one line (${b.height} px at ${b.type} px type)`);
  t.ok(b.type >= 80, `large type for the street (${b.type} px)`);
  t.ok(Math.abs(a.x - b.x) > 20, `it scrolls (${Math.round(a.x - b.x)} px in 0.8 s)`);
  t.match(await strip.locator('[data-variant="ticker"]').first().textContent(), SUBLINE, 'the subline runs on the same line');
  await strip.screenshot({ path: '/tmp/layout-1920x160.png' });
});
