// Scheduling through the API and the player socket, on a controllable clock: rules are validated
// (nothing changes on a refusal), alerts reach targeted players within a second and clear, broadcasts
// and dayparts sit in the manifest's timeline at the right second, and the previews say why.
import t from 'tap';
import { planSegmentAt } from '../../playlists/airing-plan.js';
import type { Manifest } from '../../playlists/manifest.schema.js';
import type { Clock } from '../../server/clock.js';
import { buildTestApp, helloPlayer, sleep, startTestServer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const json = (res: { body: string }) => JSON.parse(res.body);
/** Real time shifted to a chosen instant, running on from there. */
const clockAt = (iso: string): Clock & { set(iso: string): void } => {
  let offset = Date.parse(iso) - Date.now();
  return { now: () => new Date(Date.now() + offset), set: (at) => void (offset = Date.parse(at) - Date.now()) };
};
const sh = (local: string) => `${local}+08:00`;

async function withScreens(app: Awaited<ReturnType<typeof buildTestApp>>) {
  await app.crier.catalogue.update((d) => {
    d.screens.push(
      { id: 'scr-mall', name: '万达广场', isProvisional: false, township: '城关镇', siteType: 'mall', groups: ['商场'], createdAt: '2026-01-01T00:00:00Z' },
      { id: 'scr-village', name: '河口村', isProvisional: false, township: '河口乡', siteType: 'loudspeaker', groups: ['村广播'], createdAt: '2026-01-01T00:00:00Z' },
    );
  });
  const media = app.crier.catalogue.read().media;
  const slogans = media.filter((m) => m.kind === 'text');
  const make = async (name: string, mediaIds: string[], durationMs = 5000) =>
    json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name, items: mediaIds.map((mediaId) => ({ mediaId, durationMs })) } })).id as string;
  return {
    morning: await make('早间', [slogans[0]!.id, slogans[1]!.id]),
    urgent: await make('紧急预警', [slogans[2]!.id], 3000),
    bell: await make('整点广播', [slogans[3]!.id], 4000),
  };
}

t.test('bad rules are refused with a reason and a bilingual message, and nothing changes', async (t) => {
  const app = await buildTestApp(t);
  const pl = await withScreens(app);
  const before = JSON.stringify(app.crier.catalogue.read());
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
  const cases: [string, object, number, string][] = [
    ['/api/v1/schedules', { playlistId: pl.morning, target: { kind: 'all' }, startDate: '2026-02-01', endDate: '2026-01-31' }, 422, 'end-before-start'],
    ['/api/v1/schedules', { playlistId: pl.morning, target: { kind: 'all' }, windows: [{ start: '09:00', end: '07:00' }] }, 422, 'end-before-start'],
    ['/api/v1/schedules', { playlistId: pl.morning, target: { kind: 'all' }, windows: [{ start: '25:00', end: '26:00' }] }, 400, 'invalid-request'],
    ['/api/v1/schedules', { playlistId: pl.morning, target: { kind: 'all' }, startDate: '2026-02-30' }, 400, 'invalid-request'],
    ['/api/v1/schedules', { playlistId: pl.morning, target: { kind: 'groups', groups: ['学校'] } }, 422, 'unknown-target'],
    ['/api/v1/schedules', { playlistId: pl.morning, target: { kind: 'screens', screenIds: ['ghost'] } }, 422, 'unknown-target'],
    ['/api/v1/schedules', { playlistId: 'pl-nope', target: { kind: 'all' } }, 422, 'unknown-playlist'],
    ['/api/v1/broadcasts', { name: 'x', playlistId: pl.bell, target: { kind: 'all' }, times: ['7:00'] }, 400, 'invalid-request'],
    ['/api/v1/alerts', { title: 'x', playlistId: pl.urgent, target: { kind: 'all' }, startsAt: '2026-01-10T08:00:00+08:00', expiresAt: '2026-01-10T07:00:00+08:00' }, 422, 'end-before-start'],
    ['/api/v1/quiet-hours', { name: 'x', target: { kind: 'townships', townships: ['火星乡'] }, windows: [{ start: '22:00', end: '06:00' }] }, 422, 'unknown-target'],
  ];
  for (const [url, payload, status, reason] of cases) {
    const res = await post(url, payload);
    t.equal(res.statusCode, status, `${url} ${JSON.stringify(payload)}`);
    t.equal(json(res).reason, reason);
    t.match(json(res).message, /[\u4e00-\u9fff].* \/ [A-Za-z]/, 'Chinese, then English');
  }
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'the catalogue is unchanged');
});

