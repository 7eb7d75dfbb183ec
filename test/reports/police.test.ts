// Police figures: form entry and CSV/XLSX import, all or nothing, refused rows named by line, and the
// permission and township scope that guard them.
import ExcelJS from 'exceljs';
import t from 'tap';
import { buildTestApp, injectRaw, signInAs } from '../helper.js';
import { addTownships, multipartFile } from './fixtures.js';

const HEADER = '乡镇,周,案件类型,案件数,损失（元）';
const csv = (...lines: string[]) => Buffer.from(`\uFEFF${[HEADER, ...lines].join('\r\n')}\r\n`);
const importCsv = (app: Awaited<ReturnType<typeof buildTestApp>>, bytes: Buffer, headers: Record<string, string> = {}) => {
  const { payload, headers: h } = multipartFile('figures.csv', bytes, 'text/csv');
  return app.inject({ method: 'POST', url: '/api/v1/police-figures/import', payload, headers: { ...h, ...headers } });
};
const figuresOf = async (app: Awaited<ReturnType<typeof buildTestApp>>) =>
  JSON.parse((await app.inject({ url: '/api/v1/police-figures?fromWeek=2026-W01&toWeek=2027-W52' })).body).figures as { townshipId: string; week: string; fraudType: string; cases: number; lossYuan: number }[];

t.test('a CSV import stores every row; a township by name, code or id; a date stands for its ISO week; figures read back', async (t) => {
  const app = await buildTestApp(t);
  await addTownships(app);
  const res = await importCsv(app, csv('城关镇,2027-W02,网贷,3,"12,000.50"', '002,2027-01-13,刷单,1,800', 'tw-cg,2026-W02,网贷,5,30000'));
  t.equal(res.statusCode, 200, res.body);
  t.equal(JSON.parse(res.body).imported, 3);
  const figures = await figuresOf(app);
  t.same(
    figures.map((f) => [f.townshipId, f.week, f.fraudType, f.cases, f.lossYuan]),
    [
      ['tw-cg', '2026-W02', '网贷', 5, 30000],
      ['tw-cg', '2027-W02', '网贷', 3, 12000.5],
      ['tw-hk', '2027-W02', '刷单', 1, 800],
    ],
  );
  await app.crier.audit.settled();
  const audit = JSON.parse((await app.inject({ url: '/api/v1/audit?entity=police-figures' })).body).entries;
  t.equal(audit[0].action, 'import', 'the import is in the audit trail');
});

t.test('a malformed row refuses the whole file with its line number, and nothing is stored', async (t) => {
  const app = await buildTestApp(t);
  await addTownships(app);
  const cases: [Buffer, number, RegExp][] = [
    [csv('城关镇,2027-W02,网贷,3,100', '', '河口乡,2027-W02,刷单,三,800'), 4, /案件数/],
    [csv('城关镇,2027-W02,网贷,3,100', '青石镇,2027-W02,网贷,1,1'), 3, /未登记的乡镇/],
    [csv('城关镇,2027-W54,网贷,3,100'), 2, /周次/],
    [csv('城关镇,2027-W02,电信诈骗,3,100'), 2, /案件类型/],
    [csv('城关镇,2027-W02,网贷,3,100', '城关镇,2027-01-12,网贷,1,1'), 3, /与第 2 行重复/],
    [csv('城关镇,2027-W02,网贷,3,-5'), 2, /损失/],
    [Buffer.from('乡镇,周,案件数\r\n城关镇,2027-W02,1\r\n'), 1, /缺少/],
  ];
  for (const [bytes, line, message] of cases) {
    const res = await importCsv(app, bytes);
    t.equal(res.statusCode, 422, `line ${line}`);
    const body = JSON.parse(res.body);
    t.equal(body.reason, 'bad-row');
    t.same(body.details, { line }, `the line number is ${line}`);
    t.match(body.message, message);
    t.match(body.message, new RegExp(`^第 ${line} 行：.* / line ${line}: `), 'Chinese, then English');
  }
  t.same(await figuresOf(app), [], 'nothing was imported from any refused file');
});

