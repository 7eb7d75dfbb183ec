// Media jobs go to whichever node is free (issue 15.2): an upload on a node whose runners are full is
// transcoded by an idle node, once; the node that took the upload keeps no job of its own for it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { CrierApp } from '../../server/app.js';
import type { Job } from '../../server/services/media.jobs.js';
import { ffmpeg, upload } from '../media/fixtures/files.js';
import { createTestDatabase } from '../stores.js';
import { startNodes, until } from './nodes.js';
import { servicesTestOptions, testRedisPrefix } from './services.js';

t.setTimeout(240_000);

/** A PostgreSQL database, a Redis prefix and media dirs shared by the nodes of one test. */
async function sharedSetup(t: Test) {
  const dir = t.testdir();
  const config = { databaseUrl: await createTestDatabase(t), redisPrefix: testRedisPrefix(), mediaDir: path.join(dir, 'shared', 'media'), originalsDir: path.join(dir, 'shared', 'originals') };
  return { dir, config };
}

/** Uploads a 2 s tone (its own pitch, so its own item) on `app`; returns the new item's id. */
async function uploadTone(t: Test, app: CrierApp, dir: string, frequency: number) {
  const wav = path.join(dir, `tone-${frequency}.wav`);
  await ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${frequency}:sample_rate=44100`, '-t', '2', wav]);
  const { status, body } = await upload(app, { name: '提示音.wav', data: await readFile(wav) });
  t.equal(status, 201, 'the node takes the upload');
  return body;
}

t.test('an upload on a node with no free runner is transcoded by an idle node', servicesTestOptions('redis', 'postgres'), async (t) => {
  const { dir, config } = await sharedSetup(t);
  // Node A's runner takes no job at all (concurrency 0): as busy as a node can be.
  const { nodes } = await startNodes(t, ['a', 'b'], { dir, config, perNode: { a: { ffmpegConcurrency: 0 } } });
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const id = (await uploadTone(t, a.app, dir, 550)).id as string;
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

t.test('an item waiting for a runner outlives the node that took it: a node that joins takes it', servicesTestOptions('redis', 'postgres'), async (t) => {
  const { dir, config } = await sharedSetup(t);
  // No runner anywhere yet: the upload must wait.
  const { nodes } = await startNodes(t, ['a', 'b'], { dir, config: { ...config, ffmpegConcurrency: 0 } });
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const body = await uploadTone(t, a.app, dir, 770);
  const id = body.id as string;
  t.match(body.job, { state: 'queued' }, 'its job waits');
  await a.app.close();

  const { nodes: [c] } = await startNodes(t, ['c'], { dir, config });
  const ready = await until(async () => {
    const item = JSON.parse((await b.app.inject({ url: `/api/v1/media/${id}` })).body) as { status: string };
    return item.status === 'ready' ? item : null;
  });
  t.equal(ready.status, 'ready', 'node B shows it ready');
  // Its job ends just after the item is committed ready.
  await until(async () => c!.app.crier.jobs.list().find((j) => j.mediaId === id && j.state === 'done' && !j.id.startsWith('job-waiting')));
  t.pass('node C, which joined after node A left, ran it');
});

t.test('a node that joins takes what waits at once and leaves alone what another node is running', servicesTestOptions('redis', 'postgres'), async (t) => {
  const { dir, config } = await sharedSetup(t);
  const { nodes } = await startNodes(t, ['a', 'b'], { dir, config: { ...config, ffmpegConcurrency: 0 } });
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const waiting = (await uploadTone(t, a.app, dir, 880)).id as string;
  const running = (await uploadTone(t, a.app, dir, 990)).id as string;
  // What node B holds while it transcodes `running`: the item's lease, and the item out of the waiting set.
  const { redis, key } = b.app.crier.cluster!.bus;
  await redis.zrem(key('media:waiting'), running);
  await redis.set(key(`lease:media:${running}`), 'b', 'PX', 600_000);

  // Two runners: room for both items, so only the lease can keep it from `running`.
  const { nodes: [c] } = await startNodes(t, ['c'], { dir, config: { ...config, ffmpegConcurrency: 2 } });
  await until(async () => c!.app.crier.jobs.list().find((j) => j.mediaId === waiting && j.state === 'done' && !j.id.startsWith('job-waiting')));
  t.equal(c!.app.crier.catalogue.read().media.find((m) => m.id === waiting)?.status, 'ready', 'node C ran the waiting item');
  t.same(c!.app.crier.jobs.list().filter((j) => j.mediaId === running && !j.id.startsWith('job-waiting')), [], 'node C queued no job for the item node B is running');
  t.equal(await redis.get(key(`lease:media:${running}`)), 'b', 'node B still holds its lease');
  t.equal(c!.app.crier.catalogue.read().media.find((m) => m.id === running)?.status, 'processing', 'and the item is still B\'s to finish');
});
