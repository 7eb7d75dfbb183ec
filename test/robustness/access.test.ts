// Routes × identities × CSRF (issue 13): every route fastify serves, asked by an anonymous client, a
// forged session, a paired player's device token, a viewer, the police role, a county editor, a
// township editor and the admin, each with and without the CSRF token. Whoever the permission table
// refuses gets 401/403 and changes nothing; whoever it lets in is not refused. The route list comes from
// the app (driver.appRoutes), so a route added tomorrow is walked without editing this file.
import t from 'tap';
import WebSocket from 'ws';
import { accessFor, can, isMutating, type Role } from '../../server/auth/permissions.js';
import { adminHeaders, helloPlayer, injectRaw, signInAs, startTestServer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';
import { appRoutes, figure, fillParams, stateOf } from './driver.js';

interface Identity {
  name: string;
  /** Headers with the CSRF token; `withoutCsrf` drops it. */
  headers: Record<string, string>;
  role: Role | null;
  township: string | null;
}

const OTHER_SCREEN = 'scr-other-township';
const SCREEN_ROUTE = /^\/api\/v1\/screens\/:id(\/|$)/;
const paramFor = (url: string) => (name: string) =>
  name === 'format' ? 'csv' : name === 'week' ? '2026-W01' : name === 'id' && SCREEN_ROUTE.test(url) ? OTHER_SCREEN : name === '*' ? 'no-such-file' : 'no-such-id';

t.test('no identity reaches a route the permission table closes to it, with or without CSRF', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const at = new Date().toISOString();
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: OTHER_SCREEN, name: '河口乡广播', isProvisional: false, township: '河口乡', groups: [], createdAt: at });
  });
  // A paired player's device token, got through the real pairing path.
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const siteId = await placeSite(app, '城关镇');
  const claim = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: '城关镇屏', siteId } });
  t.equal(claim.statusCode, 200, claim.body);
  const { token } = await player.next('paired');

  const staff = async (role: Role, township: string | null = null): Promise<Identity> => ({
    name: township ? `${role}@${township}` : role,
    headers: (await signInAs(app, role, township)).headers,
    role,
    township,
  });
  const identities: Identity[] = [
    { name: 'anonymous', headers: {}, role: null, township: null },
    { name: 'forged session', headers: { cookie: 'crier_session=forged-session-value-0123456789abcdef', 'x-csrf-token': 'forged' }, role: null, township: null },
    { name: 'player token (bearer)', headers: { authorization: `Bearer ${token}` }, role: null, township: null },
    { name: 'player token (cookie)', headers: { cookie: `crier_session=${token}` }, role: null, township: null },
    await staff('viewer'),
    await staff('police'),
    await staff('editor'),
    await staff('editor', '城关镇'),
    { name: 'admin', headers: await adminHeaders(app), role: 'admin', township: null },
  ];

  // The console socket: a session and a same-site page only (before the walk signs everyone out).
  const wsConsole = wsUrl.replace('/ws/player', '/ws/console');
  const opens = (headers: Record<string, string>) =>
    new Promise<number | 'open'>((resolve) => {
      const socket = new WebSocket(wsConsole, { headers });
      socket.once('open', () => (socket.close(), resolve('open')));
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('error', () => resolve(0));
    });
  t.equal(await opens({}), 401, 'anonymous: no console socket');
  t.equal(await opens({ cookie: `crier_session=${token}` }), 401, 'a player token is no session');
  const viewer = identities[4]!;
  t.equal(await opens({ cookie: viewer.headers.cookie! }), 'open', 'a viewer may watch');
  t.equal(await opens({ cookie: viewer.headers.cookie!, origin: 'http://evil.example' }), 403, 'not from another site\'s page');

  const routes = (await appRoutes(app))
    // Signing out ends the session the rest of the walk uses: last.
    .sort((a, b) => Number(a.url === '/api/v1/auth/logout') - Number(b.url === '/api/v1/auth/logout'));
  let cases = 0;
  const began = Date.now();
  const failures: string[] = [];
  for (const route of routes) {
    const access = accessFor(route.method, route.url);
    const url = fillParams(route.url, paramFor(route.url));
    const mutating = isMutating(route.method);
    for (const who of identities) {
      for (const withCsrf of mutating ? [false, true] : [true]) {
        const headers = { ...who.headers };
        if (!withCsrf) delete headers['x-csrf-token'];
        const before = await stateOf(app);
        const res = await injectRaw(app)({ method: route.method as 'GET', url, headers, ...(mutating ? { payload: {} } : {}) });
        cases++;
        const reason = res.headers['content-type']?.includes('json') ? (JSON.parse(res.body) as { reason?: string }).reason : undefined;
        const label = `${who.name}${withCsrf ? '' : ' without CSRF'}: ${route.method} ${route.url} → ${res.statusCode} ${reason ?? ''}`;
        const refused = res.statusCode === 401 || res.statusCode === 403;
        let expected: 'refused' | 'allowed' | 'any';
        if (route.url === '/metrics') expected = who.role === 'admin' ? 'allowed' : 'refused';
        else if (access.kind === 'public') expected = 'any';
        else if (!who.role) expected = 'refused';
        else if (mutating && !withCsrf) expected = 'refused';
        else if (access.kind === 'permission' && !can(who.role, access.permission)) expected = 'refused';
        else expected = 'allowed';

        if (res.statusCode >= 500 && res.statusCode !== 503 && res.statusCode !== 507) failures.push(`server error: ${label}`);
        if (expected === 'refused') {
          if (!refused) failures.push(`not refused: ${label}`);
          else if (!who.role && res.statusCode !== 401) failures.push(`expected 401: ${label}`);
          if ((await stateOf(app)) !== before) failures.push(`a refused request changed the stores: ${label}`);
        } else if (expected === 'allowed' && refused) {
          // A township's staff are kept to their township: another township's screen is out of scope.
          const scoped = who.township !== null && SCREEN_ROUTE.test(route.url) && reason === 'out-of-scope';
          if (!scoped) failures.push(`refused although allowed: ${label}`);
        } else if (expected === 'allowed' && who.township && SCREEN_ROUTE.test(route.url) && res.statusCode < 300) {
          failures.push(`another township's screen reached: ${label}`);
        } else if (access.kind === 'public' && res.statusCode === 401 && route.url !== '/api/v1/auth/login') {
          failures.push(`a public route asked for a session: ${label}`);
        }
      }
    }
  }
  t.same(failures, [], 'no access violation');
  t.ok(routes.length >= 80, `${routes.length} routes`);
  figure(t, `routes × identities × CSRF: ${routes.length} routes × ${identities.length} identities, ${cases} requests in ${((Date.now() - began) / 1000).toFixed(1)} s, ${failures.length} violations`);

});
