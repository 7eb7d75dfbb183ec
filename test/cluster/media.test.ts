// Media across nodes (issue 15.3, 15.2): renditions and originals on shared directories (CRIER_MEDIA_DIR,
// CRIER_ORIGINALS_DIR), fetched by immutable URL from any node; a job running on one node is listed by the others.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { ffmpeg, png, upload } from '../media/fixtures/files.js';
import { createTestDatabase } from '../stores.js';
import { startNodes, until } from './nodes.js';
import { servicesTestOptions } from './services.js';

type Rendition = { fileName: string };

// The orphan sweep runs every 15 s; transcodes share the machine with other tests.
t.setTimeout(240_000);

t.test('a rendition made on node A is served by node B from the shared media dir', async (t) => {
  const dir = t.testdir();
  const shared = { mediaDir: path.join(dir, 'shared', 'media'), originalsDir: path.join(dir, 'shared', 'originals') };
  const { nodes } = await startNodes(t, ['a', 'b'], { redis: false, config: shared });
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const { status, body } = await upload(a.app, { name: '海报.png', data: await png(640, 360) });
  t.equal(status, 201);
  const renditions = body.renditions as Rendition[];
  t.ok(renditions.length > 0);
  for (const r of renditions) {
    const res = await fetch(`${b.baseUrl}/media/${r.fileName}`);
    t.equal(res.status, 200, `node B serves ${r.fileName}`);
    t.match(res.headers.get('cache-control'), /immutable/);
  }
  t.same((await readdir(shared.originalsDir)).length, 1, 'the original is kept in the shared originals dir');
  t.notOk((await readdir(path.join(dir, 'a'))).includes('media'), 'nothing went to node A\'s own data dir');
});

t.test('a media job running on node B is listed by node A', servicesTestOptions('redis'), async (t) => {
  const { dir, nodes } = await startNodes(t, ['a', 'b']);
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const wav = path.join(dir, 'tone.wav');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=44100', '-t', '2', wav]);
  const { status, body } = await upload(b.app, { name: '提示音.wav', data: await readFile(wav) });
  t.equal(status, 201);
  const listed = await until(async () => {
    const jobs = JSON.parse((await a.app.inject({ url: `/api/v1/jobs?mediaId=${body.id as string}` })).body) as { id: string; state: string }[];
    return jobs.find((j) => j.state === 'done');
  });
  t.ok(listed.id, 'node A lists node B\'s finished job');
  const single = await a.app.inject({ url: `/api/v1/jobs/${listed.id}` });
  t.equal(single.statusCode, 200, 'and answers for it by id');
});

t.test('an item a dead node left processing is finished by another node', servicesTestOptions('redis', 'postgres'), async (t) => {
  const dir = t.testdir();
  const config = { databaseUrl: await createTestDatabase(t), mediaDir: path.join(dir, 'shared', 'media'), originalsDir: path.join(dir, 'shared', 'originals') };
  const { nodes } = await startNodes(t, ['a', 'b'], { config });
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const wav = path.join(dir, 'tone.wav');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '2', wav]);
  const { body } = await upload(a.app, { name: '提示音.wav', data: await readFile(wav) });
  const id = body.id as string;
  await until(async () => b.app.crier.catalogue.read().media.find((m) => m.id === id)?.status === 'ready');
  // What a node that died mid-job leaves: the item `processing`, no job and no lease anywhere.
  await a.app.crier.catalogue.update((draft) => void Object.assign(draft.media.find((m) => m.id === id)!, { status: 'processing' }));
  await until(async () => b.app.crier.catalogue.read().media.find((m) => m.id === id)?.status === 'processing');
  const ready = await until(async () => {
    const item = JSON.parse((await b.app.inject({ url: `/api/v1/media/${id}` })).body) as { status: string };
    return item.status === 'ready' ? item : null;
  });
  t.equal(ready.status, 'ready', 'a sweep found the orphan and a node finished it');
});
