// The 校验 / verify console page in Chromium: the live chain check, an uploaded export checked (intact,
// then edited), and one screen-day's as-run log.
import Database from 'better-sqlite3';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { signInAs, startTestServer } from '../helper.js';

t.test('verify page: live check, uploaded export intact and edited, as-run of a day', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const dataDir = t.testdir();
  const { app, baseUrl } = await startTestServer(t, { dataDir });
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-mall', name: '万达广场', isProvisional: false, township: '城关镇', groups: [], createdAt: '2026-01-01T00:00:00.000Z' });
  });
  const start = Date.parse('2026-01-10T02:00:00Z');
  await app.crier.airingLog.recordPlays('scr-mall', false, [0, 1, 2].map((k) => ({
    id: `0b6f1d52-7c1e-4f0b-9d7a-00000000000${k}`, itemId: 'default-01', mediaId: 'media-slogan-loan-1', hash: 'a'.repeat(64), manifestVersion: 'v1',
    startedAt: new Date(start + k * 8000).toISOString(), endedAt: new Date(start + (k + 1) * 8000).toISOString(), completed: true, outcome: 'completed' as const, clockOffsetMs: 15,
  })));
  const exported = (await app.inject({ url: '/api/v1/proof/export?from=2026-01-10&to=2026-01-10' })).body;
  const files = path.join(dataDir, 'uploads');
  await mkdir(files);
  await writeFile(path.join(files, 'good.jsonl'), exported);
  await writeFile(path.join(files, 'edited.jsonl'), exported.replace('"completed":true', '"completed":false'));

  const viewer = await signInAs(app, 'viewer');
  const page = await consoleAs(t, browser, baseUrl, viewer.user.username);
  await go(page, 'proof');
  await page.click('button[name=verify-live]');
  const verdicts = page.locator('[data-testid=chain-verdict]');
  await verdicts.first().waitFor({ timeout: 10_000 });
  t.match(await verdicts.first().textContent(), /^校验通过：3 条播出记录/);

  const fileInput = page.locator('input[name=export-file]');
  await fileInput.setInputFiles(path.join(files, 'good.jsonl'));
  await page.locator('[data-testid=chain-verdict]').nth(1).waitFor({ timeout: 10_000 });
  t.equal(await page.locator('[data-testid=chain-verdict]').nth(1).getAttribute('data-ok'), 'true');
  await fileInput.setInputFiles(path.join(files, 'edited.jsonl'));
  await page.locator('[data-testid=chain-verdict][data-ok=false]').waitFor({ timeout: 10_000 });
  t.match(await page.locator('[data-testid=chain-verdict][data-ok=false]').textContent(), /屏幕 scr-mall 的第 1 条记录（播放记录 0b6f1d52-7c1e-4f0b-9d7a-000000000000）被修改/);

  await page.fill('input[name=as-run-day]', '2026-01-10');
  // Awaited from before the click, so no earlier answer satisfies it.
  const asRunAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/proof/as-run'), { timeout: 10_000 });
  await page.click('button[name=show-as-run]');
  t.match((await asRunAnswer).headers()['content-encoding'], /^(br|gzip|zstd)$/, 'the as-run log came compressed (Chromium asks for it), and the page reads it');
  await page.locator('[data-testid=as-run-aired] tbody tr').first().waitFor({ timeout: 10_000 });
  t.equal(await page.locator('[data-testid=as-run-aired] tbody tr').count(), 3);
  t.match(await page.locator('[data-testid=as-run-aired] tbody tr').first().textContent(), /网贷诈骗：放款前收费.*完整.*默认宣传/);
  t.same(scriptErrors(page), []);

  // Tampering in the store shows on the page too.
  const db = new Database(path.join(dataDir, 'airing.sqlite3'));
  db.prepare(`DELETE FROM plays WHERE id LIKE '%0001'`).run();
  db.close();
  await page.click('button[name=verify-live]');
  // The live verdict is the first on the page and read ok until the new answer replaces it; the edited
  // upload's verdict (also not ok) must not be mistaken for it.
  await page.waitForFunction(() => document.querySelector('[data-testid=chain-verdict]')?.getAttribute('data-ok') === 'false', null, { timeout: 10_000 });
  t.match(await verdicts.first().textContent(), /第 2 条记录.*被删除/);
});
