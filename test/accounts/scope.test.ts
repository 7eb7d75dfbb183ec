// Township scope: a township's staff see and act on their own screens only, and aim rules only inside it.
import t, { type Test } from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { placeSite } from '../register.fixtures.js';
import { targetInside } from '../../server/auth/township-scope.js';
import { buildTestApp, injectRaw, signInAs } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);
const at = '2026-01-01T00:00:00.000Z';

async function twoTownships(t: Test) {
  const app = await buildTestApp(t);
  await app.crier.catalogue.update((draft) => {
    draft.screens.push(
      { id: 'scr-town', name: '城关镇商场', isProvisional: false, township: '城关镇', groups: ['商场'], createdAt: at },
      { id: 'scr-village', name: '河口乡广播', isProvisional: false, township: '河口乡', groups: ['村广播'], createdAt: at },
      { id: 'scr-new', name: '未认领', isProvisional: true, groups: [], createdAt: at },
    );
  });
  const editor = await signInAs(app, 'editor', '城关镇');
  const as = (method: string, url: string, payload?: unknown) =>
    injectRaw(app)({ method: method as 'GET', url, headers: editor.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { app, editor, as };
}

t.test('a township editor sees only their screens and cannot touch another township\'s', async (t) => {
  const { app, as } = await twoTownships(t);
  const list = json(await as('GET', '/api/v1/screens'));
  t.same(list.map((s: { id: string }) => s.id), ['scr-town'], 'only 城关镇 in the list (not the other township, not unclaimed screens)');
  t.equal((await as('GET', '/api/v1/screens/scr-town')).statusCode, 200);
  const hekouSite = await placeSite(app, '河口乡', '河口村委会', '社区/村', '河口村');
  const before = JSON.stringify(app.crier.catalogue.read());
  for (const [method, url, payload] of [
    ['GET', '/api/v1/screens/scr-village'],
    ['GET', '/api/v1/screens/scr-village/timeline'],
    ['GET', '/api/v1/screens/scr-village/manifest'],
    ['PATCH', '/api/v1/screens/scr-village', { name: '改名' }],
    ['POST', '/api/v1/screens/scr-village/commands', { command: 'identify' }],
    ['PATCH', '/api/v1/screens/scr-town', { siteId: hekouSite }],
    ['GET', '/api/v1/plays?screenId=scr-village'],
  ] as const) {
    const res = await as(method, url, payload);
    t.equal(res.statusCode, 403, `${method} ${url}`);
    t.equal(json(res).reason, 'out-of-scope');
    t.match(json(res).message, /城关镇/);
  }
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'nothing changed');
  const renamed = await as('PATCH', '/api/v1/screens/scr-town', { name: '城关镇商场东门' });
  t.equal(renamed.statusCode, 200, 'their own screen they may edit');
  t.equal((await as('POST', '/api/v1/screens/scr-town/commands', { command: 'identify' })).statusCode, 202);
  t.equal((await as('GET', '/api/v1/screens/scr-town/timeline')).statusCode, 200);

  // Play records: only their screens', with a total that counts only those.
  const record = (id: string, startedAt: string): PlayRecord => ({
    id, itemId: 'i', mediaId: 'm', hash: 'a'.repeat(64), manifestVersion: 'v', startedAt, endedAt: new Date(Date.parse(startedAt) + 5000).toISOString(), completed: true,
  });
  await app.crier.airingLog.recordPlays('scr-town', false, [record('p1', '2026-01-10T00:00:00.000Z'), record('p2', '2026-01-10T01:00:00.000Z')]);
  await app.crier.airingLog.recordPlays('scr-village', false, [record('p3', '2026-01-10T02:00:00.000Z')]);
  const plays = json(await as('GET', '/api/v1/plays'));
  t.equal(plays.total, 2);
  t.same(plays.records.map((r: { id: string }) => r.id), ['p2', 'p1']);
  t.equal(json(await app.inject('/api/v1/plays')).total, 3, 'the county admin sees all');
  t.equal(json(await app.inject('/api/v1/screens')).length, 3);
});

t.test('a township editor aims rules only inside the township, and cannot change county rules', async (t) => {
  const { app, as } = await twoTownships(t);
  const mediaId = app.crier.catalogue.read().media[0]!.id;
  const pl = json(await as('POST', '/api/v1/playlists', { name: '城关镇专题', items: [{ mediaId, durationMs: 5000 }] }));
  t.ok(pl.id, 'content (playlists, media) is shared and may be made');
  const schedule = (target: object, priority = 2) => ({ playlistId: pl.id, target, priority });
  const okTargets = [{ kind: 'townships', townships: ['城关镇'] }, { kind: 'screens', screenIds: ['scr-town'] }];
  const badTargets = [
    { kind: 'townships', townships: ['河口乡'] },
    { kind: 'townships', townships: ['城关镇', '河口乡'] },
    { kind: 'screens', screenIds: ['scr-town', 'scr-village'] },
    { kind: 'all' },
    { kind: 'groups', groups: ['商场'] },
  ];
  const countBefore = app.crier.catalogue.read().schedules.length;
  for (const target of badTargets) {
    const res = await as('POST', '/api/v1/schedules', schedule(target));
    t.equal(res.statusCode, 403, JSON.stringify(target));
    t.equal(json(res).reason, 'out-of-scope');
  }
  const alert = await as('POST', '/api/v1/alerts', { title: '全县预警', playlistId: pl.id, target: { kind: 'all' } });
  t.equal(alert.statusCode, 403, 'a county-wide alert');
  const broadcast = await as('POST', '/api/v1/broadcasts', { name: '全县广播', playlistId: pl.id, target: { kind: 'townships', townships: ['河口乡'] }, times: ['07:00'] });
  t.equal(broadcast.statusCode, 403);
  t.equal(app.crier.catalogue.read().schedules.length, countBefore, 'no schedule made');
  for (const [i, target] of okTargets.entries()) {
    // Distinct priorities: two rules of equal priority on the same screen would conflict.
    const res = await as('POST', '/api/v1/schedules', schedule(target, 2 + i));
    t.equal(res.statusCode, 201, `${JSON.stringify(target)} ${res.body}`);
  }
  const ownAlert = await as('POST', '/api/v1/alerts', { title: '本镇预警', playlistId: pl.id, target: { kind: 'townships', townships: ['城关镇'] } });
  t.equal(ownAlert.statusCode, 201, ownAlert.body);
  t.equal((await as('POST', `/api/v1/alerts/${json(ownAlert).id}/clear`)).statusCode, 200);

  // Volume schedules (audio stations) follow the same rule.
  const volume = (target: object) => ({ name: '夜间音量', target, levels: [{ from: '22:00', to: '24:00', volume: 30 }] });
  const countyVolume = await as('POST', '/api/v1/volume-schedules', volume({ kind: 'all' }));
  t.equal(countyVolume.statusCode, 403, 'a county-wide volume schedule');
  t.equal(json(countyVolume).reason, 'out-of-scope');
  const ownVolume = await as('POST', '/api/v1/volume-schedules', volume({ kind: 'townships', townships: ['城关镇'] }));
  t.equal(ownVolume.statusCode, 201, ownVolume.body);

  // The county's own rule stays the county's.
  const county = json(await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: schedule({ kind: 'all' }, 6) }));
  t.equal((await as('PUT', `/api/v1/schedules/${county.id}`, schedule({ kind: 'townships', townships: ['城关镇'] }, 6))).statusCode, 403, 'cannot narrow a county rule');
  t.equal((await as('DELETE', `/api/v1/schedules/${county.id}`)).statusCode, 403, 'cannot delete it');
  t.ok(app.crier.catalogue.read().schedules.some((s) => s.id === county.id && s.target.kind === 'all'));
});

