// A catalogue change is on disk before it is answered, seen with strace on a child. The first change of
// a new data dir writes the whole catalogue: the new file is fsync'd before the rename and the directory
// after it (else a power cut can leave an empty or old catalogue). Every later change is a line in the
// journal, fsync'd before the answer, and does not write catalogue.json at all (issue 14).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { nodeCommand } from '../node-command.js';

const run = promisify(execFile);
const strace = await run('strace', ['-V']).then(() => true, () => false);

t.test('catalogue changes are fsync\'d before they are answered', { skip: strace ? false : 'strace is not installed (apt-get install strace)' }, async (t) => {
  const dir = t.testdir({ data: {} });
  const data = path.join(dir, 'data');
  const trace = path.join(dir, 'trace.txt');
  await run(
    'strace',
    ['-f', '-y', '-qq', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2,statx,newfstatat,stat,write,pwrite64,ftruncate', '-o', trace, ...nodeCommand(['--import', 'tsx', 'test/fixtures/catalogue-write.ts', data]).flat()],
    { maxBuffer: 1 << 24 },
  );
  const lines = (await readFile(trace, 'utf8')).split('\n');
  const between = (name: string) => {
    const begin = lines.findIndex((l) => l.includes(`/crier-marker-${name}-begins`));
    const answered = lines.findIndex((l) => l.includes(`/crier-marker-${name}-answered`));
    t.ok(begin >= 0 && answered > begin, `the ${name} markers are in the trace`);
    return lines.slice(begin, answered);
  };
  const isSync = (l: string, file: string) => /f(data)?sync\(\d+</.test(l) && l.includes(`<${file}>`);

  const first = between('first');
  const catalogue = path.join(data, 'catalogue.json');
  const journal = path.join(data, 'catalogue.journal');
  for (const file of [catalogue, journal]) {
    const renamed = first.findIndex((l) => /rename/.test(l) && l.includes(`"${file}"`));
    t.ok(renamed >= 0, `${path.basename(file)} is renamed into place: ${first.filter((l) => /rename/.test(l)).join(' | ')}`);
    const temp = /rename\w*\([^"]*"([^"]+)"/.exec(first[renamed] ?? '')?.[1] ?? '(none)';
    t.ok(first.slice(0, renamed).some((l) => isSync(l, temp)), `the temp file ${path.basename(temp)} is fsync'd before the rename`);
    t.ok(first.slice(renamed).some((l) => isSync(l, data)), 'the directory is fsync\'d after the rename, before the answer');
  }

  const change = between('change');
  const written = change.findIndex((l) => /^\d+\s+p?write(64)?\(\d+</.test(l) && l.includes(`<${journal}>`));
  t.ok(written >= 0, `the change is written to the journal: ${change.filter((l) => /write/.test(l)).join(' | ')}`);
  t.ok(change.slice(written).some((l) => isSync(l, journal)), 'and the journal is fsync\'d after the write, before the answer');
  t.notOk(change.some((l) => l.includes('catalogue.json')), 'catalogue.json is not written at all');
});
