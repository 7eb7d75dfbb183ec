// Signing in to the staff console through its real form in Chromium: a wrong password is refused with
// the server's words, and repeated failures are rate-limited (then even the right password waits).
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer, TEST_ADMIN } from '../helper.js';

t.test('a wrong password is refused, and repeated failures are rate-limited', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { baseUrl } = await startTestServer(t);
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  t.teardown(() => context.close());
  const page = await context.newPage();
  await page.goto(`${baseUrl}/console`);
  const attempt = async (password: string) => {
    await page.fill('input[name=username]', TEST_ADMIN.username);
    await page.fill('input[name=password]', password);
    await page.click('form[data-testid=login-form] button[type=submit]');
    const note = page.locator('form[data-testid=login-form] [role=alert]');
    await page.waitForFunction(() => !document.querySelector('form[data-testid=login-form] button[type=submit]')?.hasAttribute('disabled'));
    await note.waitFor();
    return { reason: await note.getAttribute('data-reason'), text: await note.textContent() };
  };
  const first = await attempt('not-the-password');
  t.equal(first.reason, 'bad-credentials');
  t.match(first.text, /用户名或密码错误/, 'said in Chinese');
  const reasons = [first.reason];
  for (let i = 0; i < 6; i++) reasons.push((await attempt(`wrong-${i}`)).reason);
  t.ok(reasons.includes('too-many-attempts'), `limited after repeated failures: ${reasons.join(', ')}`);
  const limited = await attempt(TEST_ADMIN.password);
  t.equal(limited.reason, 'too-many-attempts', 'while limited, even the right password is refused');
  t.match(limited.text, /尝试次数过多/);
  t.equal(await page.locator('.sidebar').count(), 0, 'still on the login page');
});
