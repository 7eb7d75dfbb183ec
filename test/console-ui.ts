// Driving the staff console in Chromium as a given user, for the console's browser tests.
import type { Browser, Page } from 'playwright-core';
import type { Test } from 'tap';

const pageErrors = new WeakMap<Page, string[]>();
/** Script errors seen so far on a console page opened by consoleAs. */
export const scriptErrors = (page: Page) => pageErrors.get(page) ?? [];

/** The password signInAs (test/helper.ts) leaves staff with. */
export const STAFF_PASSWORD = 'staff-password-1';

/** A fresh browser context at the laptop size clerks use, signed in through the login form. */
export async function consoleAs(t: Test, browser: Browser, baseUrl: string, username: string, password = STAFF_PASSWORD): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${baseUrl}/console`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('form[data-testid=login-form] button[type=submit]');
  await page.locator('.sidebar nav').waitFor({ timeout: 10_000 });
  return page;
}

export const go = async (page: Page, route: string) => {
  await page.evaluate((r) => (location.hash = `#/${r}`), route);
};

/** A change attempted straight at the API from the signed-in page, with its own valid CSRF token. */
export const tryChange = (page: Page, method: string, url: string, body: unknown) =>
  page.evaluate(
    async ({ method, url, body }) => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      const res = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify(body) });
      return { status: res.status, reason: ((await res.json()) as { reason: string }).reason };
    },
    { method, url, body },
  );

