// The data directory's stores in one table, and the checks at start that keep a missing or damaged
// store from being silently replaced by an empty one: a store this data dir once held and no longer
// does stops the server, and so does a damaged one, each with one line naming the file and what to do.
// Adding a store is one line in STORES; backup and restore (server/backup/) copy whatever is listed here.
import Database from 'better-sqlite3';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { readTextFile, writeFileDurably } from './durable-file.js';

export type StoreKind = 'sqlite' | 'json' | 'journal' | 'dir';

export interface StoreEntry {
  /** File or directory name inside the data dir. */
  name: string;
  kind: StoreKind;
  /** What is lost without it, Chinese then English. */
  what: string;
  /** Kept in PostgreSQL instead when CRIER_DATABASE_URL is set (server/storage/stores.ts): then not in the data dir. */
  onPostgres?: true;
}

export const STORES: readonly StoreEntry[] = [
  { name: 'catalogue.json', kind: 'json', what: '屏幕、素材、播放列表和排期 / screens, media, playlists and schedules', onPostgres: true },
  // The catalogue's changes since catalogue.json was last written (server/storage/catalogue.journal.ts): the two belong together.
  { name: 'catalogue.journal', kind: 'journal', what: '目录最近的变更（须与 catalogue.json 一起） / the catalogue\'s latest changes (belongs with catalogue.json)', onPostgres: true },
  { name: 'accounts.sqlite3', kind: 'sqlite', what: '账号和登录 / accounts and sessions', onPostgres: true },
  { name: 'audit.sqlite3', kind: 'sqlite', what: '操作日志 / audit trail', onPostgres: true },
  { name: 'airing.sqlite3', kind: 'sqlite', what: '播出记录 / airing log (plays, heartbeats)', onPostgres: true },
  { name: 'pairing.sqlite3', kind: 'sqlite', what: '屏幕配对凭据 / screen pairing tokens', onPostgres: true },
  { name: 'reports.sqlite3', kind: 'sqlite', what: '报表、警情数据和周报 / reports, police figures and weekly reports', onPostgres: true },
  { name: 'media', kind: 'dir', what: '素材文件 / media files' },
  { name: 'originals', kind: 'dir', what: '上传原件 / uploaded originals' },
  { name: 'reports', kind: 'dir', what: '生成的周报文件 / generated weekly report files' },
];

/** Which stores this data dir has held: written at every start, so a store added later is not "missing" on upgrade. */
export const STORES_MANIFEST = 'stores.json';
/** Data dirs from before the manifest held these (originals/ appeared only with the first upload). */
const STORES_BEFORE_MANIFEST = ['catalogue.json', 'accounts.sqlite3', 'audit.sqlite3', 'airing.sqlite3', 'pairing.sqlite3', 'media'];
/** Present while a server runs on this data dir; found at start, it says the last run did not stop cleanly. */
export const RUNNING_MARKER = 'running.json';
/**
 * SQLite stores up to this size get a full quick_check at every start. quick_check reads every page
 * (about 2 s per million plays), so a larger store gets it only after an unclean stop, the time damage
 * happens; after a clean stop its header and length are checked.
 */
export const FULL_CHECK_MAX_BYTES = 256 * 1024 * 1024;
/** Not stores, made again at start: a mount point's lost+found, scratch space, the control socket, fontconfig's cache, the run marker. */
const IGNORED = new Set(['lost+found', 'tmp', 'crier.sock', 'fontconfig', RUNNING_MARKER]);

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A store the server must not start on; the message is one line, Chinese then English. */
export class StoreError extends Error {
  override name = 'StoreError';
}

const RESTORE_HINT_ZH = '从备份恢复（npm run restore -- 备份目录）';
const RESTORE_HINT_EN = 'restore it from a backup (npm run restore -- BACKUP_DIR)';

