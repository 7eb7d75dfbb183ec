// The pairing code badge never covers content (issue 12.4), measured in Chromium by bounding boxes: not the
// stage of a landscape, portrait or strip screen, not the station's status page nor its volume tile.
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const box = async (page: Page, selector: string) => (await page.locator(selector).boundingBox())!;

t.test('the pairing badge sits in a strip of its own', browserTestOptions(), async (t) => {
  const browser = await launchBrowser(t);
  const { baseUrl } = await startTestServer(t);
  const cases: [string, { width: number; height: number }, string, string][] = [
    ['landscape screen', { width: 1280, height: 720 }, '/player', '#stage'],
    ['portrait screen', { width: 720, height: 1280 }, '/player', '#stage'],
    ['strip LED', { width: 1920, height: 160 }, '/player', '#stage'],
    ['station status page', { width: 1280, height: 720 }, '/player?mode=audio', '#status-panel'],
    ['station volume tile', { width: 1280, height: 720 }, '/player?mode=audio', '#status-panel [data-field="volume"]'],
    ['small station screen', { width: 800, height: 480 }, '/player?mode=audio', '#status-panel [data-field="volume"]'],
  ];
  for (const [name, viewport, url, content] of cases) {
    const page = await browser.newPage({ viewport });
    await page.goto(`${baseUrl}${url}`);
    await page.locator('#pairing-code').waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.fonts.status === 'loaded');
    const badge = await box(page, '#pairing-badge');
    const covered = await box(page, content);
    t.ok(badge.width > 0 && covered.width > 0, `${name}: both shown`);
    t.notOk(overlaps(badge, covered), `${name}: the badge ${JSON.stringify(badge)} does not cover ${content} ${JSON.stringify(covered)}`);
    const shot = path.join(os.tmpdir(), `crier-badge-${name.replace(/\s+/g, '-')}.png`);
    await page.screenshot({ path: shot });
    t.comment(`${name}: ${shot}`);
    await page.close();
  }
});
