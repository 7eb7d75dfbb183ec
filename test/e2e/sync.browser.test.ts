// Synchronised switching in Chromium: two screens of one group, one of them with its clock 40 s
// slow (an init script skews Date), switch to the 07:00 daypart within a second of each other and of
// the server's 07:00, because each airs by the offset it measured against the server.
import t from 'tap';
import type { Page } from 'playwright-core';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { startTestServer } from '../helper.js';

const SEVEN = Date.parse('2026-01-12T07:00:00+08:00');
const SKEW_MS = -40_000;

/** Records, in real time (performance.timeOrigin is not affected by a skewed Date), when the daypart comes on. */
async function watchSwitch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const stage = document.querySelector('#stage')!;
    const w = window as unknown as { __switchedAt?: number };
    new MutationObserver(() => {
      if (w.__switchedAt === undefined && stage.getAttribute('data-source') === 'schedule') w.__switchedAt = performance.timeOrigin + performance.now();
    }).observe(stage, { attributes: true, attributeFilter: ['data-source'] });
  });
}

t.test('two screens of a group switch dayparts within a second, one of them with its clock 40 s off', browserTestOptions(), async (t) => {
  let offset = SEVEN - 120_000 - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const browser = await launchBrowser(t);
  const { app, baseUrl } = await startTestServer(t, { heartbeatIntervalMs: 1000 }, { clock });
  const slogans = app.crier.catalogue.read().media.filter((m) => m.kind === 'text');
  const created = await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '早间时段', items: [slogans[3]!, slogans[4]!].map((m) => ({ mediaId: m.id, durationMs: 4000 })) } });
  const morningId = JSON.parse(created.body).id as string;

  const right = await (await browser.newContext({ viewport: { width: 640, height: 360 } })).newPage();
  const slowContext = await browser.newContext({ viewport: { width: 640, height: 360 } });
  // This screen's clock is 40 s slow: every Date the page makes is skewed.
  await slowContext.addInitScript((skew: number) => {
    const RealDate = Date;
    class SkewedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + skew);
        else super(...(args as [string]));
      }
      static override now(): number {
        return RealDate.now() + skew;
      }
    }
    globalThis.Date = SkewedDate as DateConstructor;
  }, SKEW_MS);
  const slow = await slowContext.newPage();
  const pageErrors: string[] = [];
  for (const page of [slow, right]) {
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${baseUrl}/player`);
    await page.waitForFunction(() => document.querySelector('#stage')?.getAttribute('data-source') === 'default', null, { timeout: 15_000 });
  }
  t.ok(Math.abs((await slow.evaluate(() => Date.now())) - Date.now() - SKEW_MS) < 1000, 'the slow screen\'s Date is 40 s behind');

  // Both screens join the group, and the group gets a 07:00 daypart.
  const ids: string[] = [];
  for (const page of [right, slow]) {
    const id = (await page.evaluate(() => document.documentElement.dataset.screenId))!;
    const res = await app.inject({ method: 'PATCH', url: `/api/v1/screens/${id}`, payload: { groups: ['县城广场'] } });
    t.equal(res.statusCode, 200);
    ids.push(id);
  }
  const daypart = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: morningId, target: { kind: 'groups', groups: ['县城广场'] }, priority: 1, windows: [{ start: '07:00', end: '09:00' }] } });
  t.equal(daypart.statusCode, 201, daypart.body);
  for (const [i, page] of [right, slow].entries()) {
    const id = ids[i]!;
    const version = app.crier.publisher.manifestFor(id)!.version;
    await page.waitForFunction((v) => document.documentElement.dataset.manifestVersion === v, version, { timeout: 10_000 });
    await watchSwitch(page);
  }
  // The server's clock now stands 8 s before seven; heartbeats (every second) let both players measure it.
  offset = SEVEN - 8000 - Date.now();
  const expectedAt = SEVEN - offset; // real time at which the server's clock reads 07:00:00
  const switchedAt = async (page: Page) => {
    await page.waitForFunction(() => (window as unknown as { __switchedAt?: number }).__switchedAt !== undefined, null, { timeout: 20_000 });
    return page.evaluate(() => (window as unknown as { __switchedAt: number }).__switchedAt);
  };
  const [a, b] = [await switchedAt(right), await switchedAt(slow)];
  // For the record: when each page thinks it switched (its corrected clock) and the offset it measured.
  for (const page of [right, slow]) t.comment(JSON.stringify(await page.evaluate(() => ({ startedAt: document.querySelector('#stage')!.getAttribute('data-started-at'), offset: document.documentElement.dataset.clockOffsetMs }))));
  t.ok(Math.abs(a - b) < 1000, `the screens switched ${Math.round(Math.abs(a - b))} ms apart`);
  t.ok(Math.abs(a - expectedAt) < 1000, `the right screen at server 07:00 ${Math.round(a - expectedAt)} ms`);
  t.ok(Math.abs(b - expectedAt) < 1000, `the slow screen at server 07:00 ${Math.round(b - expectedAt)} ms`);
  const slowOffset = Number(await slow.evaluate(() => document.documentElement.dataset.clockOffsetMs));
  t.ok(Math.abs(slowOffset - (offset - SKEW_MS)) < 500, `the slow screen measured its offset (${slowOffset} ms)`);
  offset = 0;
  t.same(pageErrors, [], 'no script errors');
});
