// Reads Chinese back from a picture with Debian's tesseract (chi_sim), so tests check what a
// viewer would see instead of comparing bytes. `.ci/run` installs it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The text tesseract reads in `file` (PNG/JPEG), whitespace removed. */
export async function readChinese(file: string): Promise<string> {
  const { stdout } = await run('tesseract', [file, '-', '-l', 'chi_sim', '--psm', '6'], { maxBuffer: 1 << 20 });
  return stdout.replace(/\s+/g, '');
}

/** Share of the Han characters of `expected` that appear in `read` (boxes read as none). */
export function shareRecognised(expected: string, read: string): number {
  const want = [...expected].filter((c) => /\p{Script=Han}/u.test(c));
  return want.filter((c) => read.includes(c)).length / want.length;
}
