// The weekly report (每周通报): made by the Monday 08:00 job (driven by a clock that runs ahead, no real
// wait for Monday) or on demand; kept as PDF, XLSX and JSON; police figures beside last year's week,
// missing shown as missing; township staff see their township. PDFs are read back with pdftotext,
// XLSX with read-excel-file (not the library that wrote them).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import t, { type Test } from 'tap';
import { nextWeeklyRun, weekReportedAt } from '../../server/reports/weekly.job.js';
import { buildTestApp, injectRaw, signInAs, sleep } from '../helper.js';
import { addTaggedMedia, addTownships, recordHandMadeWeek } from './fixtures.js';

const ZONE = 'Asia/Shanghai';
/** The PDF's text as pdftotext (poppler) extracts it; written beside, not into, the app's data dir. */
const pdfText = (t: Test, bytes: Buffer) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crier-pdf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'report.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
};

async function handMade(t: Test, now: () => Date) {
  const app = await buildTestApp(t, { timeZone: ZONE }, { clock: { now } });
  await addTownships(app);
  await addTaggedMedia(app);
  await recordHandMadeWeek(app);
  return app;
}

t.test('the job runs at Monday 08:00 in the server zone, for the week that just ended', async (t) => {
  const at = (iso: string) => new Date(iso);
  t.equal(new Date(nextWeeklyRun(at('2027-01-17T15:59:00Z'), ZONE)).toISOString(), '2027-01-18T00:00:00.000Z', 'Sunday 23:59 → Monday 08:00 (00:00Z)');
  t.equal(new Date(nextWeeklyRun(at('2027-01-17T23:59:59Z'), ZONE)).toISOString(), '2027-01-18T00:00:00.000Z', 'Monday 07:59:59 → that same 08:00');
  t.equal(new Date(nextWeeklyRun(at('2027-01-18T00:00:00Z'), ZONE)).toISOString(), '2027-01-25T00:00:00.000Z', 'at 08:00 exactly → next Monday');
  t.equal(new Date(nextWeeklyRun(at('2027-01-20T04:00:00Z'), 'Europe/Berlin')).toISOString(), '2027-01-25T07:00:00.000Z', 'another zone: its own 08:00');
  t.equal(weekReportedAt(at('2027-01-18T00:00:00Z'), ZONE), '2027-W02');
  t.equal(weekReportedAt(at('2027-01-04T00:00:00Z'), ZONE), '2026-W53', 'the first Monday of 2027 reports the last week of 2026');

  // The clock stands on Sunday while the week is recorded, then moves to 50 ms before Monday 08:00 and
  // runs with real time: the job fires after 50 ms, not days.
  const fireAt = Date.parse('2027-01-18T00:00:00Z');
  let started: number | null = null;
  const app = await handMade(t, () => (started === null ? new Date('2027-01-17T04:00:00Z') : new Date(fireAt - 50 + (Date.now() - started))));
  t.equal(app.crier.reports.job.next?.toISOString(), '2027-01-18T00:00:00.000Z');
  started = Date.now();
  app.crier.reports.job.plan();
  t.equal(app.crier.reports.job.next?.toISOString(), '2027-01-18T00:00:00.000Z');
  for (let i = 0; i < 100 && (await app.crier.reports.weekly.list()).length === 0; i++) await sleep(50);
  const made = await app.crier.reports.weekly.list();
  t.same(made.map((e) => [e.week, e.generatedBy]), [['2027-W02', null]], 'the job made 2027-W02, by nobody (the schedule)');
  t.equal(app.crier.reports.job.next?.toISOString(), '2027-01-25T00:00:00.000Z', 'and planned the next Monday');
  for (const file of ['2027-W02.pdf', '2027-W02.xlsx', '2027-W02.json']) t.ok(existsSync(path.join(app.crier.reports.weekly.dir, file)), file);
});

