// Campaign reports on a hand-made week (test/reports/fixtures.ts): every number below was counted by
// hand from the fixture's plays, then compared with what the API answers.
import t from 'tap';
import { buildTestApp, injectRaw, signInAs } from '../helper.js';
import { addTaggedMedia, addTownships, recordHandMadeWeek } from './fixtures.js';

// Monday 2027-01-18 10:00 in Shanghai: the week 2027-W02 is over.
const clock = { now: () => new Date('2027-01-18T02:00:00Z') };
const WEEK = 'from=2027-01-11&to=2027-01-17';

async function handMadeApp(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t, { timeZone: 'Asia/Shanghai' }, { clock });
  await addTownships(app);
  await addTaggedMedia(app);
  await recordHandMadeWeek(app);
  return app;
}

t.test('coverage: villages covered, devices online and working, the uncovered named, the milestone', async (t) => {
  const app = await handMadeApp(t);
  const res = await app.inject({ url: `/api/v1/reports/coverage?${WEEK}&minMinutes=30` });
  t.equal(res.statusCode, 200, res.body);
  const r = JSON.parse(res.body);
  t.equal(r.days, 7);
  t.match(r.townships, [
    { name: '城关镇', villages: 2, villagesCovered: 1, coverage: 0.5, screens: 2, stations: 1, online: 3, working: 1 },
    { name: '河口乡', villages: 2, villagesCovered: 1, coverage: 0.5, screens: 1, stations: 0, online: 1, working: 1 },
  ]);
  t.match(r.totals, { villages: 4, villagesCovered: 2, coverage: 0.5, screens: 3, stations: 1, working: 2 });
  const village = (name: string) => r.villages.find((v: { name: string }) => v.name === name);
  t.match(village('东街社区'), { isCovered: true, gap: null, sites: 2 });
  t.match(village('西门村'), { isCovered: false, gap: 'not-airing' });
  t.match(village('石桥村'), { isCovered: false, gap: 'no-device', screens: 0, stations: 0 });
  const device = (id: string) => r.villages.flatMap((v: { devices: unknown[] }) => v.devices).find((d: { screenId: string }) => d.screenId === id);
  t.match(device('scr-bm'), { daysOnline: 7, daysWorking: 7, minutesPerDay: 40 });
  t.match(device('scr-wd'), { daysOnline: 7, daysWorking: 0, minutesPerDay: 20 });
  t.match(device('scr-xm'), { kind: 'station', daysOnline: 7, daysWorking: 6, minutesPerDay: 25.7 }, '180 min over 7 days; Sunday online by heartbeat only');
  t.match(r.milestone, { name: '社会面宣传全覆盖', dueDate: '2027-01-31', target: 1, coverage: 0.5, isMet: false, daysLeft: 14 });

  const lower = JSON.parse((await app.inject({ url: `/api/v1/reports/coverage?${WEEK}&minMinutes=20` })).body);
  t.equal(lower.totals.villagesCovered, 2, 'at 20 min 万达广场 works too, but 东街社区 was covered already; 西门村 still misses Sunday');
  t.match(lower.townships[0], { working: 2 });
});

t.test('compliance: planned from the resolver against aired from the log, per township, village, site and screen', async (t) => {
  const app = await handMadeApp(t);
  const r = JSON.parse((await app.inject({ url: `/api/v1/reports/compliance?${WEEK}` })).body);
  // The default campaign loops all day (no quiet hours): 1440 planned minutes a day for every device.
  const planned = 1440 * 7;
  t.match(r.townships, [
    { name: '城关镇', plannedMinutes: planned * 3, airedMinutes: 280 + 140 + 180, plays: 28 + 14 + 18 },
    { name: '河口乡', plannedMinutes: planned, airedMinutes: 420, plays: 42 },
  ]);
  t.equal(r.townships[1].airtimeRatio, 420 / planned);
  t.match(r.sites.find((s: { name: string }) => s.name === '万达广场'), { airedMinutes: 140, villageName: '东街社区' });
  t.match(r.villages.find((v: { name: string }) => v.name === '东街社区'), { airedMinutes: 420, plannedMinutes: planned * 2 });
  t.match(r.totals, { airedMinutes: 1020, plannedMinutes: planned * 4 });
  t.same(r.broadcasts, { planned: 0, missed: 0 }, 'no fixed-time broadcasts in the default campaign');
});

