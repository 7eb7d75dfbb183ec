// Signing in and out through the real routes: cookies, CSRF, rate limit, expiry, first admin, hashes on disk.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import WebSocket from 'ws';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { buildTestApp, injectRaw, signIn, signInAs, startTestServer, TEST_ADMIN } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);
const dataDirOf = (app: Awaited<ReturnType<typeof buildTestApp>>) => path.dirname(app.crier.mediaStore.dir);
const login = (app: Awaited<ReturnType<typeof buildTestApp>>, username: string, password: string, remoteAddress = '10.0.0.1') =>
  injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });

t.test('login sets an HttpOnly SameSite=Lax cookie and returns the user, permissions and a CSRF token', async (t) => {
  const app = await buildTestApp(t, {}, { signedIn: false });
  const res = await login(app, 'admin', TEST_ADMIN.password);
  t.equal(res.statusCode, 200, res.body);
  const body = json(res);
  t.match(body.user, { username: 'admin', role: 'admin', township: null, mustChangePassword: false, disabled: false });
  t.notOk('passwordHash' in body.user, 'no hash in the answer');
  t.type(body.csrfToken, 'string');
  t.ok(body.permissions.includes('users:admin') && body.permissions.includes('audit:read'));
  const cookie = res.cookies.find((c) => c.name === 'crier_session')!;
  t.ok(cookie, 'session cookie set');
  t.equal(cookie.httpOnly, true);
  t.equal(cookie.sameSite, 'Lax');
  t.equal(cookie.path, '/');
  t.notOk(cookie.secure, 'plain http: not Secure (auto)');
  t.ok(cookie.value.length >= 40, 'a long random id');

  const me = await injectRaw(app)({ url: '/api/v1/auth/me', headers: { cookie: `crier_session=${cookie.value}` } });
  t.equal(me.statusCode, 200);
  t.equal(json(me).user.username, 'admin');
  t.same(json(me).permissions, body.permissions);

  const anonymous = await injectRaw(app)({ url: '/api/v1/auth/me' });
  t.equal(anonymous.statusCode, 401);
  t.equal(json(anonymous).reason, 'not-signed-in');
  t.match(json(anonymous).message, /请先登录.*sign in/);
});

t.test('the session cookie is Secure over https or when configured', async (t) => {
  const app = await buildTestApp(t, { secureCookies: 'always' }, { signedIn: false });
  const res = await login(app, 'admin', TEST_ADMIN.password);
  t.equal(res.cookies.find((c) => c.name === 'crier_session')!.secure, true);
});

t.test('a wrong password or unknown user is 401 bad-credentials; repeated failures are 429 with Retry-After', async (t) => {
  const app = await buildTestApp(t, {}, { signedIn: false });
  const wrong = await login(app, 'admin', 'not-the-password');
  t.equal(wrong.statusCode, 401);
  t.equal(json(wrong).reason, 'bad-credentials');
  t.notOk(wrong.cookies.some((c) => c.name === 'crier_session'), 'no cookie on failure');
  const unknown = await login(app, 'nobody', 'whatever-it-is');
  t.equal(unknown.statusCode, 401);
  t.equal(json(unknown).reason, 'bad-credentials', 'same answer for an unknown user');

  // Per username: 5 failures in the window; the 6th attempt is refused even with the right password.
  for (let i = 0; i < 4; i++) t.equal((await login(app, 'ADMIN', `wrong-${i}-password`, `10.0.1.${i}`)).statusCode, 401);
  const limited = await login(app, 'admin', TEST_ADMIN.password, '10.0.2.1');
  t.equal(limited.statusCode, 429);
  t.equal(json(limited).reason, 'too-many-attempts');
  t.ok(Number(limited.headers['retry-after']) > 0, `Retry-After: ${limited.headers['retry-after']}`);
  t.notOk(limited.cookies.some((c) => c.name === 'crier_session'));

  // Per address: another user from the same address is limited after 20 failures.
  const app2 = await buildTestApp(t, {}, { signedIn: false });
  for (let i = 0; i < 20; i++) await login(app2, `user${i}`, 'wrong-password-x', '10.9.9.9');
  const fromAddress = await login(app2, 'admin', TEST_ADMIN.password, '10.9.9.9');
  t.equal(fromAddress.statusCode, 429);
  t.equal((await login(app2, 'admin', TEST_ADMIN.password, '10.9.9.10')).statusCode, 200, 'another address still signs in');
});

