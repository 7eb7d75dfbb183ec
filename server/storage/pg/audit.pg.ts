// The audit trail in PostgreSQL, behind the same AuditStore as the SQLite file: append-only, a batch
// of entries in one transaction (all or none), newest first when read.
import { fromAuditRow, toAuditRow, type AuditRow, type AuditStore } from '../audit.store.js';
import { inTransaction, type PgPool } from './pool.js';

const CHUNK = 1000;
/** before/after as JSON text, as SQLite gives them: a stored string must not be mistaken for JSON to parse. */
const SELECTED = 'id, at, actor_id, actor_username, action, entity, entity_id, summary, before_json::text AS before_json, after_json::text AS after_json';
const COLUMNS = ['at', 'actor_id', 'actor_username', 'action', 'entity', 'entity_id', 'summary', 'before_json', 'after_json'] as const;

export function createPgAuditStore(pool: PgPool): AuditStore {
  return {
    async append(entries) {
      // Chunks keep each statement under PostgreSQL's 65,535 parameters; one transaction keeps the batch whole.
      await inTransaction(pool, async (client) => {
        for (let i = 0; i < entries.length; i += CHUNK) {
          const params: unknown[] = [];
          const values = entries.slice(i, i + CHUNK).map((entry) => {
            const row = toAuditRow(entry);
            const marks = COLUMNS.map((column) => {
              params.push(row[column]);
              return column.endsWith('_json') ? `$${params.length}::jsonb` : `$${params.length}`;
            });
            return `(${marks.join(', ')})`;
          });
          await client.query(`INSERT INTO audit (${COLUMNS.join(', ')}) VALUES ${values.join(', ')}`, params);
        }
      });
    },
    async query(q) {
      const params: unknown[] = [];
      const mark = (value: unknown) => (params.push(value), `$${params.length}`);
      const parts: string[] = [];
      if (q.from) parts.push(`at >= ${mark(q.from.getTime())}`);
      if (q.to) parts.push(`at < ${mark(q.to.getTime())}`);
      if (q.actor) {
        const actor = mark(q.actor);
        parts.push(`(actor_id = ${actor} OR lower(actor_username) = lower(${actor}))`);
      }
      if (q.entity) parts.push(`entity = ${mark(q.entity)}`);
      if (q.entityId) parts.push(`entity_id = ${mark(q.entityId)}`);
      if (q.action) parts.push(`action = ${mark(q.action)}`);
      const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
      const { rows } = await pool.query<AuditRow>(`SELECT ${SELECTED} FROM audit ${where} ORDER BY at DESC, id DESC LIMIT ${mark(q.limit)}`, params);
      return rows.map(fromAuditRow);
    },
    // The pool is shared and ended by the store factory.
    close: () => undefined,
  };
}
