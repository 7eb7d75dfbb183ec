// A full disk, named: errors that mean "no space" become 507 disk-full, and /healthz and the console
// say how much room the data dir has left. Nothing is cached here: when space returns, the next write
// simply succeeds (/healthz asks at most every two seconds).
import { statfs } from 'node:fs/promises';

const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
/** What tools that report in words say (sharp/libvips, ffmpeg). */
const NO_SPACE_TEXT = /no space left on device|disk quota exceeded|database or disk is full/i;

/** Whether `error` (or an error it wraps) says the disk is full. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && NO_SPACE_CODES.has(code)) return true;
    if (typeof message === 'string' && NO_SPACE_TEXT.test(message)) return true;
  }
  return false;
}

export interface DiskState {
  freeBytes: number;
  totalBytes: number;
  /** Less room than a small upload needs: writes are failing or about to. */
  isFull: boolean;
}

/** Below this the data dir counts as full (a slogan preview, a catalogue write and a few plays need about this much). */
export const FULL_BELOW_BYTES = 4 * 1024 * 1024;

export async function diskState(dir: string): Promise<DiskState | null> {
  try {
    const s = await statfs(dir);
    const freeBytes = s.bavail * s.bsize;
    return { freeBytes, totalBytes: s.blocks * s.bsize, isFull: freeBytes < FULL_BELOW_BYTES };
  } catch {
    return null;
  }
}
