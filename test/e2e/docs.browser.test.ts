// Swagger UI (/docs) under the Content-Security-Policy (issue 13): it renders every operation without a
// single CSP violation or script error, "Try it out" reaches the API, and its Chinese is drawn with the
// bundled font (read back by OCR: without it a PC with no CJK system font shows boxes).
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { readChinese, shareRecognised } from '../ocr.js';
import { signInBrowser, startTestServer } from '../helper.js';

t.test('Swagger UI renders under the CSP, answers "Try it out" and draws its Chinese', browserTestOptions(), async (t) => {
  // One t.testdir() per test (a second call empties the first): the server's data and the screenshot share it.
  const dir = t.testdir();
  const { app, baseUrl } = await startTestServer(t, { dataDir: path.join(dir, 'data') });
  const spec = JSON.parse((await app.inject({ url: '/docs/json' })).body) as { info: { description: string }; paths: Record<string, object> };
  const operations = Object.values(spec.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  const browser = await launchBrowser(t);
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await signInBrowser(context, app, baseUrl);
  const page = await context.newPage();
  const problems: string[] = [];
  await page.exposeFunction('crierCspViolation', (v: string) => problems.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { crierCspViolation: (v: string) => void }).crierCspViolation(`CSP ${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
    );
  });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && problems.push(m.text()));

  await page.goto(`${baseUrl}/docs`);
  await page.locator('.swagger-ui .info .title').waitFor({ timeout: 20_000 });
  await page.locator('.opblock').first().waitFor();
  t.equal(await page.locator('.opblock').count(), operations, `every operation listed (${operations})`);

  // Try it out: GET /api/v1/auth/me with the session cookie the browser holds.
  const me = page.locator('#operations-accounts-getAuthMe');
  await me.locator('.opblock-summary').click();
  await me.locator('button.try-out__btn').click();
  await me.locator('button.execute').click();
  await me.locator('.live-responses-table tr.response .response-col_status').first().waitFor({ timeout: 10_000 });
  const status = (await me.locator('.live-responses-table tr.response .response-col_status').first().innerText()).trim();
  t.match(status, /^200/, `"Try it out" reached the API (${status})`);

  await page.evaluate(() => document.fonts.ready);
  const description = page.locator('.swagger-ui .info .description');
  const shot = path.join(dir, 'docs-description.png');
  await description.screenshot({ path: shot, scale: 'device' });
  const chinese = spec.info.description.split(' / ')[0]!;
  const read = await readChinese(shot);
  t.ok(shareRecognised(chinese, read) >= 0.8, `the description's Chinese is drawn, not boxes (read: ${read})`);
  t.same(problems, [], 'no CSP violation or script error');
});