/** The one line for a damaged store file; the file itself is never touched. */
export function damagedStore(file: string, reason: string): StoreError {
  // The reason may quote the damaged bytes: keep the line one printable line.
  const why = reason.replace(/[\u0000-\u001f\u007f\ufffd]+/g, '?').slice(0, 300);
  return new StoreError(
    `存储文件已损坏：${file}（${why}），服务器未启动，文件保持原样；请将其移走并${RESTORE_HINT_ZH} / ` +
      `damaged store ${file} (${why}): the server did not start and left the file as it is; move it aside and ${RESTORE_HINT_EN}`,
  );
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}

async function readManifest(dataDir: string): Promise<string[] | null> {
  const file = path.join(dataDir, STORES_MANIFEST);
  const text = await readTextFile(file);
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as { stores?: unknown };
    if (Array.isArray(parsed.stores) && parsed.stores.every((s) => typeof s === 'string')) return parsed.stores as string[];
  } catch {
    // fall through to the refusal below
  }
  throw damagedStore(file, '不是有效的存储清单 / not a valid store list');
}

/**
 * Damage a file shows without reading it all: empty, or not what its kind begins with. SQLite files up to
 * `fullCheckMaxBytes` also pass quick_check; larger ones get the header and length check only.
 */
async function checkStore(dataDir: string, store: StoreEntry, fullCheckMaxBytes: number): Promise<void> {
  const file = path.join(dataDir, store.name);
  const info = await stat(file);
  if (store.kind === 'dir') {
    if (!info.isDirectory()) throw damagedStore(file, '应为目录 / should be a directory');
    return;
  }
  if (!info.isFile()) throw damagedStore(file, '不是普通文件 / not a regular file');
  if (info.size === 0) throw damagedStore(file, '文件为空 / the file is empty');
  if (store.kind === 'sqlite') await checkSqlite(file, info.size, info.size <= fullCheckMaxBytes);
  // The catalogue's content (snapshot and journal) is checked where it is parsed (catalogue.journal.ts, catalogue.store.ts).
}

async function checkSqlite(file: string, size: number, isFull: boolean): Promise<void> {
  const head = Buffer.alloc(100);
  const handle = await open(file, 'r');
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (!head.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) throw damagedStore(file, '文件头不是 SQLite 数据库 / the header is not a SQLite database');
  if (!isFull) return checkSqliteLength(file, head, size);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    if (problems.length) throw damagedStore(file, `quick_check: ${problems.slice(0, 3).join('; ')}`);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw damagedStore(file, `SQLite: ${(error as Error).message}`);
  } finally {
    db?.close();
  }
}

/** A truncated or padded file, from the header alone: its page count (when valid) times its page size is the file's length. */
function checkSqliteLength(file: string, head: Buffer, size: number): void {
  const pageSize = head.readUInt16BE(16) === 1 ? 65536 : head.readUInt16BE(16);
  const pages = head.readUInt32BE(28);
  // The in-header size is valid only when written by a version that keeps it (change counter = valid-for).
  const isCountValid = pages > 0 && head.readUInt32BE(24) === head.readUInt32BE(92);
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw damagedStore(file, `页大小 ${pageSize} 无效 / invalid page size ${pageSize}`);
  if (isCountValid && pages * pageSize !== size) {
    throw damagedStore(file, `文件长 ${size} 字节，文件头记为 ${pages * pageSize} 字节 / the file is ${size} bytes, its header says ${pages * pageSize}`);
  }
}

/** At start, once the app is up: from now until markStopped, a stop is unclean. */
export async function markRunning(dataDir: string): Promise<void> {
  await writeFileDurably(path.join(dataDir, RUNNING_MARKER), `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`);
}

/** After a clean stop (every store closed). */
export async function markStopped(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, RUNNING_MARKER), { force: true });
}

/** The stores this data dir must hold: on PostgreSQL, those the database keeps are not its business. */
export const storesInDataDir = (options: { onPostgres?: boolean } = {}) => STORES.filter((s) => !(options.onPostgres && s.onPostgres));

