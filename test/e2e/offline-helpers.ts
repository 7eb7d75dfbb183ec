// Shared by the offline browser tests: a server that can be stopped and started again on the same
// port and data directory, a short loop of stills and slogans, and a look into the page's IndexedDB.
import type { Page } from 'playwright-core';
import { buildApp, type CrierApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { manifestFiles } from '../../player/offline.js';
import { actAsAdmin, TEST_ADMIN } from '../helper.js';

export interface StoredPlayView {
  id: string;
  state: 'open' | 'closed';
  completed: boolean;
  outcome?: string;
  startedAt: string;
  endedAt: string;
}

/** A real server on 127.0.0.1; port 0 picks a free one, a number restarts on the same origin. */
export async function serve(dataDir: string, port = 0): Promise<{ app: CrierApp; port: number; baseUrl: string }> {
  const config = { ...loadConfig({}), logLevel: 'silent' as const, heartbeatIntervalMs: 1000, dataDir, adminPassword: TEST_ADMIN.password, scryptLogN: 10 };
  const app = await buildApp(config, { logger: false });
  // app.inject acts as the county admin, as in buildTestApp.
  await actAsAdmin(app);
  await app.listen({ port, host: '127.0.0.1' });
  const actual = (app.server.address() as { port: number }).port;
  return { app, port: actual, baseUrl: `http://127.0.0.1:${actual}` };
}

/** The default playlist becomes a fast loop of stills and slogans (the screen changes every 1.2 s). */
export async function fastLoop(app: CrierApp, durationMs = 1200): Promise<void> {
  const catalogue = app.crier.catalogue.read();
  const images = catalogue.media.filter((m) => m.kind === 'image').slice(0, 3);
  const slogans = catalogue.media.filter((m) => m.kind === 'text').slice(0, 2);
  const items = [images[0], slogans[0], images[1], slogans[1], images[2]].filter((m) => m !== undefined).map((m) => ({ mediaId: m.id, durationMs }));
  const res = await app.inject({ method: 'PUT', url: `/api/v1/playlists/${catalogue.defaultPlaylistId}`, payload: { name: '离线测试循环', items } });
  if (res.statusCode !== 200) throw new Error(`playlist: ${res.statusCode} ${res.body}`);
}

/** Waits until the page's service worker controls it and holds every media file of its manifest. */
export async function waitCached(page: Page, app: CrierApp, timeout = 30_000): Promise<{ screenId: string; files: number }> {
  await page.waitForFunction(() => document.documentElement.dataset.screenId && document.documentElement.dataset.manifestVersion, null, { timeout });
  const screenId = (await page.evaluate(() => document.documentElement.dataset.screenId))!;
  const manifest = app.crier.publisher.manifestFor(screenId)!;
  const files = manifestFiles([manifest]).paths.length;
  await page.waitForFunction((n) => document.documentElement.dataset.sw === 'controlled' && document.documentElement.dataset.cache === `${n}/${n}`, files, { timeout });
  return { screenId, files };
}

/** Every play record waiting in the page's IndexedDB (open: on air now; closed: not yet acknowledged). */
export function storedPlays(page: Page): Promise<StoredPlayView[]> {
  return page.evaluate(
    () =>
      new Promise<StoredPlayView[]>((resolve, reject) => {
        const open = indexedDB.open('crier-player');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('plays')) return resolve([]);
          const request = db.transaction('plays').objectStore('plays').getAll();
          request.onsuccess = () => {
            resolve(request.result as StoredPlayView[]);
            db.close();
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

/** The item ids on screen, sampled every 200 ms for `ms`. */
export async function watchItems(page: Page, ms: number): Promise<string[]> {
  const seen: string[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const id = await page.locator('#stage').getAttribute('data-item-id');
    if (id && seen[seen.length - 1] !== id) seen.push(id);
    await page.waitForTimeout(200);
  }
  return seen;
}
