// The audit trail: who changed what, when, with the before and after. Append-only, in its own SQLite
// file (it grows without bound and may be archived apart from accounts); behind an interface so a
// larger deployment can move it to PostgreSQL.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export interface AuditEntry {
  id: number;
  at: string;
  actor: { id: string; username: string } | null;
  action: string;
  entity: string;
  entityId: string | null;
  summary: string;
  before: unknown;
  after: unknown;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

export interface AuditQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  /** A user id or username. */
  actor?: string | undefined;
  entity?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  limit: number;
}

export interface AuditStore {
  append(entries: NewAuditEntry[]): Promise<void>;
  /** Newest first. */
  query(q: AuditQuery): Promise<AuditEntry[]>;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_id TEXT,
  actor_username TEXT,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT,
  summary TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at);
CREATE INDEX IF NOT EXISTS audit_by_entity ON audit (entity, entity_id, at);
`;

/** Rows as both implementations return them; before/after as JSON text. */
export interface AuditRow {
  id: number;
  at: number;
  actor_id: string | null;
  actor_username: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  summary: string;
  before_json: string | null;
  after_json: string | null;
}

const parse = (text: string | null) => (text === null ? null : (JSON.parse(text) as unknown));
const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/** The row an entry is stored as; before/after as JSON text. */
export const toAuditRow = (e: NewAuditEntry) => ({
  at: e.at ? Date.parse(e.at) : Date.now(),
  actor_id: e.actor?.id ?? null,
  actor_username: e.actor?.username ?? null,
  action: e.action,
  entity: e.entity,
  entity_id: e.entityId,
  summary: e.summary,
  before_json: json(e.before),
  after_json: json(e.after),
});

export const fromAuditRow = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: new Date(r.at).toISOString(),
  actor: r.actor_id ? { id: r.actor_id, username: r.actor_username ?? '' } : null,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  summary: r.summary,
  before: parse(r.before_json),
  after: parse(r.after_json),
});

export function createAuditStore(dataDir: string): AuditStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'audit.sqlite3'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const insert = db.prepare(`INSERT INTO audit (at, actor_id, actor_username, action, entity, entity_id, summary, before_json, after_json)
    VALUES (@at, @actor_id, @actor_username, @action, @entity, @entity_id, @summary, @before_json, @after_json)`);
  const insertAll = db.transaction((rows: Record<string, unknown>[]) => {
    for (const row of rows) insert.run(row);
  });

  return {
    async append(entries) {
      insertAll(entries.map(toAuditRow));
    },
    async query(q) {
      const parts: string[] = [];
      const params: Record<string, unknown> = { limit: q.limit };
      if (q.from) (parts.push('at >= @from'), (params.from = q.from.getTime()));
      if (q.to) (parts.push('at < @to'), (params.to = q.to.getTime()));
      if (q.actor) (parts.push('(actor_id = @actor OR actor_username = @actor COLLATE NOCASE)'), (params.actor = q.actor));
      if (q.entity) (parts.push('entity = @entity'), (params.entity = q.entity));
      if (q.entityId) (parts.push('entity_id = @entityId'), (params.entityId = q.entityId));
      if (q.action) (parts.push('action = @action'), (params.action = q.action));
      const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
      const rows = db.prepare(`SELECT * FROM audit ${where} ORDER BY at DESC, id DESC LIMIT @limit`).all(params) as AuditRow[];
      return rows.map(fromAuditRow);
    },
    close: () => db.close(),
  };
}