t.test('on demand: ranking, uncovered villages, police beside last year, missing shown as missing', async (t) => {
  const app = await handMade(t, () => new Date('2027-01-20T02:00:00Z'));
  // 城关镇 entered this week and last year's; 河口乡 entered nothing.
  const put = (week: string, figures: { fraudType: string; cases: number; lossYuan: number }[]) =>
    app.inject({ method: 'PUT', url: '/api/v1/police-figures', payload: { townshipId: '城关镇', week, figures } });
  t.equal((await put('2027-W02', [{ fraudType: '网贷', cases: 3, lossYuan: 30000 }, { fraudType: '冒充领导/熟人', cases: 1, lossYuan: 5000 }])).statusCode, 200);
  t.equal((await put('2026-W02', [{ fraudType: '网贷', cases: 4, lossYuan: 80000 }, { fraudType: '刷单', cases: 1, lossYuan: 2000 }])).statusCode, 200);

  t.equal((await app.inject({ method: 'POST', url: '/api/v1/reports/weekly', payload: { week: '2027-W03' } })).statusCode, 422, 'a week not over yet is refused');
  const made = await app.inject({ method: 'POST', url: '/api/v1/reports/weekly', payload: { week: '2027-W02' } });
  t.equal(made.statusCode, 201, made.body);
  t.match(JSON.parse(made.body), { week: '2027-W02', generatedBy: 'admin' });

  const r = JSON.parse((await app.inject({ url: '/api/v1/reports/weekly/2027-W02' })).body);
  t.same([r.from, r.to], ['2027-01-11', '2027-01-17']);
  // Both townships cover 1 of 2 villages; 河口乡 aired 420 of 10080 planned minutes (4.2 %), 城关镇 600 of 30240 (2.0 %).
  t.same(r.ranking.map((x: { rank: number; name: string; coverageRank: number; complianceRank: number }) => [x.rank, x.name, x.coverageRank, x.complianceRank]), [
    [1, '河口乡', 1, 1],
    [2, '城关镇', 1, 2],
  ]);
  t.same(r.uncovered.map((u: { villageName: string; gap: string }) => [u.villageName, u.gap]), [['西门村', 'not-airing'], ['石桥村', 'no-device']]);
  const police = (name: string) => r.police.townships.find((x: { name: string }) => x.name === name);
  t.same(police('城关镇').all, { now: { cases: 4, lossYuan: 35000 }, lastYear: { cases: 5, lossYuan: 82000 }, casesChange: -0.2, lossChange: (35000 - 82000) / 82000 });
  t.same(police('城关镇').highIncidence.now, { cases: 3, lossYuan: 30000 }, '冒充领导/熟人 is not one of the four');
  t.same(police('河口乡').all, { now: { cases: null, lossYuan: null }, lastYear: { cases: null, lossYuan: null }, casesChange: null, lossChange: null }, 'missing, not zero');
  const target = r.police.targets.find((x: { target: number }) => x.target === -0.1);
  t.match(target, { isMet: null, compare: { now: { cases: null } } }, 'with 河口乡 missing the quarter cannot be judged');
  t.ok(target.missing > 0);

  const pdf = await app.inject({ url: '/api/v1/reports/weekly/2027-W02/pdf' });
  t.equal(pdf.headers['content-type'], 'application/pdf');
  t.match(pdf.headers['content-disposition'], /attachment; filename="weekly-2027-W02.pdf"/);
  const text = pdfText(t, pdf.rawPayload);
  for (const word of ['每周通报', '城关镇', '河口乡', '西门村', '石桥村', '去年同期', '缺']) t.match(text, word, `the PDF says ${word}`);

  const xlsx = await app.inject({ url: '/api/v1/reports/weekly/2027-W02/xlsx' });
  const sheets = await readXlsxFile(xlsx.rawPayload);
  const ranking = sheets.find((s) => s.sheet === '乡镇排名')!;
  t.ok(ranking, 'a sheet per table');
  t.same(ranking.data[2]!.slice(0, 2), [1, '河口乡'], 'first row: rank 1, 河口乡 (a number, not text)');
  const police2 = sheets.find((s) => s.sheet === '各乡镇案情')!;
  t.same(police2.data.find((row) => row[0] === '河口乡')!.slice(1, 3), ['缺', '缺'], 'missing figures read 缺 in the spreadsheet too');

  const list = JSON.parse((await app.inject({ url: '/api/v1/reports/weekly' })).body);
  t.same(list.reports.map((x: { week: string }) => x.week), ['2027-W02']);
});

