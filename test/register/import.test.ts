// Import and export of the county's list: CSV in UTF-8 and GBK, XLSX; all or nothing with line numbers;
// the same file twice changes nothing; an export imports back to the same register.
import ExcelJS from 'exceljs';
import readXlsxFile from 'read-excel-file/node';
import t from 'tap';
import type { CrierApp } from '../../server/app.js';
import { buildTestApp, injectRaw, signInAs } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);

const LIST = [
  ['乡镇', '村/社区', '类型(社区/村)', '点位', '点位类型', '地址'],
  ['城关镇', '东街社区', '社区', '万达广场', '商场', '人民路1号'],
  ['城关镇', '东街社区', '社区', '东街小区', '居民小区', ''],
  ['城关镇 ', '西关村', '村', '', '', ''],
  ['河口乡', '河口村', '村', '河口码头', '码头', '"沿江路, 3号"'],
  ['河口乡', '河口村', '村', '村委会广播', '村组', ''],
];
const csvOf = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

/** GBK bytes for text, from Node's own GBK decoder (each Han character's two bytes), as Excel on Chinese Windows writes. */
function gbk(text: string): Buffer {
  const decoder = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) table.set(decoder.decode(new Uint8Array([a, b])), [a, b]);
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else if (table.has(ch)) bytes.push(...table.get(ch)!);
    else throw new Error(`no GBK for ${ch}`);
  }
  return Buffer.from(bytes);
}

async function xlsxOf(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function multipart(file: Buffer, name: string) {
  const boundary = '----crier-test-boundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { payload: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const upload = (app: CrierApp, file: Buffer, name = 'list.csv', headers: Record<string, string> = {}) => {
  const body = multipart(file, name);
  return app.inject({ method: 'POST', url: '/api/v1/register/import', payload: body.payload, headers: { ...body.headers, ...headers } });
};
const registerOf = (app: CrierApp) => {
  const { townships, villages, sites } = app.crier.catalogue.read();
  return JSON.stringify({ townships, villages, sites });
};

t.test('a UTF-8 CSV imports; the same file again changes nothing', async (t) => {
  const app = await buildTestApp(t);
  const res = await upload(app, Buffer.from(csvOf(LIST)));
  t.equal(res.statusCode, 200, res.body);
  t.same(json(res), { rows: 5, created: { townships: 2, villages: 3, sites: 4 }, updated: 0 });
  const tree = json(await app.inject('/api/v1/register'));
  t.same(tree.townships.map((x: { name: string }) => x.name), ['城关镇', '河口乡'], '"城关镇 " is 城关镇');
  t.match(tree.townships[1].villages[0].sites[0], { name: '河口码头', type: '码头', address: '沿江路, 3号' });
  t.match(tree.townships[0].villages[1], { name: '西关村', kind: 'village', sites: [] }, 'a village row without a site');
  const before = registerOf(app);
  const again = await upload(app, Buffer.from(csvOf(LIST)));
  t.same(json(again), { rows: 5, created: { townships: 0, villages: 0, sites: 0 }, updated: 0 });
  t.equal(registerOf(app), before, 'idempotent');
});

t.test('a GBK CSV (Excel on Chinese Windows) and an XLSX import to the same register', async (t) => {
  const utf8 = await buildTestApp(t);
  await upload(utf8, Buffer.from(csvOf(LIST)));
  const expected = utf8.crier.register.exportTable();

  const viaGbk = await buildTestApp(t);
  const bytes = gbk(csvOf(LIST));
  t.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'the file really is not UTF-8');
  const gbkRes = await upload(viaGbk, bytes);
  t.equal(gbkRes.statusCode, 200, gbkRes.body);
  t.same(viaGbk.crier.register.exportTable(), expected, 'GBK decoded');

  const viaXlsx = await buildTestApp(t);
  const english = [['Township', 'Village', 'Kind', 'Site', 'Site type', 'Address'], ...LIST.slice(1).map((r) => r.map((c) => c.replace(/^"|"$/g, '')))];
  const xlsxRes = await upload(viaXlsx, await xlsxOf(english), 'list.xlsx');
  t.equal(xlsxRes.statusCode, 200, xlsxRes.body);
  t.same(viaXlsx.crier.register.exportTable(), expected, 'XLSX with English headers');
});

