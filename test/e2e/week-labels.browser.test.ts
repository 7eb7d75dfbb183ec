// The week view's daypart names never cover the hour labels (issue 12.6), in Chinese and in English,
// at the laptop size clerks use (1366×768): measured from the boxes Chromium lays out.
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go } from '../console-ui.js';
import { startTestServer, TEST_ADMIN } from '../helper.js';

t.test('daypart names and hour labels do not overlap on the week view', browserTestOptions(), async (t) => {
  const { baseUrl } = await startTestServer(t);
  const browser = await launchBrowser(t);
  const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  for (const lang of ['zh', 'en']) {
    await page.goto(`${baseUrl}/console${lang === 'en' ? '?lang=en' : ''}`);
    await page.locator('.sidebar nav').waitFor();
    await go(page, 'schedules');
    await page.locator('[data-testid=week-view] .daypart-label').first().waitFor();
    await page.evaluate(() => document.fonts.ready);
    const overlaps = await page.evaluate(() => {
      const text = (el: Element) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return range.getBoundingClientRect();
      };
      const hours = Array.from(document.querySelectorAll('[data-testid=week-view] .hour-label'), (el) => ({ label: el.textContent, box: text(el) }));
      const found: string[] = [];
      for (const part of Array.from(document.querySelectorAll('[data-testid=week-view] .daypart-label'))) {
        const p = part.getBoundingClientRect();
        for (const h of hours) {
          if (p.left < h.box.right && h.box.left < p.right && p.top < h.box.bottom && h.box.top < p.bottom) found.push(`${part.textContent} over ${h.label}`);
        }
      }
      return { found, parts: document.querySelectorAll('[data-testid=week-view] .daypart-label').length };
    });
    t.equal(overlaps.parts, 5, `${lang}: five dayparts`);
    t.same(overlaps.found, [], `${lang}: no daypart name covers an hour label`);
  }
});