t.test('changes need x-csrf-token: missing or wrong is 403 csrf-invalid and changes nothing', async (t) => {
  const app = await buildTestApp(t);
  const { cookie, 'x-csrf-token': token } = await signIn(app, 'admin', TEST_ADMIN.password);
  const before = await readFile(path.join(dataDirOf(app), 'catalogue.json'));
  const payload = { name: '不该出现', items: [{ mediaId: app.crier.catalogue.read().media[0]!.id, durationMs: 5000 }] };
  for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'forged' }, { cookie, 'x-csrf-token': `${token}x` }]) {
    const res = await injectRaw(app)({ method: 'POST', url: '/api/v1/playlists', headers, payload });
    t.equal(res.statusCode, 403);
    t.equal(json(res).reason, 'csrf-invalid');
  }
  // A token from another session does not fit this one.
  const other = await signIn(app, 'admin', TEST_ADMIN.password);
  const crossed = await injectRaw(app)({ method: 'POST', url: '/api/v1/playlists', headers: { cookie, 'x-csrf-token': other['x-csrf-token']! }, payload });
  t.equal(crossed.statusCode, 403);
  t.same(await readFile(path.join(dataDirOf(app), 'catalogue.json')), before, 'catalogue file unchanged');
  t.notOk(app.crier.catalogue.read().playlists.some((p) => p.name === '不该出现'));

  const ok = await injectRaw(app)({ method: 'POST', url: '/api/v1/playlists', headers: { cookie, 'x-csrf-token': token! }, payload });
  t.equal(ok.statusCode, 201, 'with the token it works');
  // Reads need no token; changes without a session are 401.
  t.equal((await injectRaw(app)({ url: '/api/v1/playlists', headers: { cookie } })).statusCode, 200);
  const anonymous = await injectRaw(app)({ method: 'POST', url: '/api/v1/playlists', payload });
  t.equal(anonymous.statusCode, 401);
  t.equal(json(anonymous).reason, 'not-signed-in');
});

t.test('logout ends the session on the server; sessions expire when idle or old, and survive a restart', async (t) => {
  let now = Date.parse('2026-03-01T08:00:00Z');
  const authClock = { now: () => new Date(now) };
  const dataDir = t.testdir();
  const overrides = { dataDir, sessionIdleMs: 30 * 60_000, sessionMaxMs: 8 * 3_600_000 };
  let app = await buildTestApp(t, overrides, { signedIn: false, authClock });
  const me = (headers: Record<string, string>) => injectRaw(app)({ url: '/api/v1/auth/me', headers });

  const a = await signIn(app, 'admin', TEST_ADMIN.password);
  const out = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/logout', headers: a });
  t.equal(out.statusCode, 204);
  t.match(String(out.headers['set-cookie']), /crier_session=;/, 'cookie cleared');
  t.equal((await me(a)).statusCode, 401, 'the old cookie no longer works');

  const b = await signIn(app, 'admin', TEST_ADMIN.password);
  now += 29 * 60_000;
  t.equal((await me(b)).statusCode, 200, 'used within the idle limit');
  now += 29 * 60_000;
  t.equal((await me(b)).statusCode, 200, 'each use restarts the idle clock');
  now += 31 * 60_000;
  t.equal((await me(b)).statusCode, 401, 'idle too long');

  const c = await signIn(app, 'admin', TEST_ADMIN.password);
  await app.close();
  app = await buildTestApp(t, overrides, { signedIn: false, authClock });
  t.equal((await me(c)).statusCode, 200, 'a session survives a server restart');
  for (let i = 0; i < 17; i++) {
    now += 29 * 60_000;
    await me(c);
  }
  t.equal((await me(c)).statusCode, 401, 'past the absolute limit, however active');
});

t.test('changing the password: the old one stops working, other sessions end, this one stays', async (t) => {
  const app = await buildTestApp(t, {}, { signedIn: false });
  const a = await signIn(app, 'admin', TEST_ADMIN.password);
  const b = await signIn(app, 'admin', TEST_ADMIN.password);
  const wrong = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/password', headers: a, payload: { currentPassword: 'nope-nope-nope', newPassword: 'brand-new-password' } });
  t.equal(wrong.statusCode, 403);
  t.equal(json(wrong).reason, 'bad-credentials');
  const short = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/password', headers: a, payload: { currentPassword: TEST_ADMIN.password, newPassword: 'short' } });
  t.equal(short.statusCode, 400);
  const ok = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/password', headers: a, payload: { currentPassword: TEST_ADMIN.password, newPassword: 'brand-new-password' } });
  t.equal(ok.statusCode, 204, ok.body);
  t.equal((await injectRaw(app)({ url: '/api/v1/auth/me', headers: a })).statusCode, 200);
  t.equal((await injectRaw(app)({ url: '/api/v1/auth/me', headers: b })).statusCode, 401);
  t.equal((await login(app, 'admin', TEST_ADMIN.password)).statusCode, 401);
  t.equal((await login(app, 'admin', 'brand-new-password')).statusCode, 200);
});

