// Volume schedules through the API and the player socket: CRUD like the other rules, refusals with a
// reason that change nothing, manifests republished with the new volume segments, the volume command
// validated and delivered, and the volume a player reports shown in the screen's status.
import t from 'tap';
import type { Manifest } from '../../playlists/manifest.schema.js';
import type { Clock } from '../../server/clock.js';
import { buildTestApp, helloPlayer, injectRaw, signInAs, sleep, startTestServer } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);
const clockAt = (iso: string): Clock => {
  const offset = Date.parse(iso) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
};

async function withScreens(app: Awaited<ReturnType<typeof buildTestApp>>) {
  await app.crier.catalogue.update((d) => {
    d.screens.push(
      { id: 'scr-mall', name: '万达广场', isProvisional: false, township: '城关镇', siteType: 'mall', groups: ['商场'], createdAt: '2026-01-01T00:00:00Z' },
      { id: 'scr-village', name: '河口村', isProvisional: false, township: '河口乡', siteType: 'loudspeaker', groups: ['村广播'], createdAt: '2026-01-01T00:00:00Z' },
    );
  });
}

const night = { name: '夜间小声', target: { kind: 'townships', townships: ['河口乡'] }, levels: [{ from: '21:00', to: '06:30', volume: 20 }, { from: '12:00', to: '14:00', volume: 40 }], defaultVolume: 80 };

t.test('volume schedules: create, list, get, replace, delete', async (t) => {
  const app = await buildTestApp(t);
  await withScreens(app);
  const created = await app.inject({ method: 'POST', url: '/api/v1/volume-schedules', payload: night });
  t.equal(created.statusCode, 201, created.body);
  const rule = json(created);
  t.match(rule, { id: /^vol-/, name: '夜间小声', levels: night.levels, defaultVolume: 80, createdAt: String });
  t.same(json(await app.inject('/api/v1/volume-schedules')).map((r: { id: string }) => r.id), [rule.id]);
  t.equal(json(await app.inject(`/api/v1/volume-schedules/${rule.id}`)).name, '夜间小声');
  const replaced = await app.inject({ method: 'PUT', url: `/api/v1/volume-schedules/${rule.id}`, payload: { ...night, weekdays: [1, 2, 3, 4, 5], levels: [{ from: '00:00', to: '24:00', volume: 55 }] } });
  t.equal(replaced.statusCode, 200, replaced.body);
  t.match(json(replaced), { id: rule.id, createdAt: rule.createdAt, updatedAt: String, weekdays: [1, 2, 3, 4, 5] });
  t.equal(app.crier.catalogue.read().volumeSchedules[0]!.levels[0]!.volume, 55, 'stored');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/volume-schedules/${rule.id}` })).statusCode, 204);
  t.equal((await app.inject(`/api/v1/volume-schedules/${rule.id}`)).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/volume-schedules/${rule.id}` })).statusCode, 404);
});

t.test('bad volume schedules are refused with a reason and a bilingual message, and nothing changes', async (t) => {
  const app = await buildTestApp(t);
  await withScreens(app);
  const existing = json(await app.inject({ method: 'POST', url: '/api/v1/volume-schedules', payload: night }));
  const before = JSON.stringify(app.crier.catalogue.read());
  const cases: [string, object, number, string][] = [
    ['unknown township', { ...night, target: { kind: 'townships', townships: ['火星乡'] } }, 422, 'unknown-target'],
    ['unknown screen', { ...night, target: { kind: 'screens', screenIds: ['ghost'] } }, 422, 'unknown-target'],
    ['overlapping levels', { ...night, levels: [{ from: '07:00', to: '09:00', volume: 50 }, { from: '08:30', to: '10:00', volume: 60 }] }, 422, 'volume-levels-overlap'],
    ['a wrapped level overlapping the morning', { ...night, levels: [{ from: '22:00', to: '06:00', volume: 10 }, { from: '05:00', to: '07:00', volume: 60 }] }, 422, 'volume-levels-overlap'],
    ['an empty level', { ...night, levels: [{ from: '08:00', to: '08:00', volume: 50 }] }, 422, 'empty-level'],
    ['a time that does not exist', { ...night, levels: [{ from: '25:00', to: '26:00', volume: 50 }] }, 400, 'invalid-request'],
    ['a time without its leading zero', { ...night, levels: [{ from: '7:00', to: '09:00', volume: 50 }] }, 400, 'invalid-request'],
    ['a level starting at 24:00', { ...night, levels: [{ from: '24:00', to: '06:00', volume: 50 }] }, 400, 'invalid-request'],
    ['volume above 100', { ...night, levels: [{ from: '07:00', to: '09:00', volume: 101 }] }, 400, 'invalid-request'],
    ['negative default', { ...night, defaultVolume: -1 }, 400, 'invalid-request'],
    ['no levels', { ...night, levels: [] }, 400, 'invalid-request'],
    ['weekday 8', { ...night, weekdays: [8] }, 400, 'invalid-request'],
  ];
  for (const [what, payload, status, reason] of cases) {
    for (const [method, url] of [['POST', '/api/v1/volume-schedules'], ['PUT', `/api/v1/volume-schedules/${existing.id}`]] as const) {
      const res = await app.inject({ method, url, payload });
      t.equal(res.statusCode, status, `${method} ${what}`);
      t.equal(json(res).reason, reason, what);
      t.match(json(res).message, /[\u4e00-\u9fff].* \/ [A-Za-z]/, 'Chinese, then English');
    }
  }
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'the catalogue is unchanged');
  const overlap = json(await app.inject({ method: 'POST', url: '/api/v1/volume-schedules', payload: cases[2]![1] }));
  t.match(overlap.message, /08:30–10:00.*07:00–09:00/, 'the message names both levels');
});

