// The route table: every changing route of the whole app refuses a viewer, a request without a session
// and one without a CSRF token, and leaves every store exactly as it was.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { accessFor, isMutating, ROLE_PERMISSIONS } from '../../server/auth/permissions.js';
import { buildTestApp, injectRaw, signInAs } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('every /api/v1 route needs a session except login; pages, player, media and health stay public', async (t) => {
  const app = await buildTestApp(t);
  const api = app.crier.routes.filter((r) => r.url.startsWith('/api/v1/'));
  t.ok(api.length > 30, `${api.length} API routes`);
  for (const r of api) {
    const access = accessFor(r.method, r.url);
    if (r.url === '/api/v1/auth/login') t.equal(access.kind, 'public');
    else t.not(access.kind, 'public', `${r.method} ${r.url} is not public`);
  }
  for (const url of ['/player', '/console', '/healthz', '/docs/json']) {
    t.equal((await injectRaw(app)({ url })).statusCode, 200, `${url} public`);
  }
  const [served] = await readdir(app.crier.mediaStore.dir);
  t.equal((await injectRaw(app)({ url: `/media/${served}` })).statusCode, 200, '/media/* public');
  for (const url of ['/api/v1/screens', '/api/v1/media', '/api/v1/playlists', '/api/v1/plays', '/api/v1/schedules']) {
    const res = await injectRaw(app)({ url });
    t.equal(res.statusCode, 401, `GET ${url} without a session`);
    t.equal(json(res).reason, 'not-signed-in');
  }
});

t.test('a viewer reads everything and changes nothing: each changing route answers 403 and no file changes', async (t) => {
  const app = await buildTestApp(t);
  const { headers } = await signInAs(app, 'viewer');
  const dataDir = path.dirname(app.crier.mediaStore.dir);
  const snapshot = async () => {
    const files = (await readdir(dataDir, { recursive: true })).filter((f) => !f.includes('.sqlite3')).sort();
    return Promise.all(files.map(async (f) => [f, await readFile(path.join(dataDir, f)).catch(() => null)] as const));
  };
  const catalogueBefore = await readFile(path.join(dataDir, 'catalogue.json'));
  const usersBefore = json(await app.inject('/api/v1/users'));
  const filesBefore = await snapshot();

  const anyId = app.crier.catalogue.read().media[0]!.id;
  const changing = app.crier.routes.filter((r) => r.url.startsWith('/api/v1/') && isMutating(r.method));
  t.ok(changing.length >= 20, `${changing.length} changing routes`);
  let checked = 0;
  for (const r of changing) {
    const access = accessFor(r.method, r.url);
    if (access.kind !== 'permission') continue; // login, logout, own password
    const url = r.url.replace(/:[A-Za-z]+/g, anyId);
    const res = await injectRaw(app)({ method: r.method as 'POST', url, headers, payload: {} });
    t.equal(res.statusCode, 403, `viewer ${r.method} ${r.url}`);
    t.equal(json(res).reason, 'forbidden');
    const noCsrf = await injectRaw(app)({ method: r.method as 'POST', url, headers: { cookie: headers.cookie! }, payload: {} });
    t.equal(noCsrf.statusCode, 403, `no CSRF ${r.method} ${r.url}`);
    t.equal(json(noCsrf).reason, 'csrf-invalid');
    const anonymous = await injectRaw(app)({ method: r.method as 'POST', url, payload: {} });
    t.equal(anonymous.statusCode, 401, `anonymous ${r.method} ${r.url}`);
    checked++;
  }
  t.ok(checked >= 20, `${checked} routes checked`);
  t.same(await readFile(path.join(dataDir, 'catalogue.json')), catalogueBefore, 'catalogue file byte-identical');
  t.same(await snapshot(), filesBefore, 'no file under the data directory changed');
  t.same(json(await app.inject('/api/v1/users')), usersBefore, 'accounts unchanged');

  // Reads work for the viewer.
  for (const url of ['/api/v1/screens', '/api/v1/media', '/api/v1/playlists', '/api/v1/schedules', '/api/v1/alerts', '/api/v1/plays', '/api/v1/auth/me']) {
    t.equal((await injectRaw(app)({ url, headers })).statusCode, 200, `viewer GET ${url}`);
  }
  t.equal((await injectRaw(app)({ url: '/api/v1/users', headers })).statusCode, 403, 'but not the account list');
  t.same(json(await injectRaw(app)({ url: '/api/v1/auth/me', headers })).permissions, []);
});

