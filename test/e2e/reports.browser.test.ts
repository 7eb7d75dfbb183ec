// The campaign reports in the real console (Chromium): the coverage table of a hand-made week, a PDF
// downloaded from the page and read back with pdftotext, the weekly report made from the page, and
// police figures entered in the form.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { weekReportedAt } from '../../server/reports/weekly.job.js';
import { startTestServer, TEST_ADMIN } from '../helper.js';
import { addTaggedMedia, addTownships, recordHandMadeWeek } from '../reports/fixtures.js';

t.test('coverage table, PDF download, weekly report and police form in the console', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { timeZone: 'Asia/Shanghai' }, { clock: { now: () => new Date('2027-01-20T02:00:00Z') } });
  await addTownships(app);
  await addTaggedMedia(app);
  await recordHandMadeWeek(app);
  const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);

  await go(page, 'campaign/coverage');
  await page.fill('input[name=from]', '2027-01-11');
  await page.fill('input[name=to]', '2027-01-17');
  const row = (id: string) => page.locator(`[data-testid=coverage-table] tr[data-township-id=${id}] td`);
  await page.locator('[data-testid=coverage-table] tr[data-township-id=tw-hk]').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=coverage-table] tr[data-township-id=tw-cg] td:nth-child(4)')?.textContent === '50.0%');
  t.same(await row('tw-cg').allTextContents(), ['城关镇', '2', '1', '50.0%', '2', '1', '3', '1'], '城关镇 as counted by hand');
  t.same(await row('tw-hk').allTextContents(), ['河口乡', '2', '1', '50.0%', '1', '0', '1', '1']);
  t.match(await page.locator('[data-testid=uncovered]').textContent(), /西门村[\s\S]*石桥村/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('h2 [data-testid=downloads] a[data-format=pdf]')]);
  t.equal(download.suggestedFilename(), '社会面宣传覆盖情况报表 2027-01-11 至 2027-01-17.pdf', 'named in Chinese, with its period');
  const text = execFileSync('pdftotext', [(await download.path())!, '-'], { encoding: 'utf8' });
  for (const name of ['城关镇', '河口乡', '石桥村']) t.match(text, name, `the downloaded PDF names ${name}`);

  await go(page, 'weekly');
  // The browser's clock is the real one: the forms start on the week that ended last Sunday there.
  const justEnded = weekReportedAt(new Date(), 'Asia/Shanghai');
  t.equal(await page.inputValue('input[name=generate-week]'), justEnded, 'the week to make starts on the week just ended');
  t.equal(await page.inputValue('[data-testid=police-entry] input[name=week]'), justEnded, 'and so does the police week');
  await page.fill('input[name=generate-week]', '2027-W02');
  await page.click('button[name=generate-weekly]');
  await page.locator('[data-testid=weekly-list] tr[data-week="2027-W02"]').waitFor();
  t.equal((await app.crier.reports.weekly.list())[0]?.week, '2027-W02', 'made on the server');

  await page.selectOption('[data-testid=police-entry] select[name=township]', 'tw-hk');
  await page.fill('[data-testid=police-entry] input[name=week]', '2027-w02');
  await page.fill('[data-testid=police-entry] input[name="cases-刷单"]', '2');
  await page.fill('[data-testid=police-entry] input[name="loss-刷单"]', '1500.5');
  await page.click('button[name=save-police]');
  await page.locator('[data-testid=police-message]').waitFor();
  t.match(await app.crier.reports.store.figures('2027-W02', '2027-W02'), [{ townshipId: 'tw-hk', fraudType: '刷单', cases: 2, lossYuan: 1500.5, enteredBy: 'admin' }]);
  t.same(scriptErrors(page), [], 'no script errors');
});