t.test('a malformed row refuses the whole file with its line number, and nothing is imported', async (t) => {
  const app = await buildTestApp(t);
  const bad = [...LIST, ['河口乡', '', '村', '渡口', '码头', ''], ['河口乡', '河口村', '村', '养殖场', '养殖', ''], ['城关镇', '东街社区', '社区', '万达广场', '商场', '']];
  const before = registerOf(app);
  const res = await upload(app, Buffer.from(csvOf(bad)));
  t.equal(res.statusCode, 422);
  const body = json(res);
  t.equal(body.reason, 'import-refused');
  t.same(body.details.map((d: { line: number }) => d.line), [7, 8, 9], 'every bad line, numbered as in the file');
  t.match(body.message, /第 7 行：村\/社区为空 \/ line 7: the village or community is empty/);
  t.match(body.message, /第 8 行：未知的点位类型“养殖” \/ line 8: unknown site type "养殖"/);
  t.match(body.message, /第 9 行：与第 2 行重复 \/ line 9: duplicates line 2/);
  t.equal(registerOf(app), before, 'nothing imported, not even the good rows');

  const undecodable = Buffer.concat([Buffer.from(csvOf(LIST.slice(0, 2))), Buffer.from([0xe5, 0x9f, 0x8e, 0x2c, 0xff, 0xfe, 0x2c, 0x0d, 0x0a])]);
  const mixed = await upload(app, undecodable);
  t.equal(mixed.statusCode, 422, 'a file that is neither UTF-8 nor GBK');
  t.match(json(mixed).message, /编码/);
  const noHeader = await upload(app, Buffer.from('a,b\r\n1,2\r\n'));
  t.match({ status: noHeader.statusCode, line: json(noHeader).details[0].line }, { status: 422, line: 1 });
  t.equal(registerOf(app), before);
});

t.test('export: CSV with a BOM and XLSX (read by another library) in the import\'s columns; each imports back to the same register', async (t) => {
  const app = await buildTestApp(t);
  await upload(app, Buffer.from(csvOf(LIST)));
  const csv = await app.inject('/api/v1/register/export.csv');
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /text\/csv/);
  t.same([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
  const xlsx = await app.inject('/api/v1/register/export.xlsx');
  t.equal(xlsx.statusCode, 200);
  const [sheet] = (await readXlsxFile(xlsx.rawPayload)) as unknown as { data: unknown[][] }[];
  const rows = sheet!.data;
  t.same(rows[0], ['乡镇', '村/社区', '类型(社区/村)', '点位', '点位类型', '地址']);
  t.same(rows.slice(1).map((r) => r.slice(0, 5)), [
    ['城关镇', '东街社区', '社区', '万达广场', '商场'],
    ['城关镇', '东街社区', '社区', '东街小区', '居民小区'],
    ['城关镇', '西关村', '村', null, null],
    ['河口乡', '河口村', '村', '河口码头', '码头'],
    ['河口乡', '河口村', '村', '村委会广播', '村组'],
  ]);
  for (const [file, name] of [[csv.rawPayload, 'register.csv'], [xlsx.rawPayload, 'register.xlsx']] as const) {
    const fresh = await buildTestApp(t);
    t.equal((await upload(fresh, file, name)).statusCode, 200, name);
    t.same(fresh.crier.register.exportTable(), app.crier.register.exportTable(), `${name} round trip`);
  }
});

t.test('only a county admin imports', async (t) => {
  const app = await buildTestApp(t);
  const staff = await signInAs(app, 'editor', '城关镇');
  const body = multipart(Buffer.from(csvOf(LIST)), 'list.csv');
  const res = await injectRaw(app)({ method: 'POST', url: '/api/v1/register/import', payload: body.payload, headers: { ...staff.headers, ...body.headers } });
  t.equal(res.statusCode, 403);
  t.equal(app.crier.catalogue.read().townships.length, 0);
});