/**
 * Refuses to start on a data dir that lacks a store it held (naming each and how to restore it) or
 * holds a damaged one. `recreate` names stores the operator chose to start empty (CRIER_RECREATE_STORES).
 * Only a data dir that is missing or empty is a first start. `onPostgres`: CRIER_DATABASE_URL is set, so
 * the stores PostgreSQL keeps are neither demanded nor checked here (files left from before are ignored).
 * `wasUncleanStop`: the last server on it did not stop cleanly, so every SQLite store was read in full.
 */
export async function checkDataDir(
  dataDir: string,
  recreate: readonly string[] = [],
  options: { onPostgres?: boolean; fullCheckMaxBytes?: number } = {},
): Promise<{ isFirstStart: boolean; wasUncleanStop: boolean }> {
  const entries = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new StoreError(`无法读取数据目录 ${dataDir}（${error.code}）/ cannot read the data dir ${dataDir} (${error.code})`);
  });
  const present = entries.filter((e) => !IGNORED.has(e));
  if (present.length === 0) return { isFirstStart: true, wasUncleanStop: false };
  const wasUncleanStop = entries.includes(RUNNING_MARKER);
  const fullCheckMaxBytes = wasUncleanStop ? Infinity : (options.fullCheckMaxBytes ?? FULL_CHECK_MAX_BYTES);

  if (!entries.includes(STORES_MANIFEST) && !STORES.some((s) => entries.includes(s.name))) {
    throw new StoreError(
      `数据目录 ${dataDir} 不是空的，却没有任何 Crier 存储（有 ${present.slice(0, 5).join('、')}）；请指定一个空目录或正确的数据目录 / ` +
        `the data dir ${dataDir} is not empty but holds no Crier store (it has ${present.slice(0, 5).join(', ')}): point CRIER_DATA_DIR at an empty or the right directory`,
    );
  }
  const held = (await readManifest(dataDir)) ?? STORES_BEFORE_MANIFEST;
  const missing: StoreEntry[] = [];
  for (const store of storesInDataDir(options)) {
    if (await exists(path.join(dataDir, store.name))) await checkStore(dataDir, store, fullCheckMaxBytes);
    else if (held.includes(store.name) && !recreate.includes(store.name)) missing.push(store);
  }
  if (missing.length) {
    const names = missing.map((s) => s.name).join(',');
    const zh = missing.map((s) => `${s.name}（${s.what.split(' / ')[0]}）`).join('、');
    const en = missing.map((s) => `${s.name} (${s.what.split(' / ')[1]})`).join(', ');
    throw new StoreError(
      `数据目录 ${dataDir} 缺少 ${zh}，服务器未启动，以免用空数据顶替；请${RESTORE_HINT_ZH}，若确要从空开始，设置 CRIER_RECREATE_STORES=${names} 再启动 / ` +
        `the data dir ${dataDir} lacks ${en}: the server did not start rather than replace it with an empty one; ${RESTORE_HINT_EN}, ` +
        `or to start it empty on purpose set CRIER_RECREATE_STORES=${names}`,
    );
  }
  return { isFirstStart: false, wasUncleanStop };
}

/** After the stores are open: creates the store directories and records which stores this data dir holds (`elsewhere`: kept outside it). */
export async function recordStores(dataDir: string, elsewhere: readonly string[] = []): Promise<void> {
  const held: string[] = [];
  for (const store of STORES) {
    if (elsewhere.includes(store.name)) continue;
    const file = path.join(dataDir, store.name);
    if (store.kind === 'dir') await mkdir(file, { recursive: true });
    if (await exists(file)) held.push(store.name);
  }
  const previous = (await readManifest(dataDir).catch(() => null)) ?? [];
  if (held.length === previous.length && held.every((s) => previous.includes(s))) return;
  await writeFileDurably(path.join(dataDir, STORES_MANIFEST), `${JSON.stringify({ stores: held }, null, 2)}\n`);
}