t.test('a township viewer sees their screens only; county staff (no township) see all', async (t) => {
  const { app } = await twoTownships(t);
  const viewer = await signInAs(app, 'viewer', '河口乡');
  t.same(json(await injectRaw(app)({ url: '/api/v1/screens', headers: viewer.headers })).map((s: { id: string }) => s.id), ['scr-village']);
  const countyEditor = await signInAs(app, 'editor');
  t.equal(json(await injectRaw(app)({ url: '/api/v1/screens', headers: countyEditor.headers })).length, 3);
  t.same(json(await injectRaw(app)({ url: '/api/v1/auth/me', headers: viewer.headers })).user.township, '河口乡');
});

t.test('targetInside: only the own township or its own screens', async (t) => {
  const screens = [{ id: 'a', township: 'X' }, { id: 'b', township: 'Y' }, { id: 'c' }];
  t.ok(targetInside({ kind: 'townships', townships: ['X'] }, 'X', screens));
  t.ok(targetInside({ kind: 'screens', screenIds: ['a'] }, 'X', screens));
  t.notOk(targetInside({ kind: 'screens', screenIds: ['a', 'c'] }, 'X', screens), 'an unclaimed screen is outside');
  t.notOk(targetInside({ kind: 'screens', screenIds: ['zzz'] }, 'X', screens), 'an unknown screen is outside');
  t.notOk(targetInside({ kind: 'siteTypes', siteTypes: ['mall'] }, 'X', screens));
});
