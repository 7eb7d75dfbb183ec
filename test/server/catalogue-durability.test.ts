// A catalogue change is on disk before it is answered: the new file is fsync'd before the rename, and
// the directory after it (else a power cut can leave an empty or old catalogue). Seen with strace on a child.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const strace = await run('strace', ['-V']).then(() => true, () => false);

t.test('the catalogue file and its directory are fsync\'d before a change is answered', { skip: strace ? false : 'strace is not installed (apt-get install strace)' }, async (t) => {
  const dir = t.testdir({ data: {} });
  const data = path.join(dir, 'data');
  const trace = path.join(dir, 'trace.txt');
  await run('strace', ['-f', '-y', '-qq', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2,statx,newfstatat,stat', '-o', trace, process.execPath, '--import', 'tsx', 'test/fixtures/catalogue-write.ts', data], {
    maxBuffer: 1 << 24,
  });
  const lines = (await readFile(trace, 'utf8')).split('\n');
  const begin = lines.findIndex((l) => l.includes('/crier-marker-change-begins'));
  const answered = lines.findIndex((l) => l.includes('/crier-marker-change-answered'));
  t.ok(begin >= 0 && answered > begin, 'the markers are in the trace');
  const during = lines.slice(begin, answered);
  const catalogue = path.join(data, 'catalogue.json');
  const renamed = during.findIndex((l) => /rename/.test(l) && l.includes(`"${catalogue}"`));
  t.ok(renamed >= 0, `the new catalogue is renamed into place: ${during.filter((l) => /rename/.test(l)).join(' | ')}`);
  const temp = /rename\w*\([^"]*"([^"]+)"/.exec(during[renamed] ?? '')?.[1] ?? '(none)';
  t.ok(during.slice(0, renamed).some((l) => /f(data)?sync\(\d+</.test(l) && l.includes(`<${temp}>`)), `the temp file ${temp} is fsync'd before the rename`);
  t.ok(during.slice(renamed).some((l) => /f(data)?sync\(\d+</.test(l) && l.includes(`<${data}>`)), 'the directory is fsync\'d after the rename, before the answer');
});
