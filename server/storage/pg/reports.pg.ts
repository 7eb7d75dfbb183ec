// Police figures and the weekly report index in PostgreSQL, behind the same ReportsStore as
// reports.sqlite3. An import lands in one transaction: every figure or none.
import { figureRow, toEntry, toFigure, type FigureRow, type ReportsStore, type WeeklyReportRow } from '../reports.store.js';
import { inTransaction, type PgPool } from './pool.js';

export function createPgReportsStore(pool: PgPool): ReportsStore {
  return {
    putFigures: (figures, at) =>
      inTransaction(pool, async (client) => {
        for (const f of figures) {
          const r = figureRow(f, at);
          await client.query(
            `INSERT INTO police_figures (township_id, week, fraud_type, cases, loss_fen, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (township_id, week, fraud_type) DO UPDATE SET cases = excluded.cases, loss_fen = excluded.loss_fen,
               entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
            [r.township_id, r.week, r.fraud_type, r.cases, r.loss_fen, r.entered_by, r.entered_at],
          );
        }
        return figures.length;
      }),
    async figures(fromWeek, toWeek) {
      // Byte order, as SQLite sorts: the same list whichever store answers.
      const { rows } = await pool.query<FigureRow>(
        `SELECT * FROM police_figures WHERE week >= $1 AND week <= $2 ORDER BY week, township_id COLLATE "C", fraud_type COLLATE "C"`,
        [fromWeek, toWeek],
      );
      return rows.map(toFigure);
    },
    async putWeeklyReport(entry) {
      await pool.query(
        `INSERT INTO weekly_reports (week, generated_at, generated_by, files) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (week) DO UPDATE SET generated_at = excluded.generated_at, generated_by = excluded.generated_by, files = excluded.files`,
        [entry.week, Date.parse(entry.generatedAt), entry.generatedBy, JSON.stringify(entry.files)],
      );
    },
    weeklyReports: async () => (await pool.query<WeeklyReportRow>('SELECT * FROM weekly_reports ORDER BY week DESC')).rows.map(toEntry),
    weeklyReport: async (week) => {
      const row = (await pool.query<WeeklyReportRow>('SELECT * FROM weekly_reports WHERE week = $1', [week])).rows[0];
      return row ? toEntry(row) : null;
    },
    // The pool is shared and ended by the store factory.
    close: () => undefined,
  };
}
