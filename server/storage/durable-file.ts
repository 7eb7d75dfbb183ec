// Whole-file replacement that survives a power cut: write a temp file, fsync it, rename it over the
// old one, fsync the directory. lowdb's adapter renames without either fsync, so a cut could leave an
// empty or old file although the change had been answered. A failed write leaves no temp file behind.
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
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
export const syncDir = (dir: string): Promise<void> => withHandle(dir, 'r', (handle) => handle.sync());

/** Makes a file's bytes durable (a copy made with `copyFile`, before it is renamed into place). */
export const syncFile = (file: string): Promise<void> => withHandle(file, 'r+', (handle) => handle.sync());

/** Cuts `file` to `length` bytes, durably (a torn last line of a journal). */
export const truncateDurably = (file: string, length: number): Promise<void> =>
  withHandle(file, 'r+', async (handle) => {
    await handle.truncate(length);
    await handle.sync();
  });

async function withHandle(file: string, flags: string, work: (handle: FileHandle) => Promise<void>): Promise<void> {
  const handle = await open(file, flags);
  try {
    await work(handle);
  } finally {
    await handle.close();
  }
}

/** Writes `data` to a temp file beside `file` and fsyncs it; `renameDurably` then puts it in place. */
export async function writeTempDurably(file: string, data: string | Uint8Array): Promise<string> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Renames a temp file from `writeTempDurably` over `file` and fsyncs the directory; a failed rename removes the temp file. */
export async function renameDurably(temp: string, file: string): Promise<void> {
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(path.dirname(file));
}

/** Replaces `file` with `data` atomically and durably: when this resolves, the new bytes are on disk. */
export async function writeFileDurably(file: string, data: string | Uint8Array): Promise<void> {
  await renameDurably(await writeTempDurably(file, data), file);
}
