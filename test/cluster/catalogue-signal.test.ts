// The catalogue signal names the changed screens (issue 15): two nodes on one PostgreSQL and one Redis.
// A change made on node A is announced with the screens it affects; node B passes over its own players
// of those screens only, and they get the change; a change for all is announced as all.
import type { Test } from 'tap';
import t from 'tap';
import { Redis } from 'ioredis';
import type { CrierApp } from '../../server/app.js';
import { helloPlayer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';
import { createTestDatabase } from '../stores.js';
import { startNodes, until } from './nodes.js';
import { servicesTestOptions, testRedisPrefix, testRedisUrl } from './services.js';

const needs = servicesTestOptions('redis', 'postgres');

/** A player claimed into a township through node `app`'s real pairing path. */
async function claimed(t: Test, app: CrierApp, wsUrl: string, township: string) {
  const { player, welcome } = await helloPlayer(t, wsUrl);
  const siteId = await placeSite(app, township);
  const res = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: `屏 ${welcome.screenId}`, siteId } });
  if (res.statusCode !== 200) throw new Error(`claim failed: ${res.statusCode} ${res.body}`);
  const paired = await player.next('paired');
  player.send({ type: 'paired-ack', screenId: paired.screenId });
  const manifests = () => player.received.filter((m) => m.type === 'manifest').length;
  return { player, screenId: welcome.screenId, manifests };
}

t.test('a change on node A names its screens; node B passes over only its own players of them', needs, async (t) => {
  const redisPrefix = testRedisPrefix();
  const listener = new Redis(testRedisUrl());
  t.teardown(() => listener.disconnect());
  const announced: { version: number | null; screenIds: string[] | null }[] = [];
  listener.on('message', (_channel: string, text: string) => {
    const { message } = JSON.parse(text) as { message: { type: string; version: number | null; screenIds: string[] | null } };
    if (message.type === 'catalogue') announced.push(message);
  });
  await listener.subscribe(`${redisPrefix}bus`);
  const databaseUrl = await createTestDatabase(t);
  const { nodes } = await startNodes(t, ['a', 'b'], { config: { redisPrefix, databaseUrl } });
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];

  const eastOnB = [await claimed(t, b.app, b.wsUrl, '东乡'), await claimed(t, b.app, b.wsUrl, '东乡')];
  const westOnB = [await claimed(t, b.app, b.wsUrl, '西乡'), await claimed(t, b.app, b.wsUrl, '西乡')];
  const eastOnA = await claimed(t, a.app, a.wsUrl, '东乡');
  // Both nodes hold the same snapshot before the change.
  await until(async () => a.app.crier.catalogue.version() === b.app.crier.catalogue.version());
  const before = [...eastOnB, ...westOnB].map((p) => p.manifests());

  const res = await a.app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '东乡插播', playlistId: a.app.crier.catalogue.read().defaultPlaylistId, target: { kind: 'townships', townships: ['东乡'] }, priority: 50 } });
  t.equal(res.statusCode, 201);
  const version = a.app.crier.catalogue.version();
  const message = await until(async () => announced.find((m) => m.version === version));
  t.same([...(message.screenIds ?? ['(all)'])].sort(), [eastOnA.screenId, ...eastOnB.map((p) => p.screenId)].sort(), 'the announcement names the three screens of 东乡');

  await until(async () => eastOnB.every((p, i) => p.manifests() > before[i]!));
  t.pass("node B's players in 东乡 got the alert");
  t.equal(b.app.crier.publisher.stats.lastVisited, 2, "node B's pass went over its own two players of 东乡, not its four");
  t.same(westOnB.map((p, i) => p.manifests() - before[2 + i]!), [0, 0], "node B's players in 西乡 were sent nothing");

  const counts = [...eastOnB, ...westOnB].map((p) => p.manifests());
  const all = await a.app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '全县插播', playlistId: a.app.crier.catalogue.read().defaultPlaylistId, target: { kind: 'all' }, priority: 60 } });
  t.equal(all.statusCode, 201);
  const allVersion = a.app.crier.catalogue.version();
  t.equal((await until(async () => announced.find((m) => m.version === allVersion))).screenIds, null, 'a change for all is announced as all (null)');
  await until(async () => [...eastOnB, ...westOnB].every((p, i) => p.manifests() > counts[i]!));
  t.equal(b.app.crier.publisher.stats.lastVisited, 4, "node B's pass went over all four of its players");
});
