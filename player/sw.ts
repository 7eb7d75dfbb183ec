// The player's service worker (/player-sw.js, scope /player): keeps a screen on air with the server
// gone. It caches the player shell (page, bundle, font CSS and subsets) and every media file of the
// current and next manifest, each checked against the SHA-256 its name carries; evicts files no
// manifest needs; and answers from cache, Range requests included (a video seeks with 206s).
// Online, the network wins for the shell (a deploy reaches screens on their next reload); media
// files are immutable (content-addressed), so a verified cached copy is always the right answer.
// Bundled on its own as a classic script (server/web/bundle.ts); no DOM here.

const VERSION = 'v1';
const SHELL_CACHE = `crier-shell-${VERSION}`;
export const MEDIA_CACHE = `crier-media-${VERSION}`;
const SHELL_URLS = ['/player', '/assets/player.js', '/fonts/noto-sans-sc/400.css', '/fonts/noto-sans-sc/700.css'];
/** A server that accepts the connection but never answers must not keep a reload waiting long. */
const NETWORK_TIMEOUT_MS = 4000;
const MEDIA_PATH = /^\/media\/([0-9a-f]{64})\.[a-z0-9]+$/;

// The WebWorker lib clashes with the DOM lib the rest of the player compiles against: the few
// service-worker types used here are declared locally.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
}
interface WorkerClient {
  postMessage(message: unknown): void;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', fn: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', fn: (event: ExtendableMessageEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void>; matchAll(options?: { type?: string; includeUncontrolled?: boolean }): Promise<WorkerClient[]> };
  location: Location;
}
const scope = globalThis as unknown as WorkerScope;

/** What the page asks for: keep exactly these media paths (the current and next manifest's files). */
export interface SyncRequest {
  type: 'sync';
  paths: string[];
  /** Sizes the manifests give (path → bytes), for the share of bytes cached. */
  sizes?: Record<string, number>;
  /** Shell files the page loaded before the worker controlled it (font subsets): kept for offline reloads. */
  shell?: string[];
}
/** What the page is told after each sync: the heartbeat's cache state, and what went wrong. */
export interface CacheReport {
  type: 'cache-state';
  items: number;
  itemsTotal: number;
  bytes: number;
  bytesTotal: number;
  errors: string[];
}

scope.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL_URLS))
      .catch((error: unknown) => console.warn('crier-sw: shell not cached yet', error))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('crier-') && name !== SHELL_CACHE && name !== MEDIA_CACHE) await caches.delete(name);
      // The page that registered us is controlled at once: its media requests come through here.
      await scope.clients.claim();
    })(),
  );
});

scope.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return;
  if (url.pathname === '/player' && request.mode === 'navigate') return event.respondWith(networkFirst(request, '/player'));
  if (url.pathname.startsWith('/assets/')) return event.respondWith(networkFirst(request, url.pathname));
  if (url.pathname.startsWith('/fonts/')) return event.respondWith(cacheFirst(request, url.pathname));
  if (MEDIA_PATH.test(url.pathname)) return event.respondWith(mediaResponse(request, url.pathname));
});

scope.addEventListener('message', (event) => {
  const data = event.data as Partial<SyncRequest> | null;
  if (data?.type === 'sync' && Array.isArray(data.paths)) {
    const shell = (data.shell ?? []).filter((p): p is string => typeof p === 'string' && /^\/(fonts|assets)\//.test(p));
    event.waitUntil(Promise.all([queueSync(data.paths.filter((p): p is string => typeof p === 'string'), data.sizes ?? {}), keepShell(shell)]));
  }
});

async function networkFirst(request: Request, key: string): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetchWithTimeout(request);
    if (response.ok && !response.redirected) await cache.put(key, response.clone());
    if (response.ok) return response;
    return (await cache.match(key)) ?? response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request: Request, key: string): Promise<Response> {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(key, response.clone());
  return response;
}

