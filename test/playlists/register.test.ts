// The register of places, pure: names normalised, the catalogue's register rules, placeOf, the default campaign.
import t from 'tap';
import { CatalogueSchema, emptyCatalogue, type Catalogue } from '../../playlists/catalogue.schema.js';
import { CampaignSchema, normalisePlaceName, placeOf, registerIndex, SiteTypeSchema } from '../../playlists/register.schema.js';

const at = '2026-01-01T00:00:00Z';
const county = (): Catalogue => ({
  ...emptyCatalogue(),
  townships: [{ id: 't-cg', name: '城关镇' }, { id: 't-hk', name: '河口乡' }],
  villages: [
    { id: 'v-dj', townshipId: 't-cg', name: '东街社区', kind: 'community' },
    { id: 'v-hk', townshipId: 't-hk', name: '河口村', kind: 'village' },
  ],
  sites: [
    { id: 's-mall', villageId: 'v-dj', name: '万达广场', type: '商场' },
    { id: 's-bc', villageId: 'v-hk', name: '村委会广播', type: '村组' },
  ],
  screens: [
    { id: 'scr-mall', name: '万达大屏', isProvisional: false, siteId: 's-mall', township: '城关镇', groups: [], createdAt: at },
    { id: 'scr-loose', name: '未登记', isProvisional: false, groups: [], createdAt: at },
  ],
});

t.test('one spelling per name', async (t) => {
  t.equal(normalisePlaceName('城关镇 '), '城关镇');
  t.equal(normalisePlaceName(' 城关 镇'), '城关镇');
  t.equal(normalisePlaceName('城关镇（东）'), '城关镇(东)', 'full-width brackets become ASCII');
  t.equal(normalisePlaceName('Wanda  Plaza  1 号'), 'Wanda Plaza 1号');
  t.equal(CatalogueSchema.parse({ ...county(), townships: [{ id: 't-cg', name: '  城关 镇 ' }, { id: 't-hk', name: '河口乡' }] }).townships[0]!.name, '城关镇');
});

t.test('a catalogue from before the register parses, with the seed\'s campaign', async (t) => {
  const { townships, villages, sites, campaign, ...old } = emptyCatalogue();
  const parsed = CatalogueSchema.parse(old);
  t.same([parsed.townships, parsed.villages, parsed.sites], [[], [], []]);
  t.match(parsed.campaign, { startDate: '2027-01-10', endDate: '2027-03-31' });
  t.match(parsed.campaign.milestones, [
    { dueDate: '2027-01-31', kind: 'coverage', name: '社会面宣传全覆盖' },
    { dueDate: '2027-02-28' },
    { dueDate: '2027-03-31' },
  ]);
  void [townships, villages, sites, campaign];
});

t.test('the register\'s rules are enforced by the catalogue schema', async (t) => {
  t.ok(CatalogueSchema.safeParse(county()).success, 'a sound register passes');
  const broken: [string, (c: Catalogue) => void, RegExp][] = [
    ['two townships of one name', (c) => c.townships.push({ id: 't-x', name: '城关镇 ' }), /乡镇名称重复：城关镇 \/ duplicate township name/],
    ['two townships of one id', (c) => c.townships.push({ id: 't-cg', name: '新镇' }), /duplicate township id/],
    ['two villages of one name in a township', (c) => c.villages.push({ id: 'v-x', townshipId: 't-cg', name: '东街社区', kind: 'village' }), /duplicate village name/],
    ['a village in no township', (c) => c.villages.push({ id: 'v-x', townshipId: 't-none', name: '西街', kind: 'village' }), /unknown township t-none/],
    ['a site in no village', (c) => c.sites.push({ id: 's-x', villageId: 'v-none', name: '车站', type: '车站' }), /unknown village v-none/],
    ['two sites of one name in a village', (c) => c.sites.push({ id: 's-x', villageId: 'v-dj', name: '万达广场', type: '广场' }), /duplicate site name/],
    ['a screen at an unknown site', (c) => (c.screens[1]!.siteId = 's-none'), /unknown site s-none/],
    ['an unknown site type', (c) => ((c.sites[0] as { type: string }).type = 'mall'), /./],
    ['an empty village name', (c) => (c.villages[0]!.name = '  '), /名称不能为空/],
  ];
  for (const [what, breakIt, message] of broken) {
    const c = county();
    breakIt(c);
    const result = CatalogueSchema.safeParse(c);
    t.notOk(result.success, what);
    t.match(result.error?.issues.map((i) => i.message).join('\n'), message, what);
  }
  t.ok(CatalogueSchema.safeParse({ ...county(), villages: [...county().villages, { id: 'v-x', townshipId: 't-hk', name: '东街社区', kind: 'community' }] }).success, 'the same village name in another township is fine');
});

t.test('placeOf names township, village and site; null when unattached', async (t) => {
  const c = county();
  t.same(placeOf(c, 'scr-mall'), { townshipId: 't-cg', townshipName: '城关镇', villageId: 'v-dj', villageName: '东街社区', villageKind: 'community', siteId: 's-mall', siteName: '万达广场', siteType: '商场' });
  t.equal(placeOf(c, 'scr-loose'), null);
  t.equal(placeOf(c, 'no-such-screen'), null);
  t.equal(registerIndex(c), registerIndex(c), 'one index per catalogue snapshot');
  t.same(registerIndex(c).villagesOf.get('t-cg')?.map((v) => v.id), ['v-dj']);
  t.same(registerIndex(c).screensOf.get('s-mall')?.map((s) => s.id), ['scr-mall']);
});

t.test('site types and campaign dates', async (t) => {
  t.ok(SiteTypeSchema.safeParse('码头').success);
  t.notOk(SiteTypeSchema.safeParse('dock').success);
  const bad = CampaignSchema.safeParse({ name: 'x', startDate: '2027-03-31', endDate: '2027-01-10', milestones: [] });
  t.match(bad.error?.issues[0]?.message, /结束日期不能早于开始日期/);
  t.notOk(CampaignSchema.safeParse({ name: 'x', startDate: '2027-02-30', endDate: '2027-03-31' }).success, 'no such date');
});
