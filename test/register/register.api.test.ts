// The register over HTTP: the tree with counts, create/change/delete at each level, renames that screens
// and rules follow, deletion refused while in use, who may write where, the campaign.
import t from 'tap';
import { buildTestApp, injectRaw, signInAs } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const json = (res: { body: string }) => JSON.parse(res.body);
const at = '2026-01-01T00:00:00.000Z';

t.test('the tree counts claimed screens per site, village and township, and names villages without any', async (t) => {
  const app = await buildTestApp(t);
  const mall = await placeSite(app, '城关镇', '万达广场', '商场', '东街社区');
  await placeSite(app, '城关镇', '西街小区', '居民小区', '西街社区');
  await app.crier.catalogue.update((draft) => {
    draft.screens.push(
      { id: 'scr-a', name: '万达大屏', isProvisional: false, siteId: mall, groups: [], createdAt: at },
      { id: 'scr-b', name: '万达二楼', isProvisional: false, siteId: mall, groups: [], createdAt: at },
      { id: 'scr-gone', name: '已吊销', isProvisional: false, siteId: mall, groups: [], createdAt: at, revokedAt: at },
      { id: 'scr-loose', name: '未放置', isProvisional: false, groups: [], createdAt: at },
      { id: 'scr-speaker', name: '广播', isProvisional: false, siteId: mall, mode: 'audio', groups: [], createdAt: at },
    );
  });
  const tree = json(await app.inject('/api/v1/register'));
  t.match(tree.totals, { townships: 1, villages: 2, sites: 2, screens: 2, stations: 1, villagesWithout: 1, unplaced: 1 });
  const [township] = tree.townships;
  t.match(township, { name: '城关镇', screens: 2, villages: [{ name: '东街社区', screens: 2, sites: [{ name: '万达广场', type: '商场', screens: 2 }] }, { name: '西街社区', screens: 0 }] });
  t.match(tree.campaign, { startDate: '2027-01-10', endDate: '2027-03-31' });
  t.match(app.crier.catalogue.read().screens.find((s) => s.id === 'scr-a'), { township: '城关镇', site: '万达广场', siteType: '商场' }, 'the screen\'s strings come from the register');
});

t.test('names are unique within their parent; parents must exist', async (t) => {
  const app = await buildTestApp(t);
  const town = json(await app.inject({ method: 'POST', url: '/api/v1/register/townships', payload: { name: '城关镇' } }));
  const twice = await app.inject({ method: 'POST', url: '/api/v1/register/townships', payload: { name: '城关镇 ' } });
  t.equal(twice.statusCode, 409);
  t.match(json(twice), { reason: 'place-exists', message: /乡镇名称重复：城关镇 \/ duplicate township name: 城关镇/ });
  const orphan = await app.inject({ method: 'POST', url: '/api/v1/register/villages', payload: { townshipId: 'tw-none', name: '东街社区', kind: 'community' } });
  t.equal(orphan.statusCode, 422);
  t.equal(json(orphan).reason, 'unknown-place');
  const badType = await app.inject({ method: 'POST', url: '/api/v1/register/sites', payload: { villageId: 'x', name: '码头', type: 'dock' } });
  t.equal(badType.statusCode, 400, 'a site type outside the list is refused at the edge');
  t.equal(app.crier.catalogue.read().townships.length, 1, 'only the first township');
  t.equal(town.name, '城关镇');
});

t.test('a rename follows to screens, rules and the township\'s staff; deleting what is in use is refused', async (t) => {
  const app = await buildTestApp(t);
  const siteId = await placeSite(app, '城关镇', '汽车站', '车站');
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-bus', name: '汽车站大屏', isProvisional: false, siteId, groups: [], createdAt: at });
  });
  const staff = await signInAs(app, 'editor', '城关镇');
  const playlistId = app.crier.catalogue.read().defaultPlaylistId!;
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId, target: { kind: 'townships', townships: ['城关镇'] }, priority: 1 } })).statusCode, 201);

  t.equal((await app.inject({ method: 'PATCH', url: `/api/v1/register/sites/${siteId}`, payload: { name: '城关汽车客运站', type: '码头' } })).statusCode, 200);
  t.match(app.crier.catalogue.read().screens[0], { site: '城关汽车客运站', siteType: '码头' }, 'the site\'s screens follow');

  const { townships, villages } = app.crier.catalogue.read();
  const renamed = await app.inject({ method: 'PATCH', url: `/api/v1/register/townships/${townships[0]!.id}`, payload: { name: '城关街道' } });
  t.equal(renamed.statusCode, 200, renamed.body);
  const after = app.crier.catalogue.read();
  t.equal(after.screens[0]!.township, '城关街道', 'the township\'s screens follow');
  t.match(after.schedules[0]!.target, { kind: 'townships', townships: ['城关街道'] }, 'rules aimed at the township follow');
  await t.resolves(async () => {
    for (let i = 0; i < 50 && json(await injectRaw(app)({ url: '/api/v1/auth/me', headers: staff.headers })).user.township !== '城关街道'; i++) await new Promise((r) => setTimeout(r, 20));
  });
  t.equal(json(await injectRaw(app)({ url: '/api/v1/auth/me', headers: staff.headers })).user.township, '城关街道', 'its staff keep their scope under the new name');

  for (const [url, names] of [
    [`/api/v1/register/sites/${siteId}`, /汽车站大屏/],
    [`/api/v1/register/villages/${villages[0]!.id}`, /城关汽车客运站/],
    [`/api/v1/register/townships/${townships[0]!.id}`, /城关镇社区/],
  ] as const) {
    const res = await app.inject({ method: 'DELETE', url });
    t.equal(res.statusCode, 409, url);
    t.match(json(res), { reason: 'place-in-use', message: names });
  }
  t.equal(app.crier.catalogue.read().sites.length, 1, 'nothing deleted');
  await app.crier.catalogue.update((draft) => void (draft.screens = []));
  for (const url of [`/api/v1/register/sites/${siteId}`, `/api/v1/register/villages/${villages[0]!.id}`, `/api/v1/register/townships/${townships[0]!.id}`]) {
    t.equal((await app.inject({ method: 'DELETE', url })).statusCode, 204, `${url} once empty`);
  }
  t.same([app.crier.catalogue.read().townships, app.crier.catalogue.read().sites], [[], []]);
});

