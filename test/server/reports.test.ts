// Proof-of-airing reports read from the real SQLite airing log: local days in the configured zone,
// claimed screens only, online intervals from heartbeats, clear refusals of bad ranges.
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { buildTestApp, injectRaw, signInAs } from '../helper.js';

const at = '2026-01-01T00:00:00Z';
const play = (id: string, startedAt: string, seconds: number, completed = true): PlayRecord =>
  ({
    id,
    itemId: 'item-1',
    mediaId: 'media-1',
    hash: 'a'.repeat(64),
    manifestVersion: 'v1',
    startedAt,
    endedAt: new Date(Date.parse(startedAt) + seconds * 1000).toISOString(),
    completed,
  }) as PlayRecord;

t.test('plays per screen and local day, claimed screens only', async (t) => {
  const app = await buildTestApp(t, { timeZone: 'Asia/Shanghai' }, { clock: { now: () => new Date('2026-03-11T04:00:00Z') } });
  await app.crier.catalogue.update((draft) => {
    draft.screens.push(
      { id: 'scr-mall', name: '万达广场', isProvisional: false, township: '城关镇', groups: [], createdAt: at },
      { id: 'scr-village', name: '河口村', isProvisional: false, township: '河口乡', groups: [], createdAt: at },
      { id: 'scr-new', name: '未认领屏幕', isProvisional: true, groups: [], createdAt: at },
    );
  });
  const log = app.crier.airingLog;
  // 2026-03-09T15:59Z is 23:59 on the 9th in Shanghai; 16:00Z is 00:00 on the 10th.
  await log.recordPlays('scr-mall', false, [play('p1', '2026-03-09T15:59:00Z', 10), play('p2', '2026-03-09T16:00:00Z', 20), play('p3', '2026-03-10T03:00:00Z', 15, false)]);
  await log.recordPlays('scr-village', false, [play('p4', '2026-03-10T05:00:00Z', 30)]);
  await log.recordPlays('scr-new', true, [play('p5', '2026-03-10T05:00:00Z', 30)]);

  const res = await app.inject({ url: '/api/v1/reports/plays-per-day?from=2026-03-09&to=2026-03-10' });
  t.equal(res.statusCode, 200, res.body);
  const body = JSON.parse(res.body);
  t.same(body.days, ['2026-03-09', '2026-03-10']);
  t.same(body.screens.map((s: { id: string }) => s.id).sort(), ['scr-mall', 'scr-village'], 'the unclaimed screen is not in the report');
  const row = (screenId: string, day: string) => body.rows.find((r: { screenId: string; day: string }) => r.screenId === screenId && r.day === day);
  t.match(row('scr-mall', '2026-03-09'), { plays: 1, completed: 1, seconds: 10 }, '23:59 local counts on the 9th');
  t.match(row('scr-mall', '2026-03-10'), { plays: 2, completed: 1, seconds: 35 }, '00:00 local counts on the 10th');
  t.match(row('scr-village', '2026-03-10'), { plays: 1, seconds: 30 });
  t.same(body.totals, { plays: 4, completed: 3, seconds: 75 }, 'the unclaimed play is not counted');
  t.match(body.townships, [
    { township: '城关镇', screens: 1, screensAired: 1, plays: 3 },
    { township: '河口乡', screens: 1, screensAired: 1, plays: 1 },
  ]);

  const one = JSON.parse((await app.inject({ url: '/api/v1/reports/plays-per-day?from=2026-03-10&to=2026-03-10&screenId=scr-village' })).body);
  t.same(one.rows, [{ screenId: 'scr-village', day: '2026-03-10', plays: 1, completed: 1, seconds: 30 }]);

  const byDefault = JSON.parse((await app.inject({ url: '/api/v1/reports/plays-per-day' })).body);
  t.same([byDefault.from, byDefault.to], ['2026-03-05', '2026-03-11'], 'default: the last 7 local days up to today');
});

