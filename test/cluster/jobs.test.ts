// Media jobs go to whichever node is free (issue 15.2): an upload on a node whose runners are full is
// transcoded by an idle node, once; the node that took the upload keeps no job of its own for it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { Job } from '../../server/services/media.jobs.js';
import { ffmpeg, upload } from '../media/fixtures/files.js';
import { createTestDatabase } from '../stores.js';
import { startNodes, until } from './nodes.js';
import { servicesTestOptions } from './services.js';

t.setTimeout(240_000);

t.test('an upload on a node with no free runner is transcoded by an idle node', servicesTestOptions('redis', 'postgres'), async (t) => {
  const dir = t.testdir();
  const shared = { databaseUrl: await createTestDatabase(t), mediaDir: path.join(dir, 'shared', 'media'), originalsDir: path.join(dir, 'shared', 'originals') };
  // Node A's runner takes no job at all (concurrency 0): as busy as a node can be.
  const { nodes } = await startNodes(t, ['a', 'b'], { config: shared, perNode: { a: { ffmpegConcurrency: 0 } } });
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const wav = path.join(dir, 'tone.wav');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=550:sample_rate=44100', '-t', '2', wav]);
  const { status, body } = await upload(a.app, { name: '提示音.wav', data: await readFile(wav) });
  t.equal(status, 201, 'node A takes the upload');
  const id = body.id as string;
  const ready = await until(async () => {
    const item = JSON.parse((await a.app.inject({ url: `/api/v1/media/${id}` })).body) as { status: string; job?: Job };
    return item.status === 'ready' ? item : null;
  });
  t.equal(ready.status, 'ready', 'node A shows the item ready');
  const jobsOn = async (node: typeof a) => JSON.parse((await node.app.inject({ url: `/api/v1/jobs?mediaId=${id}` })).body) as Job[];
  const onB = await until(async () => ((await jobsOn(b)).some((j) => j.state === 'done') ? jobsOn(b) : null));
  t.equal(onB.length, 1, 'node B lists one job for the item');
  t.equal(onB[0]!.state, 'done', 'done');
  t.ok(b.app.crier.jobs.list().some((j) => j.id === onB[0]!.id && j.state === 'done'), 'node B ran it');
  const onA = await until(async () => ((await jobsOn(a)).some((j) => j.state === 'done') ? jobsOn(a) : null));
  t.same(onA.map((j) => [j.id, j.state]), [[onB[0]!.id, 'done']], 'node A lists node B\'s job only: no job of its own waits for the item');
});
