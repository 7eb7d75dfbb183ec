// An upload whose source fails as soon as it starts (a cut multipart body) leaves no file behind:
// the pipeline can reject while the temp file's open is still in flight, and removing the file
// before the stream has closed used to race that open, which then left an empty upload-* file
// (this test, run without the fix, failed two times in four).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { receiveUpload } from '../../media/receive.js';

t.test('a source that fails at once: the promise rejects with its error and no temp file is left, over many tries', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crier-receive-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const limits = { image: 1e9, audio: 1e9, video: 1e9 };
  const errors = new Set<string>();
  const once = (i: number) => {
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(100, 1));
    setImmediate(() => source.destroy(new Error('cut')));
    return receiveUpload(source, path.join(dir, `upload-${i}`), limits).then(
      () => void errors.add('resolved'),
      (err: Error) => void errors.add(err.message),
    );
  };
  // Several at once keep libuv's pool busy, where an open and the rm that should follow it can swap.
  for (let round = 0; round < 400; round++) await Promise.all(Array.from({ length: 16 }, (_, i) => once(round * 16 + i)));
  // The stray open, when it happens, lands within a few ms of the rejection.
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.same([...errors], ['cut'], 'every try rejected with the source error');
  t.same(await readdir(dir), [], 'no file left behind');
  t.notOk(existsSync(path.join(dir, 'upload-0')));
});
