// End to end in Chromium: the register page says it is empty, refuses a bad file with its line numbers,
// imports the county's list; a clerk claims a screen by picking its site (乡镇 → 村/社区 → 点位) and the
// register counts it there.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { helloPlayer, signInAs, startTestServer } from '../helper.js';

const LIST = ['乡镇,村/社区,类型(社区/村),点位,点位类型,地址', '城关镇,东街社区,社区,万达广场,商场,人民路1号', '城关镇,西关村,村,,,', '河口乡,河口村,村,河口码头,码头,'];

t.test('import on the register page, claim by picking the site, see it counted', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { app, baseUrl, wsUrl } = await startTestServer(t);
  const admin = await signInAs(app, 'admin');
  const page = await consoleAs(t, browser, baseUrl, admin.user.username);
  await go(page, 'register');
  await page.locator('[data-testid=register-empty]').waitFor({ timeout: 10_000 });

  // Not t.testdir(): that is the server's data directory, and asking again would empty it.
  const dir = await mkdtemp(path.join(tmpdir(), 'crier-register-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const bad = path.join(dir, '名单-有误.csv');
  await writeFile(bad, [...LIST, '河口乡,,村,渡口,码头,', '河口乡,河口村,村,养殖场,养殖,'].join('\r\n'));
  await page.locator('input[name=import]').setInputFiles(bad);
  const refused = page.locator('[data-testid=import-refused]');
  await refused.waitFor({ timeout: 10_000 });
  t.match(await refused.textContent(), /第 5 行：村\/社区为空.*第 6 行：未知的点位类型“养殖”/s, 'the refusal names each bad line');
  t.equal(app.crier.catalogue.read().townships.length, 0, 'and nothing was imported');

  const good = path.join(dir, '名单.csv');
  await writeFile(good, LIST.join('\r\n'));
  await page.locator('input[name=import]').setInputFiles(good);
  await page.locator('[data-testid=import-result]').waitFor({ timeout: 10_000 });
  await page.locator('tr.site[data-place=万达广场]').waitFor();
  t.equal(await page.locator('tr.village.uncovered').count(), 3, 'every village is without a screen so far');

  // A new player, unclaimed, shows its code; the clerk claims it at 城关镇 / 东街社区 / 万达广场.
  const { welcome } = await helloPlayer(t, wsUrl);
  await go(page, 'screens');
  await page.click('button[name=claim]');
  const form = page.locator('[data-testid=claim-form]');
  await form.locator('input[name=code]').fill(welcome.pairingCode!);
  await form.locator('input[name=name]').fill('万达广场大屏');
  t.equal(await form.locator('input[name=township]').count(), 0, 'no free-text township any more');
  await form.locator('select[name=township]').selectOption({ label: '城关镇' });
  await form.locator('select[name=village]').selectOption({ label: '东街社区' });
  await form.locator('select[name=siteId]').selectOption({ label: '万达广场（商场）' });
  await form.locator('button[type=submit]').click();
  await form.locator('.ok').waitFor({ timeout: 10_000 });
  t.match(app.crier.catalogue.read().screens.find((s) => s.id === welcome.screenId), { isProvisional: false, township: '城关镇', site: '万达广场', siteType: '商场' });

  await page.keyboard.press('Escape');
  await go(page, 'register');
  await page.locator('tr.site[data-place=万达广场] td[data-field=screens]', { hasText: '1' }).waitFor({ timeout: 10_000 });
  t.equal(await page.locator('tr.village[data-place=东街社区]').getAttribute('class'), 'village ', 'its village is covered now');
  t.equal(await page.locator('tr.village.uncovered').count(), 2);
  t.same(scriptErrors(page), [], 'no script errors');
});