t.test('equal-priority overlaps are refused; a different priority or a disjoint window is fine', async (t) => {
  const app = await buildTestApp(t);
  const pl = await withScreens(app);
  const post = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.morning, ...payload } });
  const first = await post({ target: { kind: 'groups', groups: ['商场'] }, priority: 5, weekdays: [1, 2, 3, 4, 5], windows: [{ start: '07:00', end: '09:00' }] });
  t.equal(first.statusCode, 201);
  const clash = await post({ target: { kind: 'townships', townships: ['城关镇'] }, priority: 5, windows: [{ start: '08:30', end: '10:00' }] });
  t.equal(clash.statusCode, 422);
  t.equal(json(clash).reason, 'schedule-conflict');
  t.match(json(clash).message, json(first).id);
  t.equal((await post({ target: { kind: 'townships', townships: ['城关镇'] }, priority: 6, windows: [{ start: '08:30', end: '10:00' }] })).statusCode, 201, 'higher priority: allowed, it wins');
  t.equal((await post({ target: { kind: 'groups', groups: ['商场'] }, priority: 5, windows: [{ start: '09:00', end: '10:00' }] })).statusCode, 201, 'touching windows do not overlap');
  t.equal((await post({ target: { kind: 'groups', groups: ['村广播'] }, priority: 5, windows: [{ start: '07:00', end: '09:00' }] })).statusCode, 201, 'other screens');
  t.equal((await post({ target: { kind: 'groups', groups: ['商场'] }, priority: 5, weekdays: [6, 7], windows: [{ start: '07:00', end: '09:00' }] })).statusCode, 201, 'other weekdays');
  const id = json(first).id;
  const put = await app.inject({ method: 'PUT', url: `/api/v1/schedules/${id}`, payload: { playlistId: pl.urgent, target: { kind: 'groups', groups: ['商场'] }, priority: 5, weekdays: [1, 2, 3, 4, 5], windows: [{ start: '07:00', end: '09:00' }] } });
  t.equal(put.statusCode, 200, 'an entry does not conflict with itself');
  t.equal(json(put).playlistId, pl.urgent);
  const bc = await app.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: { name: '整点', playlistId: pl.bell, target: { kind: 'all' }, times: ['07:00', '12:00'] } });
  t.equal(bc.statusCode, 201);
  const bcClash = await app.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: { name: '又一个', playlistId: pl.bell, target: { kind: 'siteTypes', siteTypes: ['mall'] }, times: ['12:00'] } });
  t.equal(json(bcClash).reason, 'broadcast-conflict');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/schedules/${id}` })).statusCode, 204);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/schedules/${id}` })).statusCode, 404);
});