t.test('topic mix: the four high-incidence types first; an item with two tags splits its airtime', async (t) => {
  const app = await handMadeApp(t);
  const r = JSON.parse((await app.inject({ url: `/api/v1/reports/topic-mix?${WEEK}` })).body);
  t.same(r.topics.map((x: { topic: string }) => x.topic), ['网贷', '投资博彩', '刷单', '网购退赔', '冒充领导/熟人', '其他', '未标注']);
  t.same(r.topics.map((x: { airedMinutes: number }) => x.airedMinutes), [700, 0, 140, 90, 90, 0, 0]);
  t.equal(r.totalMinutes, 1020);
  t.same(r.townships.map((x: { name: string; minutes: number[] }) => [x.name, x.minutes]), [
    ['城关镇', [280, 0, 140, 90, 90, 0, 0]],
    ['河口乡', [420, 0, 0, 0, 0, 0, 0]],
  ]);
});

t.test('proof for one screen-day: the timeline in order; unknown screens and other townships refused', async (t) => {
  const app = await handMadeApp(t);
  const r = JSON.parse((await app.inject({ url: '/api/v1/reports/proof?screenId=scr-hk&day=2027-01-12' })).body);
  const aired = r.lines.filter((l: { status: string }) => l.status !== 'not-aired');
  t.equal(aired.length, 6);
  t.match(aired[0], { title: '网贷陷阱', status: 'completed', startedAt: '2027-01-12T00:00:00.000Z', endedAt: '2027-01-12T00:10:00.000Z' });
  t.match(r.summary, { aired: 6, completed: 6, airedMinutes: 60 });
  // The rest of the day the default campaign was planned and the screen sent no heartbeat.
  t.match(r.lines.filter((l: { status: string }) => l.status === 'not-aired'), [{ reason: /离线 .* offline/ }]);
  t.match(r.chain, { available: true, ok: true, checked: 6 * 7 }, 'the whole chain of the screen is checked');
  t.match(r.place, { townshipName: '河口乡', villageName: '河口村' });
  t.equal((await app.inject({ url: '/api/v1/reports/proof?screenId=nope&day=2027-01-12' })).statusCode, 404);
  const local = await signInAs(app, 'viewer', '城关镇');
  const other = await injectRaw(app)({ url: '/api/v1/reports/proof?screenId=scr-hk&day=2027-01-12', headers: local.headers });
  t.equal(other.statusCode, 403, 'township staff cannot see another township’s screen');
});

t.test('township staff see only their township in every report', async (t) => {
  const app = await handMadeApp(t);
  const { headers } = await signInAs(app, 'viewer', '河口乡');
  const get = async (url: string) => JSON.parse((await injectRaw(app)({ url, headers })).body);
  const coverage = await get(`/api/v1/reports/coverage?${WEEK}`);
  t.same(coverage.townships.map((x: { name: string }) => x.name), ['河口乡']);
  t.same(coverage.villages.map((x: { name: string }) => x.name), ['河口村', '石桥村']);
  t.match(coverage.totals, { villages: 2, screens: 1 });
  const compliance = await get(`/api/v1/reports/compliance?${WEEK}`);
  t.same(compliance.screens.map((x: { id: string }) => x.id), ['scr-hk']);
  const mix = await get(`/api/v1/reports/topic-mix?${WEEK}`);
  t.equal(mix.totalMinutes, 420, 'only 河口乡’s airtime');
});

t.test('bad ranges are refused clearly', async (t) => {
  const app = await handMadeApp(t);
  for (const [url, status, reason] of [
    ['/api/v1/reports/coverage?from=2027-01-17&to=2027-01-11', 422, 'end-before-start'],
    ['/api/v1/reports/compliance?from=2026-01-01&to=2027-01-11', 422, 'range-too-long'],
    ['/api/v1/reports/coverage?minMinutes=-1', 400, 'invalid-request'],
    ['/api/v1/reports/coverage/docx', 400, 'invalid-request'],
  ] as const) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, status, url);
    t.equal(JSON.parse(res.body).reason, reason, url);
  }
});
