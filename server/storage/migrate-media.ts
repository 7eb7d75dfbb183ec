// The media half of moving a county into a cluster (npm run migrate:pg -- --media-to/--originals-to):
// a data dir's content-addressed files (`<sha256>.<ext>`: renditions in media/, uploads in originals/)
// copied into the shared directories the nodes mount. By hash: a file already there whose bytes match
// its name is skipped (so a second run copies only what is new, cut short or damaged); each copy goes
// to a temp name, is hashed, and only then takes its name, so a stopped run never leaves a wrong file
// under a valid name. A source file whose bytes do not match its name is reported, not copied.
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256OfFile } from '../../media/media.store.js';

const CONTENT_NAME = /^([0-9a-f]{64})\.[a-z0-9]+$/;

export interface MediaCopySummary {
  dir: string;
  copied: number;
  skipped: number;
  bytes: number;
  /** Source files whose bytes do not match their name (damaged on the old disk): left where they are. */
  damaged: string[];
}

/** Copies every content-addressed file of `from` into `to` that is not already there whole. */
export async function copyContentFiles(from: string, to: string, log: (line: string) => void = () => undefined): Promise<MediaCopySummary> {
  const summary: MediaCopySummary = { dir: from, copied: 0, skipped: 0, bytes: 0, damaged: [] };
  const names = (await readdir(from).catch(() => [] as string[])).filter((n) => CONTENT_NAME.test(n)).sort();
  await mkdir(to, { recursive: true });
  let lastReport = Date.now();
  for (const [i, name] of names.entries()) {
    const source = path.join(from, name);
    const target = path.join(to, name);
    const hash = CONTENT_NAME.exec(name)![1];
    const [have, want] = await Promise.all([stat(target).catch(() => null), stat(source)]);
    // Already there whole (checked by its bytes, not trusted by its name): a second run skips it.
    if (have?.size === want.size && (await sha256OfFile(target)) === hash) {
      summary.skipped += 1;
      continue;
    }
    const temp = path.join(to, `.tmp-${randomUUID()}`);
    try {
      await copyFile(source, temp);
      if ((await sha256OfFile(temp)) !== hash) {
        summary.damaged.push(name);
        continue;
      }
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
    summary.copied += 1;
    summary.bytes += want.size;
    if (Date.now() - lastReport >= 2000) {
      lastReport = Date.now();
      log(`  ${from}: ${i + 1} / ${names.length}`);
    }
  }
  return summary;
}