t.test('bad ranges and unknown or unclaimed screens are refused clearly', async (t) => {
  const app = await buildTestApp(t);
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-new', name: 'x', isProvisional: true, groups: [], createdAt: at });
  });
  const cases: [string, number, string][] = [
    ['/api/v1/reports/plays-per-day?from=2026-03-10&to=2026-03-01', 422, 'end-before-start'],
    ['/api/v1/reports/plays-per-day?from=2026-01-01&to=2026-12-31', 422, 'range-too-long'],
    ['/api/v1/reports/plays-per-day?from=2026-02-30', 400, 'invalid-request'],
    ['/api/v1/reports/plays-per-day?screenId=scr-new', 404, 'not-found'],
    ['/api/v1/reports/online-history?screenId=nope', 404, 'not-found'],
    ['/api/v1/reports/online-history?from=2026-03-10T00:00:00Z&to=2026-03-09T00:00:00Z', 422, 'end-before-start'],
  ];
  for (const [url, status, reason] of cases) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, status, url);
    const body = JSON.parse(res.body);
    t.equal(body.reason, reason, url);
    t.match(body.message, /[\u4e00-\u9fff].* \/ /, 'Chinese, then English');
  }
});

t.test('online history: heartbeats closer than the offline threshold form one interval', async (t) => {
  const app = await buildTestApp(t, { offlineAfterMs: 90_000 });
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-mall', name: '万达广场', isProvisional: false, township: '城关镇', groups: [], createdAt: at });
  });
  const base = Date.parse('2026-03-10T02:00:00Z');
  const beat = (offsetS: number) =>
    app.crier.airingLog.recordHeartbeat('scr-mall', { sentAt: new Date(base + offsetS * 1000).toISOString(), manifestVersion: 'v1', airing: null, uptimeMs: 1 } as never, new Date(base + offsetS * 1000));
  // Online 0–90 s (heartbeats every 30 s), silent 10 minutes, online again 690–720 s.
  for (const s of [0, 30, 60, 90, 690, 720]) beat(s);
  const res = await app.inject({ url: '/api/v1/reports/online-history?screenId=scr-mall&from=2026-03-10T01:00:00Z&to=2026-03-10T03:00:00Z' });
  t.equal(res.statusCode, 200, res.body);
  const body = JSON.parse(res.body);
  t.equal(body.gapMs, 90_000);
  t.same(body.screens, [
    {
      screenId: 'scr-mall',
      intervals: [
        { start: '2026-03-10T02:00:00.000Z', end: '2026-03-10T02:01:30.000Z' },
        { start: '2026-03-10T02:11:30.000Z', end: '2026-03-10T02:12:00.000Z' },
      ],
      onlineSeconds: 120,
    },
  ]);
});

t.test('township staff get reports of their township only', async (t) => {
  const app = await buildTestApp(t);
  await app.crier.catalogue.update((draft) => {
    draft.screens.push(
      { id: 'scr-mall', name: '万达广场', isProvisional: false, township: '城关镇', groups: [], createdAt: at },
      { id: 'scr-village', name: '河口村', isProvisional: false, township: '河口乡', groups: [], createdAt: at },
    );
  });
  const { headers } = await signInAs(app, 'viewer', '城关镇');
  const inject = injectRaw(app);
  const report = JSON.parse((await inject({ url: '/api/v1/reports/plays-per-day', headers })).body);
  t.same(report.screens.map((s: { id: string }) => s.id), ['scr-mall']);
  const history = JSON.parse((await inject({ url: '/api/v1/reports/online-history', headers })).body);
  t.same(history.screens.map((s: { screenId: string }) => s.screenId), ['scr-mall']);
  const other = await inject({ url: '/api/v1/reports/plays-per-day?screenId=scr-village', headers });
  t.not(other.statusCode, 200, 'another township’s screen is refused');
  t.ok(['out-of-scope', 'not-found'].includes(JSON.parse(other.body).reason), other.body);
  const county = JSON.parse((await app.inject({ url: '/api/v1/reports/plays-per-day' })).body);
  t.same(county.screens.map((s: { id: string }) => s.id).sort(), ['scr-mall', 'scr-village'], 'the county admin sees both');
  const anonymous = await inject({ url: '/api/v1/reports/plays-per-day' });
  t.equal(anonymous.statusCode, 401, 'and nobody signed out');
});
