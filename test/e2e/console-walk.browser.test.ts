// Every console page, in Chinese and in English, with Chinese content and a live screen, photographed
// (CRIER_WALK_DIR keeps the pictures) and checked for what a county clerk would meet (issue 12.6):
// no English fragments inside Chinese text, empty tables that say so, labels that do not overlap.
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { helloPlayer, startTestServer, TEST_ADMIN } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const PAGES = ['dashboard', 'media', 'playlists', 'schedules', 'screens', 'reports', 'audit', 'users'];
const dir = process.env.CRIER_WALK_DIR ?? path.join(os.tmpdir(), 'crier-console-walk');

/** English words a Chinese page must not show (names of things staff typed are Chinese here). */
const ENGLISH_FRAGMENTS = /\((image|video|audio|text)\)|（(image|video|audio|text)）|Value:|\bLIVE\b|\b(create|update|delete|approve|reject|login|logout|session|catalogue|defaultPlaylistId)\b|priority \d+|(?<!pl-)default-campaign|schedule:sch-|signed in|created (media|playlist|schedule)/;

async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('main')?.innerText ?? document.body.innerText);
}

t.test('walk every page in both languages', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl, wsUrl } = await startTestServer(t, { stationQuietHours: { start: '22:00', end: '06:30' } });
  const { player, welcome } = await helloPlayer(t, wsUrl, { mode: 'audio', capabilities: ['audio'] });
  await player.next('manifest');
  await app.inject({ method: 'PATCH', url: `/api/v1/screens/${welcome.screenId}`, payload: { name: '河口村广播站', siteId: await placeSite(app, '河口乡', '河口村村委会', '社区/村', '河口村') } });
  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text');
  const playlistId = JSON.parse((await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '早间标语', items: [{ mediaId: slogans[0]!.id, durationMs: 8000 }] } })).body).id;
  await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { name: '早间宣传', playlistId, target: { kind: 'all' }, priority: 10, windows: [{ start: '06:00', end: '09:00' }] } });

  for (const lang of ['zh', 'en'] as const) {
    const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
    if (lang === 'en') await page.goto(`${baseUrl}/console?lang=en`);
    for (const name of [...PAGES, `screens/${welcome.screenId}`]) {
      await go(page, name);
      await page.waitForTimeout(1200);
      const shot = path.join(dir, `${lang}-${name.replace(/\//g, '_')}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.comment(shot);
      const text = await visibleText(page);
      if (lang === 'zh') {
        const hit = ENGLISH_FRAGMENTS.exec(text);
        t.equal(hit && text.slice(Math.max(0, hit.index - 40), hit.index + 40), null, `${name}: no English fragments in Chinese`);
      }
      // A table with a header and no rows must say it is empty.
      const silentEmpty = await page.evaluate(() => [...document.querySelectorAll('main table')].filter((table) => table.querySelector('thead') && !table.querySelector('tbody tr')).length);
      t.equal(silentEmpty, 0, `${lang} ${name}: empty tables say so`);
    }
    t.same(scriptErrors(page), [], `${lang}: no script errors`);
  }
});