t.test('an alert reaches targeted online players within a second, not others, and clears', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const pl = await withScreens(app);
  const mall = await helloPlayer(t, wsUrl, { screenId: 'scr-mall' });
  const village = await helloPlayer(t, wsUrl, { screenId: 'scr-village' });
  await mall.player.next('manifest');
  await village.player.next('manifest');
  const sentAt = Date.now();
  const created = await app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '新型刷单诈骗预警', playlistId: pl.urgent, target: { kind: 'townships', townships: ['城关镇'] }, durationMinutes: 30 } });
  t.equal(created.statusCode, 201);
  const pushed = (await mall.player.next('manifest', 1000)).manifest;
  t.ok(Date.now() - sentAt < 1000, `pushed in ${Date.now() - sentAt} ms`);
  const now = planSegmentAt(pushed, Date.now());
  t.equal(now.sourceKind, 'alert');
  t.match(pushed.reason, /^alert:/);
  t.equal(pushed.playlistId, pl.urgent, 'the current loop is the alert');
  t.equal(planSegmentAt(pushed, Date.now() + 31 * 60_000).sourceKind, 'default', 'and it expires in the timeline');
  await sleep(200);
  t.equal(village.player.received.filter((m) => m.type === 'manifest').length, 1, 'another township is not disturbed');
  t.same(json(await app.inject('/api/v1/alerts?active=true')).map((a: { id: string }) => a.id), [json(created).id]);

  const cleared = await app.inject({ method: 'POST', url: `/api/v1/alerts/${json(created).id}/clear` });
  t.equal(cleared.statusCode, 200);
  t.ok(json(cleared).clearedAt);
  const after = (await mall.player.next('manifest', 1000)).manifest;
  t.equal(planSegmentAt(after, Date.now()).sourceKind, 'default', 'back to what aired before');
  t.same(json(await app.inject('/api/v1/alerts?active=true')), []);
});

t.test('dayparts and a 07:00 broadcast sit in the manifest at the right second; the version holds until midnight', async (t) => {
  const clock = clockAt(sh('2026-01-12T06:59:58'));
  const { app, wsUrl } = await startTestServer(t, {}, { clock });
  const pl = await withScreens(app);
  const mall = await helloPlayer(t, wsUrl, { screenId: 'scr-mall' });
  const first = (await mall.player.next('manifest')).manifest;
  const daypart = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.morning, target: { kind: 'groups', groups: ['商场'] }, priority: 1, windows: [{ start: '07:00', end: '09:00' }] } });
  const bc = await app.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: { name: '整点广播', playlistId: pl.bell, target: { kind: 'all' }, times: ['07:00', '12:00', '18:00'] } });
  let manifest: Manifest = (await mall.player.next('manifest', 1000)).manifest;
  if (mall.player.received.filter((m) => m.type === 'manifest').length < 3) manifest = (await mall.player.next('manifest', 1000)).manifest;
  t.not(manifest.version, first.version);
  const at = (local: string) => planSegmentAt(manifest, Date.parse(sh(local)));
  t.equal(at('2026-01-12T06:59:59.999').sourceKind, 'default');
  t.equal(at('2026-01-12T07:00:00.000').key.startsWith(`broadcast:${json(bc).id}@`), true, 'the broadcast starts at 07:00:00.000');
  t.equal(at('2026-01-12T07:00:03.999').sourceKind, 'broadcast');
  t.equal(at('2026-01-12T07:00:04.000').key, `schedule:${json(daypart).id}`, 'then the morning daypart');
  t.equal(at('2026-01-12T09:00:00.000').sourceKind, 'default', 'until 09:00');
  t.equal(at('2026-01-19T12:00:00.000').sourceKind, 'broadcast', 'a week ahead is in the manifest');

  // At 07:00 nothing is pushed: the player switches by itself, the version is the same.
  await sleep(2200);
  t.equal(app.crier.publisher.manifestFor('scr-mall')!.version, manifest.version, 'same version after 07:00');
  t.equal(app.crier.publisher.manifestFor('scr-mall')!.reason.startsWith('broadcast:'), true, 'the preview says a broadcast airs now');

  // Midnight: the window slides a day; node-schedule republishes and the player gets the new week.
  const pushesBefore = mall.player.received.filter((m) => m.type === 'manifest').length;
  clock.set(sh('2026-01-12T23:59:59.400'));
  app.crier.boundaries.plan();
  t.equal(app.crier.boundaries.next?.at.toISOString(), new Date(sh('2026-01-13T00:00:00')).toISOString());
  const rolled = (await mall.player.next('manifest', 2000)).manifest;
  t.equal(mall.player.received.filter((m) => m.type === 'manifest').length, pushesBefore + 1);
  t.equal(rolled.timeline!.from, new Date(sh('2026-01-13T00:00:00')).toISOString(), 'the new window starts at the new day');
});

