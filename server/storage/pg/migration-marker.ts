// The mark a move of an embedded data dir leaves in the database (migration 110): started before the
// first row is copied, finished after the last check. Unfinished, the database holds part of a county's
// data: no server may start on it, and only a run from the same data dir copies into it (continuing).
import { StoreError } from '../data-dir.js';
import type { PgClient, PgPool } from './pool.js';

export interface MigrationMark {
  source: string;
  startedAt: Date;
  finishedAt: Date | null;
}

/** The mark, or null when no data dir was ever moved here (or the schema is older than the mark). */
export async function readMigrationMark(db: PgPool | PgClient): Promise<MigrationMark | null> {
  const { rows } = await db
    .query<{ source: string; started_at: Date; finished_at: Date | null }>('SELECT source, started_at, finished_at FROM embedded_migration WHERE id = 1')
    .catch((error: { code?: string }) => {
      if (error.code === '42P01') return { rows: [] }; // no such table: never migrated into
      throw error;
    });
  const r = rows[0];
  return r ? { source: r.source, startedAt: r.started_at, finishedAt: r.finished_at } : null;
}

export const unfinishedMigration = (mark: MigrationMark) =>
  new StoreError(
    `这个 PostgreSQL 数据库里有一次未完成的迁移（从 ${mark.source}，开始于 ${mark.startedAt.toISOString()}），数据不完整，未使用；` +
      `请用同一数据目录再运行一次 npm run migrate:pg 继续完成它（或删除并重新创建这个数据库后重新迁移）/ ` +
      `this PostgreSQL database holds an unfinished migration (from ${mark.source}, started ${mark.startedAt.toISOString()}): its data is incomplete and was not used; ` +
      `run npm run migrate:pg again with the same data dir to finish it (or drop and create the database again, then migrate)`,
  );

/** Refuses a database a migration did not finish; at server start, after the schema migrations. */
export async function assertNoUnfinishedMigration(pool: PgPool): Promise<void> {
  const mark = await readMigrationMark(pool);
  if (mark && !mark.finishedAt) throw unfinishedMigration(mark);
}
