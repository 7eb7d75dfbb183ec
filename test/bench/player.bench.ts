// Player benchmarks in Chromium, from performance marks the player places itself:
//   crier:first-frame  the first frame with an item on screen (relative to navigation start)
//   crier:ended        an item's airing is over
//   crier:frame        the frame an item goes on screen in (requestAnimationFrame after it is shown)
//   crier:video-frame  the first video frame presented (requestVideoFrameCallback)
// Warm start = a fresh page of a screen whose service worker is active and whose cache is full.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../browser.js';
import { serve, waitCached } from '../e2e/offline-helpers.js';
import { median, quantile } from './stats.js';

const WARM_RUNS = 9;
const LOOP_ROUNDS = 8;

const p90 = (xs: number[]) => quantile(xs, 0.9);
const ms = (x: number) => `${x.toFixed(0)} ms`;

interface Mark {
  name: string;
  startTime: number;
  detail: { itemId: string | null; type?: string } | null;
}

export async function benchPlayer(): Promise<void> {
  if (!chromiumPath()) {
    console.log('player benchmarks skipped: no Chromium (apt-get install chromium)');
    return;
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'crier-bench-player-'));
  const { app, baseUrl } = await serve(dataDir);
  const browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS });
  try {
    // A loop of two stills then a video: still → still and still → video gaps, every round.
    const catalogue = app.crier.catalogue.read();
    const [a, b] = catalogue.media.filter((m) => m.kind === 'image');
    const video = catalogue.media.find((m) => m.kind === 'video');
    if (!a || !b || !video) throw new Error('the default campaign lacks two stills and a video');
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/playlists/${catalogue.defaultPlaylistId}`,
      payload: { name: 'bench', items: [{ mediaId: a.id, durationMs: 1000 }, { mediaId: b.id, durationMs: 1000 }, { mediaId: video.id, durationMs: 1500 }] },
    });
    if (put.statusCode !== 200) throw new Error(put.body);

    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    let page = await context.newPage();
    await page.goto(`${baseUrl}/player`);
    await waitCached(page, app);

    // Warm starts: the service worker is active and every file is cached.
    const starts: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      await page.close();
      page = await context.newPage();
      await page.goto(`${baseUrl}/player`);
      await page.waitForFunction(() => performance.getEntriesByName('crier:first-frame').length > 0, null, { timeout: 15_000 });
      starts.push(await page.evaluate(() => performance.getEntriesByName('crier:first-frame')[0]!.startTime));
      if (await page.evaluate(() => document.documentElement.dataset.sw) !== 'controlled') throw new Error('warm start without the service worker');
    }
    console.log(`player warm start to first frame (service worker, full cache; ${WARM_RUNS} runs): median ${ms(median(starts))}, max ${ms(Math.max(...starts))} (target ≤ 1500 ms)`);

    // Gaps: let the loop go round, then read the marks.
    await page.waitForTimeout(LOOP_ROUNDS * 3500 + 2000);
    const marks = (await page.evaluate(() =>
      performance.getEntriesByType('mark').map((m) => ({ name: m.name, startTime: m.startTime, detail: (m as PerformanceMark).detail })),
    )) as Mark[];
    const ids = app.crier.catalogue.read().playlists.find((p) => p.id === catalogue.defaultPlaylistId)!.items.map((i) => i.id);
    const [aId, bId, videoId] = ids;
    const stillGaps: number[] = [];
    const videoGaps: number[] = [];
    for (const ended of marks.filter((m) => m.name === 'crier:ended')) {
      const after = (name: string, itemId: string | undefined) => marks.find((m) => m.name === name && m.startTime >= ended.startTime && m.detail?.itemId === itemId);
      if (ended.detail?.itemId === aId) {
        const frame = after('crier:frame', bId);
        if (frame) stillGaps.push(frame.startTime - ended.startTime);
      } else if (ended.detail?.itemId === bId) {
        const frame = after('crier:video-frame', videoId);
        if (frame) videoGaps.push(frame.startTime - ended.startTime);
      }
    }
    if (stillGaps.length < 3 || videoGaps.length < 3) throw new Error(`too few transitions measured (${stillGaps.length}, ${videoGaps.length})`);
    console.log(`player gap still → still (${stillGaps.length} transitions): median ${ms(median(stillGaps))}, p90 ${ms(p90(stillGaps))} (target ≤ 100 ms)`);
    console.log(`player gap still → first video frame (${videoGaps.length} transitions): median ${ms(median(videoGaps))}, p90 ${ms(p90(videoGaps))} (target ≤ 250 ms)`);
  } finally {
    await browser.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) await benchPlayer();
