// The console's banner while the data dir's disk is full (a real 64 MB tmpfs, filled): staff can still
// sign in, every page says the disk is full, and after space is freed a reload shows no banner.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs } from '../console-ui.js';
import { fillDisk, mountSmallDisk, smallDiskSkip } from '../fixtures/small-disk.js';
import { DISK_STATE_MAX_AGE_MS } from '../../server/routes/health.routes.js';
import { startTestServer, TEST_ADMIN } from '../helper.js';

const options = browserTestOptions();

t.test('the console names a full disk on every page, and stops when space returns', { skip: options.skip || smallDiskSkip }, async (t) => {
  const disk = await mountSmallDisk(t);
  const { baseUrl } = await startTestServer(t, { dataDir: path.join(disk, 'data') });
  const browser = await launchBrowser(t);
  await fillDisk(path.join(disk, 'filler'));

  const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  const banner = page.locator('[data-testid=disk-full]');
  await banner.waitFor({ timeout: 10_000 });
  t.match(await banner.textContent(), /服务器磁盘已满/, 'the banner, in Chinese');
  await page.evaluate(() => (location.hash = '#/media'));
  t.equal(await banner.count(), 1, 'and on the next page too');

  await rm(path.join(disk, 'filler'));
  // /healthz reads the disk at most every DISK_STATE_MAX_AGE_MS: wait that long so the reload sees the space.
  await new Promise((r) => setTimeout(r, DISK_STATE_MAX_AGE_MS + 200));
  await page.reload();
  await page.locator('.sidebar nav').waitFor({ timeout: 10_000 });
  // Both of the page's /healthz reads (time zone, disk) have come back.
  await page.waitForFunction(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/healthz')).length >= 2);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  t.equal(await banner.count(), 0, 'space is back: no banner after a reload');
});
