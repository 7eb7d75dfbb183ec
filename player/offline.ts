// The page's side of offline airing: registers the service worker (player/sw.ts) and tells it which
// media files the current and next manifest need; keeps its latest cache report for heartbeats.
import type { Manifest } from '../playlists/manifest.schema.js';
import type { CacheState } from './protocol.js';
import type { CacheReport, SyncRequest } from './sw.js';

export const SERVICE_WORKER_URL = '/player-sw.js';
export const SERVICE_WORKER_SCOPE = '/player';
/** Files that failed (server down, hash mismatch) are tried again this often. */
const RESYNC_MS = 5 * 60_000;

/** Every media file the manifests can air (their whole 8-day timelines), with the sizes they state. */
export function manifestFiles(manifests: readonly (Manifest | null)[]): Omit<SyncRequest, 'type'> {
  const sizes: Record<string, number> = {};
  for (const manifest of manifests) {
    if (!manifest) continue;
    const lists = [manifest.items, ...Object.values(manifest.timeline?.loops ?? {})];
    for (const item of lists.flat()) if (item.url?.startsWith('/media/')) sizes[item.url] = item.bytes ?? sizes[item.url] ?? 0;
  }
  return { paths: Object.keys(sizes), sizes };
}

/** Font subsets (and bundles) this page fetched, some before the worker controlled it. */
function loadedShellFiles(): string[] {
  const paths = new Set<string>();
  for (const entry of performance.getEntriesByType('resource')) {
    const url = new URL(entry.name, location.href);
    if (url.origin === location.origin && /^\/(fonts|assets)\//.test(url.pathname) && !url.pathname.endsWith('.map')) paths.add(url.pathname);
  }
  return [...paths];
}

export function createOfflineCache(options: { root: HTMLElement; onErrors(messages: string[]): void }) {
  const { root } = options;
  const container = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
  let state: CacheState | null = null;
  let wish: SyncRequest | null = null;

  const markControlled = () => {
    if (container?.controller) root.dataset.sw = 'controlled';
  };

  async function post(): Promise<void> {
    if (!container || !wish) return;
    const registration = await container.ready;
    registration.active?.postMessage(wish);
  }

  if (container) {
    markControlled();
    container.addEventListener('controllerchange', markControlled);
    container.addEventListener('message', (event: MessageEvent) => {
      const report = event.data as CacheReport | null;
      if (report?.type !== 'cache-state') return;
      state = { items: report.items, itemsTotal: report.itemsTotal, bytes: report.bytes, bytesTotal: report.bytesTotal };
      // Stable hooks for tests and a technician: "12/12" and whether everything is in.
      root.dataset.cache = `${report.items}/${report.itemsTotal}`;
      root.dataset.cacheComplete = String(report.items === report.itemsTotal);
      if (report.errors.length) options.onErrors(report.errors);
    });
    setInterval(() => void post().catch(() => {}), RESYNC_MS);
  }

  return {
    /** Registers the worker; a browser without service workers (plain http on an intranet) still airs, online only. */
    async register(): Promise<void> {
      if (!container) {
        root.dataset.sw = 'unsupported';
        return;
      }
      try {
        await container.register(SERVICE_WORKER_URL, { scope: SERVICE_WORKER_SCOPE });
        await post();
      } catch (error) {
        root.dataset.sw = 'failed';
        options.onErrors([`service worker: ${error instanceof Error ? error.message : String(error)}`]);
      }
    },
    /** The manifests airing now and next: the worker fetches what is missing and evicts the rest. */
    sync(manifests: readonly (Manifest | null)[]): void {
      wish = { type: 'sync', ...manifestFiles(manifests), shell: loadedShellFiles() };
      void post().catch(() => {});
    },
    get state(): CacheState | null {
      return state;
    },
  };
}
