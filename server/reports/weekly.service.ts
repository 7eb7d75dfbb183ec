// Weekly reports kept as files under data/reports/weekly/ (<week>.pdf, .xlsx, .json) with an index in
// reports.sqlite3. Files are written to a temporary name and renamed, so a crash leaves no half report.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ReportsStore, WeeklyReportEntry } from '../storage/reports.store.js';
import type { ReportContext } from './model/context.js';
import { buildWeekly, policeWeeksFor, WeeklyReportSchema, type WeeklyReport } from './model/weekly.js';
import type { SavedRun } from './weekly.job.js';
import { renderReport } from './render/index.js';
import { weeklyDocument } from './weekly.document.js';

export type WeeklyService = ReturnType<typeof createWeeklyService>;

const SAVED_RUN_FILE = 'next-run.json';
const SavedRunSchema = z.object({ nextRun: z.iso.datetime() });

export function createWeeklyService(deps: { store: ReportsStore; dataDir: string; context: () => ReportContext; minMinutes: number }) {
  const dir = path.join(deps.dataDir, 'reports', 'weekly');
  const write = async (name: string, bytes: Buffer | string) => {
    const temp = path.join(dir, `.${name}.${randomUUID()}`);
    await writeFile(temp, bytes);
    await rename(temp, path.join(dir, name));
  };

  return {
    dir,
    /** Builds the county-wide report of `week`, renders it, keeps it; replaces an earlier one of the same week. */
    async generate(week: string, by: string | null): Promise<WeeklyReportEntry> {
      const ctx = deps.context();
      const weeks = policeWeeksFor(week);
      const report = await buildWeekly(ctx, { week, minMinutes: deps.minMinutes, police: await deps.store.figures(weeks.from, weeks.to) });
      const doc = weeklyDocument(report);
      const [pdf, xlsx] = await Promise.all([renderReport(doc, 'pdf'), renderReport(doc, 'xlsx')]);
      await mkdir(dir, { recursive: true });
      const files = { pdf: `${week}.pdf`, xlsx: `${week}.xlsx`, json: `${week}.json` };
      await Promise.all([write(files.pdf, pdf), write(files.xlsx, xlsx), write(files.json, JSON.stringify(report))]);
      const entry = { week, generatedAt: report.generatedAt, generatedBy: by, files };
      await deps.store.putWeeklyReport(entry);
      return entry;
    },
    list: () => deps.store.weeklyReports(),
    has: async (week: string) => (await deps.store.weeklyReport(week)) !== null,
    /** The Monday job's next run, kept beside the reports so a restart after it knows it was missed. */
    savedRun: {
      async read(): Promise<number | null> {
        try {
          const { nextRun } = SavedRunSchema.parse(JSON.parse(await readFile(path.join(dir, SAVED_RUN_FILE), 'utf8')));
          return Date.parse(nextRun);
        } catch {
          return null; // none yet (a new install), or unreadable: nothing is made at start
        }
      },
      async write(at: number): Promise<void> {
        await mkdir(dir, { recursive: true });
        await write(SAVED_RUN_FILE, JSON.stringify({ nextRun: new Date(at).toISOString() }));
      },
    } satisfies SavedRun,
    async read(week: string): Promise<{ entry: WeeklyReportEntry; report: WeeklyReport } | null> {
      const entry = await deps.store.weeklyReport(week);
      if (!entry) return null;
      const report = WeeklyReportSchema.parse(JSON.parse(await readFile(path.join(dir, entry.files.json), 'utf8')));
      return { entry, report };
    },
    file: (entry: WeeklyReportEntry, format: 'pdf' | 'xlsx') => readFile(path.join(dir, entry.files[format])),
  };
}