t.test('who may make and read weekly reports', async (t) => {
  const app = await handMade(t, () => new Date('2027-01-20T02:00:00Z'));
  const viewer = await signInAs(app, 'viewer');
  const refused = await injectRaw(app)({ method: 'POST', url: '/api/v1/reports/weekly', headers: viewer.headers, payload: { week: '2027-W02' } });
  t.equal(refused.statusCode, 403, 'a viewer cannot make one');
  const police = await signInAs(app, 'police');
  t.equal((await injectRaw(app)({ method: 'POST', url: '/api/v1/reports/weekly', headers: police.headers, payload: { week: '2027-W02' } })).statusCode, 403, 'nor can police');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/reports/weekly', payload: { week: '2027-W02' } })).statusCode, 201);

  const local = await signInAs(app, 'viewer', '河口乡');
  const own = JSON.parse((await injectRaw(app)({ url: '/api/v1/reports/weekly/2027-W02', headers: local.headers })).body);
  t.same(own.ranking.map((x: { name: string }) => x.name), ['河口乡']);
  t.same(own.uncovered.map((x: { villageName: string }) => x.villageName), ['石桥村']);
  t.equal(own.totals, null, 'no county totals for a township');
  const pdf = await injectRaw(app)({ url: '/api/v1/reports/weekly/2027-W02/pdf', headers: local.headers });
  const text = pdfText(t, pdf.rawPayload);
  t.match(text, '河口乡');
  t.notMatch(text, '城关镇', 'the township’s PDF names no other township');
  t.notMatch(text, '西门村');
});

t.test('each report downloads as PDF, XLSX and CSV', async (t) => {
  const app = await handMade(t, () => new Date('2027-01-20T02:00:00Z'));
  const range = 'from=2027-01-11&to=2027-01-17';
  for (const report of ['coverage', 'compliance', 'topic-mix']) {
    const pdf = await app.inject({ url: `/api/v1/reports/${report}/pdf?${range}` });
    t.equal(pdf.statusCode, 200, `${report} pdf`);
    t.match(pdfText(t, pdf.rawPayload), /城关镇[\s\S]*河口乡|河口乡[\s\S]*城关镇/, `${report}: the PDF names both townships`);
    const sheets = await readXlsxFile((await app.inject({ url: `/api/v1/reports/${report}/xlsx?${range}` })).rawPayload);
    t.ok(sheets.some((s) => s.data.some((row) => row.includes('河口乡'))), `${report}: the XLSX names 河口乡`);
    const csv = await app.inject({ url: `/api/v1/reports/${report}/csv?${range}` });
    t.match(csv.headers['content-type'], /text\/csv/);
    t.ok(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), `${report}: CSV starts with the UTF-8 BOM`);
    t.match(csv.body, '城关镇');
  }
  const coverageCsv = (await app.inject({ url: `/api/v1/reports/coverage/csv?${range}` })).body;
  t.match(coverageCsv, '"河口乡","石桥村","无屏幕或广播","0"', 'the uncovered village, named, in the CSV');
  const proof = await app.inject({ url: '/api/v1/reports/proof/pdf?screenId=scr-hk&day=2027-01-12' });
  const text = pdfText(t, proof.rawPayload);
  t.match(text, '河口村村委会屏');
  t.match(text, '网贷陷阱');
  t.match(text, /完整：已校验 42 条记录/);
});

t.test('a county that has not imported its register is told so, not told that every village is covered', async (t) => {
  const app = await buildTestApp(t, { timeZone: ZONE }, { clock: { now: () => new Date('2027-01-20T02:00:00Z') } });
  const made = await app.inject({ method: 'POST', url: '/api/v1/reports/weekly', payload: { week: '2027-W02' } });
  t.equal(made.statusCode, 201, made.body);
  const text = pdfText(t, (await app.inject({ url: '/api/v1/reports/weekly/2027-W02/pdf' })).rawPayload).replace(/\s+/g, '');
  t.match(text, '点位登记中还没有村/社区', 'the PDF says the register is empty');
  t.notMatch(text, '所有村/社区均已覆盖', 'and claims no coverage');
});
