// Whole-file replacement that survives a power cut: write a temp file, fsync it, rename it over the
// old one, fsync the directory. lowdb's adapter renames without either fsync, so a cut could leave an
// empty or old file although the change had been answered. A failed write leaves no temp file behind.
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** The file's text, or null when it does not exist. */
export async function readTextFile(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Makes a rename or a new file in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` with `data` atomically and durably: when this resolves, the new bytes are on disk. */
export async function writeFileDurably(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomUUID()}.tmp`);
  let isRenamed = false;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    isRenamed = true;
    await syncDir(dir);
  } finally {
    if (!isRenamed) await rm(temp, { force: true });
  }
}
