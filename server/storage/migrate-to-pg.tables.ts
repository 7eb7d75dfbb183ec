// What `npm run migrate:pg` copies, table by table: each embedded SQLite table and the PostgreSQL
// table of the same name (server/storage/pg/migrations), with the column types PostgreSQL binds the
// batch as (one array per column through unnest) and how a value changes on the way (0/1 to boolean,
// JSON text to jsonb, a chain link's 32 bytes to hex for decode()).
import { COLUMN_TYPES as PLAY_TYPES, COLUMNS as PLAY_COLUMNS, INSERT_PLAYS } from './pg/airing.pg.js';
import { linkHex } from './play-chain.js';
import { usernameKey } from './username-key.js';

export interface ColumnCopy {
  name: string;
  /** The PostgreSQL array type the batch is bound as. */
  type: string;
  /** The value as PostgreSQL takes it (default: as SQLite gives it). */
  from?: (value: unknown) => unknown;
  /** The SQL that turns the bound value into the column's (default: the value itself). */
  cast?: string;
  /** The source column read for it (default: the same name). */
  source?: string;
}

export interface TableCopy {
  /** The SQLite file in the data dir, and the table in it and in PostgreSQL. */
  file: string;
  table: string;
  /** Named in progress lines: Chinese / English. */
  label: string;
  columns: readonly ColumnCopy[];
  /** Source order: PostgreSQL numbers rows in the order they arrive (audit ids are kept; health rows numbered anew). */
  orderBy: string;
  /** The insert when a plain one will not do: bound with one array per column, in `columns` order. */
  statement?: string;
  /** Run once the table is copied (a sequence moved past the copied ids). */
  after?: string;
}

const text = (name: string): ColumnCopy => ({ name, type: 'text' });
const int8 = (name: string): ColumnCopy => ({ name, type: 'int8' });
const bool = (name: string): ColumnCopy => ({ name, type: 'bool', from: (v) => v === 1 });
const json = (name: string): ColumnCopy => ({ name, type: 'text', cast: 'jsonb' });

const plays: ColumnCopy[] = PLAY_COLUMNS.map((name, i) =>
  name === 'prev_hash' || name === 'record_hash' ? { name, type: 'text', from: (v) => linkHex(v as Uint8Array | string | null) } : { name, type: PLAY_TYPES[i]! },
);

export const TABLES: readonly TableCopy[] = [
  {
    file: 'accounts.sqlite3', table: 'users', label: '账号 / accounts', orderBy: 'rowid',
    // The key is the app's (username-key.ts), computed on the way: a data dir from before it has none.
    columns: [text('id'), text('username'), { name: 'username_key', type: 'text', source: 'username', from: (v) => usernameKey(v as string) }, text('display_name'), text('role'), text('township'), text('password_hash'), bool('must_change_password'), bool('disabled'), text('created_at'), text('updated_at')],
  },
  { file: 'accounts.sqlite3', table: 'sessions', label: '登录会话 / sessions', orderBy: 'rowid', columns: [text('id_hash'), text('user_id'), text('csrf_secret'), int8('created_at'), int8('last_seen_at')] },
  {
    file: 'audit.sqlite3', table: 'audit', label: '操作日志 / audit trail', orderBy: 'id',
    columns: [int8('id'), int8('at'), text('actor_id'), text('actor_username'), text('action'), text('entity'), text('entity_id'), text('summary'), json('before_json'), json('after_json')],
    after: `SELECT setval(pg_get_serial_sequence('audit', 'id'), max(id)) FROM audit HAVING count(*) > 0`,
  },
  { file: 'pairing.sqlite3', table: 'device_tokens', label: '屏幕配对凭据 / pairing tokens', orderBy: 'rowid', columns: [text('screen_id'), text('token_hash'), text('pending_token'), int8('issued_at')] },
  {
    file: 'reports.sqlite3', table: 'police_figures', label: '警情数据 / police figures', orderBy: 'week, township_id, fraud_type',
    columns: [text('township_id'), text('week'), text('fraud_type'), { name: 'cases', type: 'int4' }, int8('loss_fen'), text('entered_by'), int8('entered_at')],
  },
  { file: 'reports.sqlite3', table: 'weekly_reports', label: '周报 / weekly reports', orderBy: 'week', columns: [text('week'), int8('generated_at'), text('generated_by'), json('files')] },
  {
    file: 'airing.sqlite3', table: 'plays', label: '播出记录 / plays', orderBy: 'rowid', columns: plays,
    // Each play id once in play_ids too, as the store keeps it (a resend across months is then known).
    statement: `WITH stored AS (${INSERT_PLAYS} RETURNING id) INSERT INTO play_ids (id) SELECT id FROM stored`,
  },
  {
    file: 'airing.sqlite3', table: 'rollups', label: '每日汇总 / daily rollups', orderBy: 'day, screen_id, media_id, is_provisional',
    columns: [text('day'), text('screen_id'), text('media_id'), { name: 'is_provisional', type: 'int2' }, int8('plays'), int8('completed'), int8('airtime_ms')],
  },
  { file: 'airing.sqlite3', table: 'chain_heads', label: '哈希链末端 / chain heads', orderBy: 'screen_id', columns: [text('screen_id'), int8('seq'), text('hash')] },
  { file: 'airing.sqlite3', table: 'chain_anchors', label: '哈希链锚点 / chain anchors', orderBy: 'screen_id', columns: [text('screen_id'), int8('seq'), text('hash')] },
  { file: 'airing.sqlite3', table: 'online_intervals', label: '在线区间 / online intervals', orderBy: 'screen_id, start_at', columns: [text('screen_id'), int8('start_at'), int8('end_at'), int8('beats')] },
  {
    file: 'airing.sqlite3', table: 'heartbeat_health', label: '心跳健康报告 / heartbeat health', orderBy: 'rowid',
    columns: [text('screen_id'), int8('received_at'), int8('sent_at'), text('manifest_version'), int8('uptime_ms'), text('details')],
  },
];

/** The plain insert of a batch: one array per column, unnested, each cast to its column. */
export function insertStatement(t: TableCopy): string {
  if (t.statement) return t.statement;
  const names = t.columns.map((c) => c.name);
  const values = t.columns.map((c) => (c.cast ? `${c.name}::${c.cast}` : c.name));
  return `INSERT INTO ${t.table} (${names.join(', ')}) SELECT ${values.join(', ')} FROM unnest(${t.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}) AS u(${names.join(', ')})`;
}

/** Every Crier table, to tell whether a target already holds Crier data. */
export const CRIER_TABLES = ['catalogue', ...new Set(TABLES.map((t) => t.table)), 'play_ids'] as const;
