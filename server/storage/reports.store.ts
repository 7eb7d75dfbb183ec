// data/reports.sqlite3: police case figures and the index of generated weekly reports (their files
// live under data/reports/weekly/). SQLite (WAL, synchronous=FULL) because figures are entered row by
// row and an import must land all at once or not at all.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PoliceFigure } from '../reports/police/police.schema.js';

export const REPORTS_DB_FILE = 'reports.sqlite3';

export interface WeeklyReportEntry {
  week: string;
  generatedAt: string;
  /** Username, or null when the Monday job made it. */
  generatedBy: string | null;
  /** File names under data/reports/weekly/. */
  files: { pdf: string; xlsx: string; json: string };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS police_figures (
  township_id TEXT NOT NULL,
  week TEXT NOT NULL,
  fraud_type TEXT NOT NULL,
  cases INTEGER NOT NULL,
  loss_fen INTEGER NOT NULL,
  entered_by TEXT,
  entered_at INTEGER NOT NULL,
  PRIMARY KEY (township_id, week, fraud_type)
);
CREATE INDEX IF NOT EXISTS police_by_week ON police_figures (week);
CREATE TABLE IF NOT EXISTS weekly_reports (
  week TEXT PRIMARY KEY,
  generated_at INTEGER NOT NULL,
  generated_by TEXT,
  files TEXT NOT NULL
);
`;

/** Rows as both implementations store them (PostgreSQL hands `files` back already parsed). */
export interface FigureRow {
  township_id: string;
  week: string;
  fraud_type: string;
  cases: number;
  loss_fen: number;
  entered_by: string | null;
  entered_at: number;
}
export interface WeeklyReportRow {
  week: string;
  generated_at: number;
  generated_by: string | null;
  files: string | WeeklyReportEntry['files'];
}

export const figureRow = (f: Omit<PoliceFigure, 'enteredAt'>, at: Date): FigureRow => ({
  township_id: f.townshipId,
  week: f.week,
  fraud_type: f.fraudType,
  cases: f.cases,
  loss_fen: Math.round(f.lossYuan * 100),
  entered_by: f.enteredBy,
  entered_at: at.getTime(),
});
export const toFigure = (r: FigureRow): PoliceFigure => ({
  townshipId: r.township_id,
  week: r.week,
  fraudType: r.fraud_type as PoliceFigure['fraudType'],
  cases: r.cases,
  lossYuan: r.loss_fen / 100,
  enteredBy: r.entered_by,
  enteredAt: new Date(r.entered_at).toISOString(),
});
export const toEntry = (r: WeeklyReportRow): WeeklyReportEntry => ({
  week: r.week,
  generatedAt: new Date(r.generated_at).toISOString(),
  generatedBy: r.generated_by,
  files: typeof r.files === 'string' ? (JSON.parse(r.files) as WeeklyReportEntry['files']) : r.files,
});

/** Async so PostgreSQL can stand behind it (server/storage/pg/reports.pg.ts). */
export interface ReportsStore {
  /** All rows in one transaction: either every figure is stored or none. Resolves to how many. */
  putFigures(figures: Omit<PoliceFigure, 'enteredAt'>[], at: Date): Promise<number>;
  /** Figures of the weeks from..to inclusive ("YYYY-Www" sorts as text). */
  figures(fromWeek: string, toWeek: string): Promise<PoliceFigure[]>;
  putWeeklyReport(entry: WeeklyReportEntry): Promise<void>;
  /** Newest week first. */
  weeklyReports(): Promise<WeeklyReportEntry[]>;
  weeklyReport(week: string): Promise<WeeklyReportEntry | null>;
  close(): void;
}

export function createReportsStore(dataDir: string): ReportsStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, REPORTS_DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const upsert = db.prepare(`INSERT INTO police_figures (township_id, week, fraud_type, cases, loss_fen, entered_by, entered_at)
    VALUES (@township_id, @week, @fraud_type, @cases, @loss_fen, @entered_by, @entered_at)
    ON CONFLICT (township_id, week, fraud_type) DO UPDATE SET cases = excluded.cases, loss_fen = excluded.loss_fen,
      entered_by = excluded.entered_by, entered_at = excluded.entered_at`);
  const inWeeks = db.prepare(`SELECT * FROM police_figures WHERE week >= ? AND week <= ? ORDER BY week, township_id, fraud_type`);
  const putReport = db.prepare(`INSERT INTO weekly_reports (week, generated_at, generated_by, files) VALUES (?, ?, ?, ?)
    ON CONFLICT (week) DO UPDATE SET generated_at = excluded.generated_at, generated_by = excluded.generated_by, files = excluded.files`);
  const listReports = db.prepare(`SELECT * FROM weekly_reports ORDER BY week DESC`);
  const oneReport = db.prepare(`SELECT * FROM weekly_reports WHERE week = ?`);

  const putAll = db.transaction((figures: Omit<PoliceFigure, 'enteredAt'>[], at: Date) => {
    for (const f of figures) upsert.run(figureRow(f, at));
    return figures.length;
  });

  return {
    putFigures: async (figures, at) => putAll(figures, at),
    figures: async (fromWeek, toWeek) => (inWeeks.all(fromWeek, toWeek) as FigureRow[]).map(toFigure),
    putWeeklyReport: async (entry) => void putReport.run(entry.week, Date.parse(entry.generatedAt), entry.generatedBy, JSON.stringify(entry.files)),
    weeklyReports: async () => (listReports.all() as WeeklyReportRow[]).map(toEntry),
    weeklyReport: async (week) => {
      const row = oneReport.get(week) as WeeklyReportRow | undefined;
      return row ? toEntry(row) : null;
    },
    close: () => db.close(),
  };
}