t.test('every role reads; admins write everything, township staff only inside their township', async (t) => {
  const app = await buildTestApp(t);
  const own = await placeSite(app, '城关镇', '汽车站', '车站');
  const other = await placeSite(app, '河口乡', '码头', '码头', '河口村');
  const c = app.crier.catalogue.read();
  const [ownTownship, otherTownship] = c.townships;
  const [ownVillage, otherVillage] = c.villages;
  const viewer = await signInAs(app, 'viewer');
  const county = await signInAs(app, 'editor');
  const staff = await signInAs(app, 'editor', '城关镇');
  const as = (who: { headers: Record<string, string> }, method: string, url: string, payload?: object) =>
    injectRaw(app)({ method: method as 'GET', url, headers: who.headers, ...(payload ? { payload } : {}) });

  t.equal((await as(viewer, 'GET', '/api/v1/register')).statusCode, 200, 'a viewer reads');
  t.equal((await as(viewer, 'POST', '/api/v1/register/villages', { townshipId: ownTownship!.id, name: '新村', kind: 'village' })).statusCode, 403, 'a viewer does not write');
  const countyTry = await as(county, 'POST', '/api/v1/register/villages', { townshipId: ownTownship!.id, name: '新村', kind: 'village' });
  t.match({ status: countyTry.statusCode, reason: json(countyTry).reason }, { status: 403, reason: 'township-staff-only' }, 'county editors do not write the register');

  const before = JSON.stringify(app.crier.catalogue.read());
  for (const [method, url, payload] of [
    ['POST', '/api/v1/register/villages', { townshipId: otherTownship!.id, name: '新村', kind: 'village' }],
    ['PATCH', `/api/v1/register/villages/${otherVillage!.id}`, { name: '改名' }],
    ['DELETE', `/api/v1/register/sites/${other}`],
    ['POST', '/api/v1/register/sites', { villageId: otherVillage!.id, name: '学校', type: '学校' }],
    ['PATCH', `/api/v1/register/sites/${own}`, { villageId: otherVillage!.id }],
    ['PATCH', `/api/v1/register/villages/${ownVillage!.id}`, { townshipId: otherTownship!.id }],
  ] as const) {
    const res = await as(staff, method, url, payload as object | undefined);
    t.equal(res.statusCode, 403, `${method} ${url}`);
    t.equal(json(res).reason, 'out-of-scope');
  }
  for (const [method, url, payload] of [
    ['POST', '/api/v1/register/townships', { name: '新镇' }],
    ['PATCH', `/api/v1/register/townships/${ownTownship!.id}`, { name: '城关' }],
    ['PUT', '/api/v1/register/campaign', { name: 'x', startDate: '2027-01-01', endDate: '2027-02-01', milestones: [] }],
  ] as const) {
    const res = await as(staff, method, url, payload);
    t.equal(res.statusCode, 403, `${method} ${url}`);
    t.equal(json(res).reason, 'county-admin-only');
  }
  t.equal(JSON.stringify(app.crier.catalogue.read()), before, 'no refusal changed anything');

  const village = await as(staff, 'POST', '/api/v1/register/villages', { townshipId: ownTownship!.id, name: '南关村', kind: 'village' });
  t.equal(village.statusCode, 201, 'a village in their own township');
  t.equal((await as(staff, 'POST', '/api/v1/register/sites', { villageId: json(village).id, name: '村委会广播', type: '村组' })).statusCode, 201, 'and a site in it');
  t.equal((await as(staff, 'PATCH', `/api/v1/register/sites/${own}`, { name: '城关客运站' })).statusCode, 200);
});

t.test('the campaign: defaults from the plan, replaced by an admin, bad dates refused', async (t) => {
  const app = await buildTestApp(t);
  t.match(json(await app.inject('/api/v1/register/campaign')).milestones, [{ id: 'coverage', dueDate: '2027-01-31', kind: 'coverage' }, {}, {}]);
  const campaign = { name: '2027年春季反诈宣传', startDate: '2027-01-15', endDate: '2027-04-15', milestones: [{ id: 'cover', name: '全覆盖', dueDate: '2027-02-10', kind: 'coverage', target: 95 }] };
  t.same(json(await app.inject({ method: 'PUT', url: '/api/v1/register/campaign', payload: campaign })), campaign);
  const bad = await app.inject({ method: 'PUT', url: '/api/v1/register/campaign', payload: { ...campaign, endDate: '2027-01-01' } });
  t.equal(bad.statusCode, 400);
  t.match(json(bad).message, /结束日期不能早于开始日期/);
  t.same(app.crier.catalogue.read().campaign, campaign, 'unchanged by the refusal');
  const spec = json(await app.inject('/docs/json'));
  for (const path of ['/api/v1/register', '/api/v1/register/campaign', '/api/v1/register/sites/{id}']) t.ok(spec.paths[path], `${path} in the OpenAPI document`);
});