t.test('XLSX import: the same rules, line numbers as the spreadsheet shows them', async (t) => {
  const app = await buildTestApp(t);
  await addTownships(app);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('案情');
  sheet.addRow(['乡镇', '周', '案件类型', '案件数', '损失（元）']);
  sheet.addRow(['城关镇', '2027-W03', '投资博彩', 2, 56000]);
  sheet.addRow(['河口乡', '2027-W03', '网购退赔', 1, 1200.5]);
  const good = Buffer.from(await book.xlsx.writeBuffer());
  sheet.addRow(['河口乡', '2027-W03', '网贷', 'many', 1]);
  const bad = Buffer.from(await book.xlsx.writeBuffer());
  const send = (bytes: Buffer) => {
    const { payload, headers } = multipartFile('figures.xlsx', bytes, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return app.inject({ method: 'POST', url: '/api/v1/police-figures/import', payload, headers });
  };
  const refused = await send(bad);
  t.equal(refused.statusCode, 422);
  t.same(JSON.parse(refused.body).details, { line: 4 });
  t.same(await figuresOf(app), []);
  const res = await send(good);
  t.equal(res.statusCode, 200, res.body);
  t.same((await figuresOf(app)).map((f) => [f.townshipId, f.fraudType, f.cases, f.lossYuan]), [
    ['tw-cg', '投资博彩', 2, 56000],
    ['tw-hk', '网购退赔', 1, 1200.5],
  ]);
});

t.test('permissions: a viewer cannot enter figures; police can; township police only for their township', async (t) => {
  const app = await buildTestApp(t);
  await addTownships(app);
  const week = { townshipId: '城关镇', week: '2027-W02', figures: [{ fraudType: '刷单', cases: 2, lossYuan: 3000 }] };
  const put = (headers: Record<string, string>, payload: unknown) => injectRaw(app)({ method: 'PUT', url: '/api/v1/police-figures', headers, payload: payload as object });

  const viewer = await signInAs(app, 'viewer');
  const refused = await put(viewer.headers, week);
  t.equal(refused.statusCode, 403);
  t.equal(JSON.parse(refused.body).reason, 'forbidden');
  const { payload, headers } = multipartFile('f.csv', csv('城关镇,2027-W02,网贷,3,100'), 'text/csv');
  t.equal((await injectRaw(app)({ method: 'POST', url: '/api/v1/police-figures/import', payload, headers: { ...viewer.headers, ...headers } })).statusCode, 403, 'nor import them');
  t.same(await figuresOf(app), []);

  const police = await signInAs(app, 'police');
  t.equal((await put(police.headers, week)).statusCode, 200, 'county police enter any township');
  const editMedia = await injectRaw(app)({ method: 'POST', url: '/api/v1/playlists', headers: police.headers, payload: { name: 'x', items: [] } });
  t.equal(editMedia.statusCode, 403, 'police do not edit content');

  const local = await signInAs(app, 'police', '河口乡');
  const other = await put(local.headers, week);
  t.equal(other.statusCode, 403, 'township police: not another township');
  t.equal(JSON.parse(other.body).reason, 'out-of-scope');
  const own = await put(local.headers, { ...week, townshipId: '河口乡' });
  t.equal(own.statusCode, 200, own.body);
  const file = multipartFile('f.csv', csv('河口乡,2027-W03,网贷,1,1', '城关镇,2027-W03,网贷,3,100'), 'text/csv');
  const mixed = await injectRaw(app)({ method: 'POST', url: '/api/v1/police-figures/import', payload: file.payload, headers: { ...local.headers, ...file.headers } });
  t.equal(mixed.statusCode, 422);
  t.same(JSON.parse(mixed.body).details, { line: 3 }, 'the other township’s row is named');

  const seen = JSON.parse((await injectRaw(app)({ url: '/api/v1/police-figures?fromWeek=2027-W01&toWeek=2027-W10', headers: local.headers })).body).figures;
  t.same(seen.map((f: { townshipId: string }) => f.townshipId), ['tw-hk'], 'township staff read only their township');
  t.equal((await figuresOf(app)).length, 2);
});
