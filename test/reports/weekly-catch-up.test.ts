// A weekly report whose Monday 08:00 passed while the server was down is made when it starts again,
// once: the next start finds it in the history and leaves it alone. A new install makes none.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { buildTestApp } from '../helper.js';
import { addTaggedMedia, addTownships, recordHandMadeWeek } from './fixtures.js';

const ZONE = 'Asia/Shanghai';
const SUNDAY = new Date('2027-01-17T04:00:00Z'); // Sunday noon of 2027-W02, Shanghai
const TUESDAY = new Date('2027-01-19T02:00:00Z'); // Tuesday 10:00 of W03: Monday 08:00 has passed

const startAt = (t: Parameters<typeof buildTestApp>[0], dataDir: string, now: Date) => buildTestApp(t, { timeZone: ZONE, dataDir }, { clock: { now: () => now } });

t.test('the week whose Monday 08:00 fell while the server was down is made at start, once', async (t) => {
  const dataDir = t.testdir();
  // Up on Sunday: the week is recorded, Monday 08:00 planned (and saved); then the server stops.
  const before = await startAt(t, dataDir, SUNDAY);
  await addTownships(before);
  await addTaggedMedia(before);
  await recordHandMadeWeek(before);
  t.equal(before.crier.reports.job.next?.toISOString(), '2027-01-18T00:00:00.000Z');
  await before.close();
  const saved = JSON.parse(readFileSync(path.join(dataDir, 'reports', 'weekly', 'next-run.json'), 'utf8'));
  t.same(saved, { nextRun: '2027-01-18T00:00:00.000Z' }, 'the planned run is kept across the stop');

  // Back on Tuesday: 2027-W02 is made at start, by the schedule (nobody), without a real wait for Monday.
  const after = await startAt(t, dataDir, TUESDAY);
  t.same(await after.crier.reports.job.caughtUp, { made: ['2027-W02'], isComplete: true });
  const made = await after.crier.reports.weekly.list();
  t.same(made.map((e) => [e.week, e.generatedBy]), [['2027-W02', null]]);
  const report = (await after.crier.reports.weekly.read('2027-W02'))!.report;
  t.same(report.ranking.map((r) => r.name).sort(), ['城关镇', '河口乡'], 'the week’s figures, from the airing log');
  t.equal(after.crier.reports.job.next?.toISOString(), '2027-01-25T00:00:00.000Z', 'and the next Monday is planned');
  const pdf = path.join(after.crier.reports.weekly.dir, '2027-W02.pdf');
  const firstMade = statSync(pdf).mtimeMs;
  await after.close();
  t.same(JSON.parse(readFileSync(path.join(dataDir, 'reports', 'weekly', 'next-run.json'), 'utf8')), { nextRun: '2027-01-25T00:00:00.000Z' });

  // A third start the same Tuesday: the history holds W02, nothing is made again.
  const again = await startAt(t, dataDir, TUESDAY);
  t.same(await again.crier.reports.job.caughtUp, { made: [], isComplete: true });
  t.same((await again.crier.reports.weekly.list()).map((e) => [e.week, e.generatedAt]), made.map((e) => [e.week, e.generatedAt]), 'the same one report');
  t.equal(statSync(pdf).mtimeMs, firstMade, 'its files untouched');
});

t.test('down over two Mondays: both weeks are made, oldest first', async (t) => {
  const dataDir = t.testdir();
  const before = await startAt(t, dataDir, SUNDAY);
  await addTownships(before);
  await before.close();
  const later = await startAt(t, dataDir, new Date('2027-01-26T02:00:00Z')); // Tuesday of W04
  t.same(await later.crier.reports.job.caughtUp, { made: ['2027-W02', '2027-W03'], isComplete: true });
  t.same((await later.crier.reports.weekly.list()).map((e) => e.week).sort(), ['2027-W02', '2027-W03']);
});

t.test('a new install makes none at start: nothing was planned before, so nothing was missed', async (t) => {
  const fresh = await startAt(t, t.testdir(), TUESDAY);
  t.same(await fresh.crier.reports.job.caughtUp, { made: [], isComplete: true });
  t.same(await fresh.crier.reports.weekly.list(), []);
  t.equal(fresh.crier.reports.job.next?.toISOString(), '2027-01-25T00:00:00.000Z');
});