t.test('roles: an editor edits content but not accounts; a route nobody listed is admin-only', async (t) => {
  const app = await buildTestApp(t);
  const { headers } = await signInAs(app, 'editor');
  const media = app.crier.catalogue.read().media[0]!;
  const pl = await injectRaw(app)({ method: 'POST', url: '/api/v1/playlists', headers, payload: { name: '编辑的', items: [{ mediaId: media.id, durationMs: 5000 }] } });
  t.equal(pl.statusCode, 201, pl.body);
  const user = await injectRaw(app)({ method: 'POST', url: '/api/v1/users', headers, payload: { username: 'sneaky', displayName: 'x', role: 'admin', password: 'sneaky-password' } });
  t.equal(user.statusCode, 403);
  t.same(accessFor('POST', '/api/v1/some-future-thing'), { kind: 'permission', permission: 'users:admin' });
  t.same(accessFor('GET', '/api/v1/some-future-thing'), { kind: 'signed-in' });
  t.same(accessFor('GET', '/ws/console'), { kind: 'signed-in' });
  t.same(accessFor('GET', '/ws/player'), { kind: 'public' });
  t.notOk(ROLE_PERMISSIONS.editor.includes('media:approve'));
  t.ok(ROLE_PERMISSIONS.approver.includes('media:approve'));
});

t.test('users: admin creates, changes, disables and deletes accounts; the last admin stays', async (t) => {
  const app = await buildTestApp(t);
  const create = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/users', payload });
  const res = await create({ username: 'wang.fang', displayName: '王芳', role: 'editor', township: '城关镇', password: 'initial-password-1' });
  t.equal(res.statusCode, 201, res.body);
  const user = json(res);
  t.match(user, { username: 'wang.fang', role: 'editor', township: '城关镇', mustChangePassword: true, disabled: false });
  const dup = await create({ username: 'WANG.FANG', displayName: 'x', role: 'viewer', password: 'initial-password-1' });
  t.equal(dup.statusCode, 409);
  t.equal(json(dup).reason, 'username-taken');
  t.equal((await create({ username: 'x y', displayName: 'x', role: 'viewer', password: 'initial-password-1' })).statusCode, 400);
  t.equal((await create({ username: 'bad-role', displayName: 'x', role: 'god', password: 'initial-password-1' })).statusCode, 400);

  const session = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'wang.fang', password: 'initial-password-1' } });
  t.equal(session.statusCode, 200);
  const cookie = `crier_session=${session.cookies.find((c) => c.name === 'crier_session')!.value}`;
  const disabled = await app.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { disabled: true } });
  t.equal(json(disabled).disabled, true);
  t.equal((await injectRaw(app)({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode, 401, 'disabling ends the session at once');
  t.equal((await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'wang.fang', password: 'initial-password-1' } })).statusCode, 401, 'and refuses login');

  const admins = json(await app.inject('/api/v1/users')).filter((u: { role: string }) => u.role === 'admin');
  t.equal(admins.length, 1);
  const demote = await app.inject({ method: 'PATCH', url: `/api/v1/users/${admins[0].id}`, payload: { role: 'viewer' } });
  t.equal(demote.statusCode, 422);
  t.equal(json(demote).reason, 'last-admin');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/users/${admins[0].id}` })).statusCode, 422, 'cannot delete yourself');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/users/${user.id}` })).statusCode, 204);
  t.equal((await app.inject(`/api/v1/users/${user.id}`)).statusCode, 404);
});
