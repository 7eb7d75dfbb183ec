// Puts a backup back into a stopped server's data dir. Refuses an incomplete backup (no backup.json, a
// listed file missing or of the wrong size, a database or catalogue whose SHA-256 differs) before
// touching anything, and a data dir that still holds stores unless told to move them aside.
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { STORES, STORES_MANIFEST, StoreError } from '../storage/data-dir.js';
import { readTextFile, syncDir, syncFile, writeFileDurably } from '../storage/durable-file.js';
import { sha256OfFile } from '../../media/media.store.js';
import { BACKUP_MANIFEST, BackupManifestSchema, type BackupManifest } from './backup.js';

async function readManifest(backupDir: string): Promise<BackupManifest> {
  const text = await readTextFile(path.join(backupDir, BACKUP_MANIFEST));
  const incomplete = (why: string) =>
    new StoreError(`备份不完整，未做任何恢复：${backupDir}（${why}）；请换一份完整的备份 / incomplete backup ${backupDir} (${why}): nothing was restored; use a complete backup`);
  if (text === null) throw incomplete(`缺少 ${BACKUP_MANIFEST}，备份可能中途停止 / no ${BACKUP_MANIFEST}: the backup may have stopped half-way`);
  const parsed = BackupManifestSchema.safeParse((() => { try { return JSON.parse(text); } catch { return null; } })());
  if (!parsed.success) throw incomplete(`${BACKUP_MANIFEST} 无效 / ${BACKUP_MANIFEST} is not valid`);
  const manifest = parsed.data;
  for (const store of manifest.stores) {
    if (!STORES.some((s) => s.name === store.name)) throw incomplete(`未知的存储 / unknown store ${store.name}`);
    for (const file of store.files) {
      const at = path.join(backupDir, file.path);
      const info = await stat(at).catch(() => null);
      if (!info || info.size !== file.bytes) throw incomplete(`${file.path} ${info ? '大小不符 / has the wrong size' : '缺失 / is missing'}`);
      if (file.sha256 && (await sha256OfFile(at)) !== file.sha256) throw incomplete(`${file.path} 内容不符 / does not match its SHA-256`);
    }
  }
  return manifest;
}

/** Store files and their SQLite companions (-wal, -shm, -journal): stale ones must not meet a restored database. */
const isStoreEntry = (name: string) => name === STORES_MANIFEST || STORES.some((s) => name === s.name || name.startsWith(`${s.name}-`));

async function copyInto(source: string, target: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.restoring`);
  await copyFile(source, temp);
  await syncFile(temp);
  await rename(temp, target);
}

export interface RestoreSummary {
  stores: number;
  files: number;
  /** Where the data dir's previous stores went (with `replace`), else null. */
  movedAside: string | null;
}

export async function restoreStores(backupDir: string, dataDir: string, options: { replace: boolean }): Promise<RestoreSummary> {
  const manifest = await readManifest(backupDir);
  const present = (await readdir(dataDir).catch(() => [] as string[])).filter(isStoreEntry);
  let movedAside: string | null = null;
  if (present.length && !options.replace) {
    throw new StoreError(
      `数据目录 ${dataDir} 里还有存储（${present.slice(0, 4).join('、')}），未做任何恢复；请换一个空目录，或加 --replace 把它们移到一旁再恢复 / ` +
        `the data dir ${dataDir} still holds stores (${present.slice(0, 4).join(', ')}): nothing was restored; use an empty data dir, or add --replace to move them aside first`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  if (present.length) {
    // Inside the data dir (a rename never crosses a mount point there); not a store, so a start ignores it.
    movedAside = path.join(dataDir, `before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await mkdir(movedAside);
    for (const name of present) await rename(path.join(dataDir, name), path.join(movedAside, name));
  }
  let files = 0;
  for (const store of manifest.stores) {
    if (store.kind === 'dir') await mkdir(path.join(dataDir, store.name), { recursive: true });
    for (const file of store.files) {
      await copyInto(path.join(backupDir, file.path), path.join(dataDir, file.path));
      files++;
    }
    if (store.kind === 'dir') await syncDir(path.join(dataDir, store.name));
  }
  // The restored data dir holds exactly the backup's stores: a store missing from it is reported at start.
  await writeFileDurably(path.join(dataDir, STORES_MANIFEST), `${JSON.stringify({ stores: manifest.stores.map((s) => s.name) }, null, 2)}\n`);
  await syncDir(dataDir);
  await rm(path.join(dataDir, 'tmp'), { recursive: true, force: true });
  return { stores: manifest.stores.length, files, movedAside };
}
