// Security headers on every answer (issue 13.7): every route the OpenAPI document lists, plus the
// pages, bundles, fonts, media and docs; no inline script in the pages; /ws/console checks Origin;
// slow and idle HTTP clients are dropped within seconds while player WebSockets stay.
import { readdir } from 'node:fs/promises';
import net from 'node:net';
import t, { type Test } from 'tap';
import WebSocket from 'ws';
import { webDistDir } from '../../server/web/bundle.js';
import { adminHeaders, buildTestApp, helloPlayer, startTestServer } from '../helper.js';

type Answer = { statusCode: number; headers: Record<string, unknown> };

function checkHeaders(t: Test, what: string, res: Answer) {
  const h = res.headers;
  const csp = String(h['content-security-policy'] ?? '');
  const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? '';
  t.ok(scriptSrc.includes("'self'") && !/unsafe-inline|unsafe-eval/.test(scriptSrc), `${what}: CSP script-src without inline script (${scriptSrc})`);
  t.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  t.notMatch(csp, /upgrade-insecure-requests/, `${what}: no upgrade of intranet http`);
  t.equal(h['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  t.equal(h['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  t.equal(h['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
}

t.test('every route the OpenAPI document lists, and every static answer, carries the security headers', async (t) => {
  const app = await buildTestApp(t);
  const spec = JSON.parse((await app.inject({ url: '/docs/json' })).body) as { paths: Record<string, Record<string, unknown>> };
  let checked = 0;
  const routes = Object.entries(spec.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path: p })));
  // Signing out last, so the routes before it are answered as the admin.
  routes.sort((a, b) => Number(a.path.endsWith('/logout')) - Number(b.path.endsWith('/logout')));
  for (const { method, path } of routes) {
    const url = path.replace(/\{[^}]+\}/g, 'no-such-id');
    const res = await app.inject({ method: method as 'GET', url, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
    checkHeaders(t, `${method} ${path} (${res.statusCode})`, res);
    if (path.startsWith('/api/')) t.equal(res.headers['cache-control'], 'no-store', `${method} ${path}: no-store (session data, CSRF token)`);
    checked++;
  }
  t.ok(checked >= 50, `${checked} API routes`);

  const mediaFile = (await readdir(app.crier.mediaStore.dir))[0]!;
  const statics = ['/', '/console', '/player', '/player-sw.js', '/assets/console.js', '/assets/player.js', '/assets/console.css', '/fonts/noto-sans-sc/400.css', `/media/${mediaFile}`, '/docs', '/docs/json', '/healthz', '/no-such-page'];
  for (const url of statics) checkHeaders(t, `GET ${url}`, await app.inject({ url }));
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'x' } });
  t.equal(login.headers['cache-control'], 'no-store', 'even a refused sign-in');
});

t.test('the pages carry no inline script, and the bundler emits none', async (t) => {
  const app = await buildTestApp(t);
  for (const url of ['/console', '/player']) {
    const html = (await app.inject({ url })).body;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    t.ok(scripts.length > 0, `${url} has scripts`);
    for (const [, attrs, body] of scripts) {
      t.match(attrs, /\bsrc="\/assets\//, `${url}: every script is a file of ours`);
      t.equal(body!.trim(), '', `${url}: and has no inline body`);
    }
    t.notMatch(html, /\son[a-z]+\s*=/i, `${url}: no inline event handler attributes`);
  }
  t.notOk((await readdir(webDistDir)).some((f) => f.endsWith('.html')), 'the bundler emits scripts, not pages with inline ones');
});

t.test('/ws/console refuses a socket from another origin', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const url = wsUrl.replace('/ws/player', '/ws/console');
  const { cookie } = await adminHeaders(app);
  const host = new URL(url).host;
  const attempt = (origin: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(url, { headers: { cookie, origin } });
      ws.on('open', () => (ws.close(), resolve('open')));
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', () => resolve('error'));
    });
  t.equal(await attempt('http://evil.example'), '403', 'another site');
  t.equal(await attempt('null'), '403', 'an opaque origin');
  t.equal(await attempt(`http://${host}`), 'open', 'our own page');
});

/** A raw TCP client: resolves with what the server sent once it closes the socket. */
function rawClient(port: number, send: string) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d.toString()));
  socket.write(send);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  return { socket, closed };
}
/** `p`, or 'still open' after `ms`; the timer goes once `p` settles, so it does not hold the test process open. */
const within = <T>(p: Promise<T>, ms: number) => {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'still open'>((resolve) => (timer = setTimeout(() => resolve('still open'), ms)));
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
};

t.test('half-sent requests and idle keep-alive sockets are dropped within seconds; player WebSockets stay', async (t) => {
  const { app, wsUrl } = await startTestServer(t, { httpTimeouts: { headersMs: 1000, idleMs: 1500, keepAliveMs: 1000 } });
  const { port } = app.server.address() as { port: number };
  const { player } = await helloPlayer(t, wsUrl);

  const headers = rawClient(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n'); // never finished
  const trickle = rawClient(port, 'GET /healthz HTTP/1.1\r\n');
  const timer = setInterval(() => trickle.socket.write('X-Slow: 1\r\n'), 300); // a byte now and then, never the end
  t.teardown(() => clearInterval(timer));
  const body = rawClient(port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"user'); // body never finished
  const idle = rawClient(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'); // answered, then idle

  t.not(await within(headers.closed, 8000), 'still open', 'unfinished headers: dropped');
  t.not(await within(trickle.closed, 8000), 'still open', 'headers trickling in: dropped');
  t.not(await within(body.closed, 8000), 'still open', 'a body that stops: dropped');
  const answer = await within(idle.closed, 8000);
  t.match(answer, /^HTTP\/1.1 200/, 'the idle keep-alive socket got its answer, then was closed');
  t.equal(player.socket.readyState, WebSocket.OPEN, 'a quiet player WebSocket stays open past every timeout');
});
