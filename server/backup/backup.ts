// A backup of every store in STORES into one folder: SQLite stores by SQLite's online backup API, the
// catalogue by its store (the committed state), folders file by file, incrementally (a file already in
// the backup with the same size is not copied again; media and originals are named by their SHA-256,
// so the same name is the same bytes). backup.json is written last: without it a backup is incomplete.
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CATALOGUE_FILE, freshJournal, JOURNAL_FILE } from '../storage/catalogue.journal.js';
import { STORES, type StoreEntry } from '../storage/data-dir.js';
import { syncDir, syncFile, writeFileDurably } from '../storage/durable-file.js';
import { sha256OfFile } from '../../media/media.store.js';
import { copySqlite } from './sqlite-copy.js';

export const BACKUP_MANIFEST = 'backup.json';

const FileSchema = z.object({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().optional() });
export const BackupManifestSchema = z.object({
  format: z.literal(1),
  createdAt: z.string(),
  stores: z.array(z.object({ name: z.string(), kind: z.enum(['sqlite', 'json', 'journal', 'dir']), files: z.array(FileSchema) })),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

export interface BackupSources {
  dataDir: string;
  /** The running server's catalogue store; absent when the server is stopped (the file is then still). */
  catalogueBackupTo?: (file: string) => Promise<void>;
}

export interface BackupSummary {
  target: string;
  stores: number;
  /** Files of folder stores copied this time, and those already in the backup. */
  copied: number;
  unchanged: number;
  bytes: number;
}

const isTemp = (name: string) => name.startsWith('.');

/** Copies `source` to `target` through a temp file: an interrupted copy never sits under the real name. */
async function copyDurably(source: string, target: string): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.partial`);
  try {
    await copyFile(source, temp);
    await syncFile(temp);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const e of entries) {
    if (isTemp(e.name)) continue;
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) files.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) files.push(rel);
  }
  return files;
}

async function backupFile(store: StoreEntry, sources: BackupSources, target: string): Promise<BackupManifest['stores'][number]> {
  const source = path.join(sources.dataDir, store.name);
  const into = path.join(target, store.name);
  const temp = `${into}.partial`;
  await rm(temp, { force: true });
  if (store.kind === 'sqlite') await copySqlite(source, temp);
  else if (sources.catalogueBackupTo && store.name === CATALOGUE_FILE) await sources.catalogueBackupTo(temp);
  // The running store's snapshot is the whole catalogue: its journal in the backup continues it with nothing after.
  else if (sources.catalogueBackupTo && store.name === JOURNAL_FILE) await writeFile(temp, freshJournal(await readFile(path.join(target, CATALOGUE_FILE))));
  else await copyFile(source, temp);
  await syncFile(temp);
  await rename(temp, into);
  return { name: store.name, kind: store.kind, files: [{ path: store.name, bytes: (await stat(into)).size, sha256: await sha256OfFile(into) }] };
}

async function backupDir(store: StoreEntry, dataDir: string, target: string, summary: BackupSummary): Promise<BackupManifest['stores'][number]> {
  const files: BackupManifest['stores'][number]['files'] = [];
  for (const rel of await listFiles(path.join(dataDir, store.name))) {
    const source = path.join(dataDir, store.name, rel);
    const into = path.join(target, store.name, rel);
    const bytes = (await stat(source)).size;
    const existing = await stat(into).catch(() => null);
    if (existing?.size === bytes) summary.unchanged++;
    else {
      await mkdir(path.dirname(into), { recursive: true });
      await copyDurably(source, into);
      summary.copied++;
      summary.bytes += bytes;
    }
    files.push({ path: path.join(store.name, rel), bytes });
  }
  await mkdir(path.join(target, store.name), { recursive: true });
  return { name: store.name, kind: store.kind, files };
}

/** Backs up every store of `sources.dataDir` that exists into `target` (created if need be). */
export async function backupStores(sources: BackupSources, target: string): Promise<BackupSummary> {
  await mkdir(target, { recursive: true });
  // Incomplete until the new manifest is written at the very end.
  await rm(path.join(target, BACKUP_MANIFEST), { force: true });
  const summary: BackupSummary = { target, stores: 0, copied: 0, unchanged: 0, bytes: 0 };
  const manifest: BackupManifest = { format: 1, createdAt: new Date().toISOString(), stores: [] };
  for (const store of STORES) {
    // On PostgreSQL there is no catalogue.json: the running store still writes the committed catalogue (and its journal).
    const isFromStore = (store.name === CATALOGUE_FILE || store.name === JOURNAL_FILE) && sources.catalogueBackupTo !== undefined;
    if (!isFromStore && !(await stat(path.join(sources.dataDir, store.name)).catch(() => null))) continue;
    const entry = store.kind === 'dir' ? await backupDir(store, sources.dataDir, target, summary) : await backupFile(store, sources, target);
    if (store.kind !== 'dir') summary.bytes += entry.files[0]!.bytes;
    manifest.stores.push(entry);
    summary.stores++;
  }
  for (const store of STORES.filter((s) => s.kind === 'dir')) await syncDir(path.join(target, store.name)).catch(() => {});
  await writeFileDurably(path.join(target, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return summary;
}