function fetchWithTimeout(request: Request): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
  return fetch(request, { signal: controller.signal }).finally(() => clearTimeout(timer));
}

async function mediaResponse(request: Request, path: string): Promise<Response> {
  const cached = await (await caches.open(MEDIA_CACHE)).match(path);
  if (!cached) return fetch(request);
  const range = request.headers.get('range');
  return range ? rangeResponse(cached, range) : cached;
}

/** A 206 slice of a cached file (one range, as media elements ask), or 416 when it lies outside. */
export async function rangeResponse(cached: Response, range: string): Promise<Response> {
  const blob = await cached.blob();
  const size = blob.size;
  const type = cached.headers.get('content-type') ?? 'application/octet-stream';
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start = 0;
  let end = size - 1;
  if (match && (match[1] || match[2])) {
    if (match[1]) {
      start = Number(match[1]);
      if (match[2]) end = Math.min(size - 1, Number(match[2]));
    } else {
      start = Math.max(0, size - Number(match[2]));
    }
  }
  if (!match || start >= size || start > end) {
    return new Response(null, { status: 416, headers: { 'content-range': `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1, type), {
    status: 206,
    headers: {
      'content-type': type,
      'content-length': String(end - start + 1),
      'content-range': `bytes ${start}-${end}/${size}`,
      'accept-ranges': 'bytes',
    },
  });
}

// One sync at a time; a newer request replaces one still waiting (only the latest wish matters).
let running: Promise<void> = Promise.resolve();
let waiting: { paths: string[]; sizes: Record<string, number> } | null = null;

function queueSync(paths: string[], sizes: Record<string, number>): Promise<void> {
  const isQueued = waiting !== null;
  waiting = { paths, sizes };
  if (isQueued) return running;
  running = running.then(() => {
    const next = waiting!;
    waiting = null;
    return sync(next.paths, next.sizes).catch((error: unknown) => console.warn('crier-sw: sync failed', error));
  });
  return running;
}

async function sync(paths: string[], sizes: Record<string, number>): Promise<void> {
  const wanted = new Set(paths.filter((p) => MEDIA_PATH.test(p)));
  const cache = await caches.open(MEDIA_CACHE);
  const errors: string[] = [];
  // Evict first: a kiosk's disk is small, and what no manifest names will not air again.
  for (const request of await cache.keys()) {
    if (!wanted.has(new URL(request.url).pathname)) await cache.delete(request);
  }
  let bytes = 0;
  let items = 0;
  let bytesTotal = 0;
  for (const path of wanted) {
    const known = Number(sizes[path]) || 0;
    const cached = await cache.match(path);
    if (cached) {
      items++;
      const size = Number(cached.headers.get('content-length')) || 0;
      bytes += size;
      bytesTotal += size;
      continue;
    }
    try {
      const response = await fetch(path, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = await response.arrayBuffer();
      const expected = MEDIA_PATH.exec(path)![1]!;
      const actual = await sha256Hex(body);
      // A proxy's error page, a truncated transfer, a corrupted disk: never air bytes the name does not vouch for.
      if (actual !== expected) throw new Error(`hash mismatch (got ${actual.slice(0, 12)}…)`);
      await cache.put(
        path,
        new Response(body, {
          headers: { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream', 'content-length': String(body.byteLength) },
        }),
      );
      items++;
      bytes += body.byteLength;
      bytesTotal += body.byteLength;
    } catch (error) {
      bytesTotal += known;
      errors.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const report: CacheReport = { type: 'cache-state', items, itemsTotal: wanted.size, bytes, bytesTotal, errors };
  for (const client of await scope.clients.matchAll({ type: 'window' })) client.postMessage(report);
}

async function keepShell(paths: string[]): Promise<void> {
  const cache = await caches.open(SHELL_CACHE);
  for (const path of paths) {
    if (await cache.match(path)) continue;
    try {
      const response = await fetch(path);
      if (response.ok) await cache.put(path, response);
    } catch {
      // Offline now: the next sync tries again.
    }
  }
}

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