t.test('the timeline preview says what airs and why', async (t) => {
  const clock = clockAt(sh('2026-01-12T06:00:00'));
  const app = await buildTestApp(t, {}, { clock });
  const pl = await withScreens(app);
  await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.morning, target: { kind: 'groups', groups: ['商场'] }, priority: 2, windows: [{ start: '07:00', end: '09:00' }] } });
  await app.inject({ method: 'POST', url: '/api/v1/quiet-hours', payload: { name: '夜间静音', target: { kind: 'siteTypes', siteTypes: ['loudspeaker'] }, windows: [{ start: '22:00', end: '06:00' }] } });
  const res = await app.inject(`/api/v1/screens/scr-mall/timeline?from=${encodeURIComponent(sh('2026-01-12T06:00:00'))}&to=${encodeURIComponent(sh('2026-01-12T10:00:00'))}`);
  t.equal(res.statusCode, 200);
  const body = json(res);
  t.equal(body.timeZone, 'Asia/Shanghai');
  t.same(body.segments.map((s: { startLocal: string; source: { kind: string } }) => [s.startLocal, s.source.kind]), [
    ['2026-01-12T06:00:00+08:00', 'default'],
    ['2026-01-12T07:00:00+08:00', 'schedule'],
    ['2026-01-12T09:00:00+08:00', 'default'],
  ]);
  t.match(body.segments[1].reason, /^schedule:sch-\w+ \(priority 2\) over default-campaign$/);
  t.ok(body.segments[1].items.length === 2);
  const village = json(await app.inject('/api/v1/screens/scr-village/timeline'));
  t.same(village.segments.map((s: { isQuiet: boolean; startLocal: string }) => [s.startLocal.slice(11, 16), s.isQuiet]), [['06:00', false], ['22:00', true], ['06:00', false]], 'the village is quiet from 22:00 to 06:00');
  t.equal((await app.inject(`/api/v1/screens/scr-mall/timeline?from=${encodeURIComponent(sh('2026-01-12T10:00:00'))}&to=${encodeURIComponent(sh('2026-01-12T09:00:00'))}`)).statusCode, 422);
  t.equal((await app.inject('/api/v1/screens/nope/timeline')).statusCode, 404);
  const spec = json(await app.inject('/docs/json'));
  for (const path of ['/api/v1/schedules/{id}', '/api/v1/broadcasts', '/api/v1/alerts/{id}/clear', '/api/v1/quiet-hours', '/api/v1/screens/{id}/timeline']) t.ok(spec.paths[path], `OpenAPI has ${path}`);
});

t.test('staff set a screen\'s groups and zone; its rules and manifest follow', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const pl = await withScreens(app);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const first = (await player.next('manifest')).manifest;
  const refused = await app.inject({ method: 'PATCH', url: `/api/v1/screens/${welcome.screenId}`, payload: { timeZone: 'Asia/Beijing' } });
  t.equal(refused.statusCode, 422);
  t.equal(JSON.parse(refused.body).reason, 'unknown-time-zone');
  const patched = await app.inject({ method: 'PATCH', url: `/api/v1/screens/${welcome.screenId}`, payload: { groups: ['学校'], siteId: await placeSite(app, '城关镇', '第一中学', '学校'), timeZone: 'Asia/Urumqi' } });
  t.equal(patched.statusCode, 200);
  t.same(JSON.parse(patched.body).groups, ['学校']);
  const moved = (await player.next('manifest', 1000)).manifest;
  t.equal(moved.timeline!.timeZone, 'Asia/Urumqi', 'the manifest is in the screen\'s zone now');
  t.not(moved.version, first.version);
  const sch = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.morning, target: { kind: 'groups', groups: ['学校'] }, priority: 1 } });
  t.equal(sch.statusCode, 201, 'the group is known now');
  t.equal((await player.next('manifest', 1000)).manifest.playlistId, pl.morning);
});
