// A chain export read from PostgreSQL: one client holds one REPEATABLE READ snapshot for the whole
// export (segments and records agree even while nodes keep writing), and each segment's records come
// through a server-side cursor a page at a time, so a month of plays is never held in memory.
import type { QueryResultRow } from 'pg';
import { toStoredPlay, type PlayRow } from '../airing.store.js';
import { EXPORT_PAGE_ROWS, exportWindow, segmentOf, type AiringExportReader, type SegmentRange } from '../airing.export.js';
import type { ChainLink } from '../play-chain.js';
import type { PgClient, PgPool } from './pool.js';

/** Rows in chain order as the SQLite export gives them (a tie only in a tampered table). */
export const CHAIN_ORDER = 'ORDER BY seq NULLS FIRST, id COLLATE "C"';

type Query = (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;

/** The rows of `sql` through a server-side cursor, `pageRows` at a time (inside the caller's transaction). */
export async function* cursorRows<R extends object>(query: Query, name: string, sql: string, params: unknown[], pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<R> {
  await query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
  let isDone = false;
  try {
    while (!isDone) {
      const rows = (await query(`FETCH ${pageRows} FROM ${name}`)).rows as R[];
      yield* rows;
      isDone = rows.length < pageRows;
    }
  } finally {
    await query(`CLOSE ${name}`).catch(() => undefined);
  }
}

export async function openPgExportReader(pool: PgPool, pageRows = EXPORT_PAGE_ROWS): Promise<AiringExportReader> {
  const client: PgClient = await pool.connect();
  let isOpen = true;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    client.release(true);
    throw error;
  }
  let cursors = 0;
  // A stream destroyed mid-export closes the reader while its generator may still be between pages.
  const query = async <R extends object>(sql: string, params?: unknown[]) => {
    if (!isOpen) throw new Error('导出已结束 / the export reader is closed');
    return client.query<R & QueryResultRow>(sql, params);
  };
  const recordHash = async (screenId: string, seq: number) =>
    (await query<{ h: string }>(`SELECT encode(record_hash, 'hex') AS h FROM plays WHERE screen_id = $1 AND seq = $2 LIMIT 1`, [screenId, seq])).rows[0]?.h ?? null;
  return {
    async segments(q) {
      const { from, to } = exportWindow(q);
      const { rows } = await query<SegmentRange>(
        `SELECT screen_id AS "screenId", min(seq) AS "fromSeq", max(seq) AS "toSeq" FROM plays
         WHERE started_at >= $1 AND started_at < $2 AND seq IS NOT NULL AND ($3::text[] IS NULL OR screen_id = ANY($3::text[]))
         GROUP BY screen_id ORDER BY screen_id COLLATE "C"`,
        [from, to, q.screenIds ?? null],
      );
      const anchors = await query<ChainLink & { screen_id: string }>('SELECT screen_id, seq, hash FROM chain_anchors WHERE screen_id = ANY($1::text[])', [rows.map((r) => r.screenId)]);
      const anchorOf = new Map(anchors.rows.map((a) => [a.screen_id, { seq: a.seq, hash: a.hash }]));
      const segments = [];
      for (const r of rows) segments.push(await segmentOf(r, anchorOf.get(r.screenId), recordHash));
      return segments;
    },
    async *records(segment) {
      const sql = `SELECT * FROM plays WHERE screen_id = $1 AND seq >= $2 AND seq <= $3 ${CHAIN_ORDER}`;
      for await (const row of cursorRows<PlayRow>(query, `export_${++cursors}`, sql, [segment.screenId, segment.fromSeq, segment.toSeq], pageRows)) yield toStoredPlay(row);
    },
    async close() {
      if (!isOpen) return;
      isOpen = false;
      const isBroken = await client.query('COMMIT').then(() => false, () => true);
      client.release(isBroken);
    },
  };
}