t.test('a change reaches the players it concerns within a second, with the new volume segments; others get nothing', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {}, { clock: clockAt('2026-01-12T10:00:00+08:00') });
  await withScreens(app);
  const village = await helloPlayer(t, wsUrl, { screenId: 'scr-village', mode: 'audio', capabilities: ['audio'] });
  const mall = await helloPlayer(t, wsUrl, { screenId: 'scr-mall' });
  const first: Manifest = (await village.player.next('manifest')).manifest;
  await mall.player.next('manifest');
  t.same(first.timeline!.volumes!.map((v) => [v.volume, v.source.kind]), [[100, 'none']], 'no schedule: full volume over the whole window');

  const created = json(await app.inject({ method: 'POST', url: '/api/v1/volume-schedules', payload: night }));
  const pushed = (await village.player.next('manifest', 1000)).manifest;
  const volumes = pushed.timeline!.volumes!;
  t.equal(volumes[0]!.start, pushed.timeline!.from);
  t.equal(volumes.at(-1)!.end, pushed.timeline!.to);
  const at = (iso: string) => volumes.find((v) => Date.parse(v.start) <= Date.parse(iso) && Date.parse(iso) < Date.parse(v.end))!;
  t.match(at('2026-01-12T05:00:00+08:00'), { volume: 20, source: { kind: 'level', id: created.id } }, 'the wrapped night level');
  t.match(at('2026-01-12T10:00:00+08:00'), { volume: 80, source: { kind: 'default', id: created.id } });
  t.match(at('2026-01-12T13:00:00+08:00'), { volume: 40, source: { kind: 'level' } });
  t.equal(Date.parse(at('2026-01-12T13:00:00+08:00').end), Date.parse('2026-01-12T14:00:00+08:00'));
  await sleep(300);
  t.equal(mall.player.received.filter((m) => m.type === 'manifest').length, 1, 'the mall is in another township: no new manifest');

  // Quiet hours still win.
  await app.inject({ method: 'POST', url: '/api/v1/quiet-hours', payload: { name: '午休', target: { kind: 'all' }, windows: [{ start: '12:30', end: '13:30' }] } });
  const quiet = (await village.player.next('manifest', 1000)).manifest.timeline!.volumes!;
  t.match(quiet.find((v) => v.start === new Date(Date.parse('2026-01-12T12:30:00+08:00')).toISOString()), { volume: 0, source: { kind: 'quiet' } });
});

t.test('the volume command: validated, delivered with its level; the volume a player reports shows in its status', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl, { mode: 'audio', capabilities: ['audio'] });
  const url = `/api/v1/screens/${welcome.screenId}/commands`;
  for (const payload of [{ command: 'volume' }, { command: 'volume', volume: 101 }, { command: 'volume', volume: 33.5 }, { command: 'volume', volume: '50' }]) {
    const res = await app.inject({ method: 'POST', url, payload });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.equal(json(res).reason, 'invalid-request');
  }
  t.equal(player.received.filter((m) => m.type === 'command').length, 0, 'nothing sent for a refused command');
  const res = await app.inject({ method: 'POST', url, payload: { command: 'volume', volume: 35 } });
  t.equal(res.statusCode, 202);
  t.equal(json(res).delivered, 1);
  t.match(await player.next('command'), { command: 'volume', volume: 35, id: json(res).commandId });

  t.equal(json(await app.inject(`/api/v1/screens/${welcome.screenId}`)).status.volume ?? null, null, 'nothing reported yet');
  const volume = { volume: 35, source: 'command', until: '2026-01-12T14:00:00.000Z' };
  player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1000, volume });
  await player.next('heartbeat-ack');
  t.same(json(await app.inject(`/api/v1/screens/${welcome.screenId}`)).status.volume, volume);
  // A heartbeat from an older player (no volume) is still accepted.
  player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 2000 });
  await player.next('heartbeat-ack');
});