t.test('first start: a generated one-time password is logged once, in Chinese and English, and must be changed', async (t) => {
  const dataDir = t.testdir();
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)));
  const config = { ...loadConfig({}), dataDir, logLevel: 'info' as const, scryptLogN: 10 };
  let app = await buildApp(config, { logStream: stream });
  const line = lines.map((l) => JSON.parse(l) as { msg: string }).find((l) => /one-time password/.test(l.msg));
  t.ok(line, 'logged');
  t.match(line!.msg, /一次性密码/);
  const password = /one-time password (\S+)/.exec(line!.msg)![1]!;
  t.ok(password.length >= 12);
  const res = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } });
  t.equal(res.statusCode, 200);
  t.equal(json(res).user.mustChangePassword, true);
  const headers = { cookie: `crier_session=${res.cookies.find((c) => c.name === 'crier_session')!.value}`, 'x-csrf-token': json(res).csrfToken };
  const blocked = await injectRaw(app)({ method: 'POST', url: '/api/v1/playlists', headers, payload: { name: 'x', items: [{ mediaId: app.crier.catalogue.read().media[0]!.id, durationMs: 5000 }] } });
  t.equal(blocked.statusCode, 403);
  t.equal(json(blocked).reason, 'password-change-required');
  t.equal((await injectRaw(app)({ url: '/api/v1/playlists', headers })).statusCode, 200, 'reads are fine meanwhile');
  await app.close();

  lines.length = 0;
  app = await buildApp(config, { logStream: stream });
  t.notOk(lines.some((l) => /one-time password|一次性密码/.test(l)), 'not printed again at the next start');
  t.equal((await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } })).statusCode, 200);
  await app.close();
});

t.test('first start with CRIER_ADMIN_PASSWORD: that password works and need not be changed; nothing on disk holds it', async (t) => {
  const secret = 'Zebra-Lantern-7731-secret';
  const config = { ...loadConfig({ CRIER_ADMIN_PASSWORD: secret }), dataDir: t.testdir(), logLevel: 'silent' as const, scryptLogN: 10 };
  t.equal(config.adminPassword, secret);
  t.throws(() => loadConfig({ CRIER_ADMIN_PASSWORD: 'short' }), /CRIER_ADMIN_PASSWORD=\(hidden\): at least 10/);
  const app = await buildApp(config, { logger: false });
  t.teardown(() => app.close());
  const res = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: secret } });
  t.equal(res.statusCode, 200);
  t.equal(json(res).user.mustChangePassword, false);
  const cookie = `crier_session=${res.cookies.find((c) => c.name === 'crier_session')!.value}`;
  const headers = { cookie, 'x-csrf-token': json(res).csrfToken };
  const staffPassword = 'Quokka-Harbour-9052-pass';
  t.equal((await injectRaw(app)({ method: 'POST', url: '/api/v1/users', headers, payload: { username: 'li.wei', displayName: '李伟', role: 'editor', township: '城关镇', password: staffPassword } })).statusCode, 201);
  const sessionId = cookie.slice('crier_session='.length);

  const files = await readdir(config.dataDir, { recursive: true });
  let scanned = 0;
  for (const f of files) {
    const full = path.join(config.dataDir, f);
    const bytes = await readFile(full).catch(() => null);
    if (!bytes) continue;
    scanned++;
    for (const needle of [secret, staffPassword, sessionId]) {
      t.notOk(bytes.includes(Buffer.from(needle)), `${f} does not contain ${needle.slice(0, 6)}…`);
    }
  }
  t.ok(files.some((f) => f.startsWith('accounts.sqlite3')) && scanned > 2, `scanned ${scanned} files`);
});

t.test('/ws/console refuses a socket without a session and accepts one with it', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const url = wsUrl.replace('/ws/player', '/ws/console');
  const refused = await new Promise<string>((resolve) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('open', () => resolve('open'));
    ws.on('error', (e) => resolve(e.message));
  });
  t.equal(refused, '401');
  const { headers } = await signInAs(app, 'viewer');
  const accepted = await new Promise<string>((resolve) => {
    const ws = new WebSocket(url, { headers: { cookie: headers.cookie! } });
    ws.on('open', () => (resolve('open'), ws.close()));
    ws.on('error', (e) => resolve(e.message));
  });
  t.equal(accepted, 'open', 'any signed-in user, even a viewer, may listen');
});