t.test('who may: an editor writes volume schedules and sends the volume command; a viewer reads only, and nothing changes', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  await withScreens(app);
  const { welcome } = await helloPlayer(t, wsUrl);
  const editor = (await signInAs(app, 'editor')).headers;
  const viewer = (await signInAs(app, 'viewer')).headers;
  const as = (headers: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: object) => injectRaw(app)({ method, url, headers, ...(payload ? { payload } : {}) });
  const created = await as(editor, 'POST', '/api/v1/volume-schedules', night);
  t.equal(created.statusCode, 201, 'editor creates');
  const before = JSON.stringify(app.crier.catalogue.read());
  const refused = await as(viewer, 'POST', '/api/v1/volume-schedules', night);
  t.equal(refused.statusCode, 403);
  t.equal(json(refused).reason, 'forbidden');
  t.equal((await as(viewer, 'GET', '/api/v1/volume-schedules')).statusCode, 200, 'viewer reads');
  t.equal((await as(viewer, 'POST', `/api/v1/screens/${welcome.screenId}/commands`, { command: 'volume', volume: 10 })).statusCode, 403, 'viewer may not set the volume');
  t.equal((await as(editor, 'POST', `/api/v1/screens/${welcome.screenId}/commands`, { command: 'volume', volume: 10 })).statusCode, 202, 'editor may');
  t.equal((await injectRaw(app)({ method: 'POST', url: '/api/v1/volume-schedules', payload: night })).statusCode, 401, 'no session');
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'refusals changed nothing');
});

t.test('township-scoped staff set the volume of their own township only (403 out-of-scope otherwise, nothing changes)', async (t) => {
  const app = await buildTestApp(t);
  await withScreens(app);
  const countyWide = json(await app.inject({ method: 'POST', url: '/api/v1/volume-schedules', payload: { ...night, target: { kind: 'all' } } }));
  const hekou = (await signInAs(app, 'editor', '河口乡')).headers;
  const as = (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => injectRaw(app)({ method, url, headers: hekou, ...(payload ? { payload } : {}) });
  const own = await as('POST', '/api/v1/volume-schedules', { ...night, target: { kind: 'townships', townships: ['河口乡'] } });
  t.equal(own.statusCode, 201, 'their township');
  t.equal((await as('POST', '/api/v1/volume-schedules', { ...night, target: { kind: 'screens', screenIds: ['scr-village'] } })).statusCode, 201, 'a screen of their township');
  const before = JSON.stringify(app.crier.catalogue.read());
  for (const target of [{ kind: 'all' }, { kind: 'townships', townships: ['城关镇'] }, { kind: 'townships', townships: ['河口乡', '城关镇'] }, { kind: 'screens', screenIds: ['scr-village', 'scr-mall'] }, { kind: 'groups', groups: ['村广播'] }]) {
    const res = await as('POST', '/api/v1/volume-schedules', { ...night, target });
    t.equal(res.statusCode, 403, JSON.stringify(target));
    t.equal(json(res).reason, 'out-of-scope');
    t.match(json(res).message, /[\u4e00-\u9fff].* \/ [A-Za-z]/);
  }
  t.equal((await as('PUT', `/api/v1/volume-schedules/${json(own).id}`, { ...night, target: { kind: 'all' } })).statusCode, 403, 'may not widen their own');
  t.equal((await as('PUT', `/api/v1/volume-schedules/${countyWide.id}`, { ...night, target: { kind: 'townships', townships: ['河口乡'] } })).statusCode, 403, 'may not take over a county-wide one');
  t.equal((await as('DELETE', `/api/v1/volume-schedules/${countyWide.id}`)).statusCode, 403, 'may not delete a county-wide one');
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'refusals changed nothing');
  t.equal((await as('DELETE', `/api/v1/volume-schedules/${json(own).id}`)).statusCode, 204, 'may delete their own');
});
