// Two Crier nodes on one Redis (issue 15.2): a player on node B is seen, commanded and followed live
// through node A; login failures count on both together; a timed job's occurrence is claimed once.
// The nodes here keep their own embedded stores, so the screen is copied into A's catalogue; the
// shared-store case (PostgreSQL) is test/cluster/failover.test.ts.
import t from 'tap';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import type { ConsoleEvent } from '../../server/console/console.protocol.js';
import { adminHeaders, helloPlayer, injectRaw, socketlessSession } from '../helper.js';
import type { CrierApp } from '../../server/app.js';
import { startNodes, until } from './nodes.js';
import { servicesTestOptions, testRedisPrefix, testRedisUrl } from './services.js';

const needsRedis = servicesTestOptions('redis');

/** Node A learns of a screen that lives in node B's catalogue (shared in production by PostgreSQL). */
async function copyScreen(from: CrierApp, to: CrierApp, screenId: string) {
  const screen = from.crier.catalogue.read().screens.find((s) => s.id === screenId)!;
  await to.crier.catalogue.update((draft) => void draft.screens.push(structuredClone(screen)));
}

const statusOn = async (app: CrierApp, screenId: string) => JSON.parse((await app.inject({ url: `/api/v1/screens/${screenId}` })).body) as { status: { isOnline: boolean; connections: number; airing: { mediaId: string } | null } };

t.test('a player on node B is online, commanded and followed live on node A', needsRedis, async (t) => {
  const { nodes } = await startNodes(t, ['a', 'b']);
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const { player, welcome } = await helloPlayer(t, b.wsUrl);
  await copyScreen(b.app, a.app, welcome.screenId);

  const seen = await until(async () => ((await statusOn(a.app, welcome.screenId)).status.connections === 1 ? statusOn(a.app, welcome.screenId) : null));
  t.equal(seen.status.isOnline, true, 'node A lists the screen online although its socket is on node B');

  const { cookie } = await adminHeaders(a.app);
  const console = new WebSocket(a.wsUrl.replace('/ws/player', '/ws/console'), { headers: { cookie } });
  const events: ConsoleEvent[] = [];
  console.on('message', (data) => events.push(JSON.parse(data.toString()) as ConsoleEvent));
  await new Promise((resolve, reject) => (console.once('open', resolve), console.once('error', reject)));
  t.teardown(() => console.close());

  const sent = await a.app.inject({ method: 'POST', url: `/api/v1/screens/${welcome.screenId}/commands`, payload: { command: 'identify' } });
  t.equal(sent.statusCode, 202);
  t.equal((JSON.parse(sent.body) as { delivered: number }).delivered, 1, 'node A counts the connection on node B');
  const command = await player.next('command');
  t.equal(command.command, 'identify', 'the command reached the player through node B');

  const mediaId = b.app.crier.catalogue.read().media[0]!.id;
  player.send({ type: 'airing', itemId: 'item-1', mediaId, startedAt: new Date().toISOString(), isAlert: false });
  const airing = await until(async () => events.find((e) => e.type === 'airing' && e.screenId === welcome.screenId));
  t.equal(airing.type === 'airing' && airing.mediaId, mediaId, 'a console on node A sees what airs on node B');
  await until(async () => (await statusOn(a.app, welcome.screenId)).status.airing?.mediaId === mediaId);

  player.socket.close();
  await until(async () => (await statusOn(a.app, welcome.screenId)).status.connections === 0);
  t.pass('the player leaving node B leaves node A\'s list too');
});

t.test('failed logins count on every node together', needsRedis, async (t) => {
  const { nodes } = await startNodes(t, ['a', 'b'], { signedIn: false });
  const [a, b] = nodes.map((n) => injectRaw(n.app));
  const attempt = (inject: CrierApp['inject']) => inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'wrong-password-x' } });
  for (const inject of [a!, b!, a!, b!, a!]) t.equal((await attempt(inject)).statusCode, 401);
  t.equal((await attempt(b!)).statusCode, 429, 'the sixth failure is refused on node B after five spread over both nodes');
  // The counters' Redis keys say what they limit (they once read `login-undefinedundefined-login-…`).
  const { redis, key } = nodes[0]!.app.crier.cluster!.bus;
  const keys = (await redis.keys(key('login*'))).sort();
  t.same(keys, [key('login:ip:127.0.0.1'), key('login:user:admin')], 'one counter per address and one per account name');
  t.same(await Promise.all(keys.map((k) => redis.get(k))), ['5', '5'], 'each counted the five failures of both nodes');
});

t.test('a timed job\'s occurrence is run by one node only', needsRedis, async (t) => {
  const { nodes } = await startNodes(t, ['a', 'b', 'c']);
  const claims = await Promise.all(nodes.map((n) => n.app.crier.cluster!.runOnce('weekly:2026-W48', 60_000)));
  t.same(claims.filter(Boolean).length, 1, 'exactly one of three nodes claims the week');
  t.equal(await nodes[0]!.app.crier.cluster!.runOnce('weekly:2026-W49', 60_000), true, 'the next occurrence is anyone\'s');
});

t.test('a single process\'s /healthz has no cluster view', async (t) => {
  const { nodes } = await startNodes(t, ['solo'], { redis: false });
  const health = JSON.parse((await nodes[0]!.app.inject({ url: '/healthz' })).body) as { cluster: unknown };
  t.equal(health.cluster, null);
});

t.test('/healthz lists every node alive, with its players; a node that leaves drops out', needsRedis, async (t) => {
  const { nodes } = await startNodes(t, ['a', 'b', 'c']);
  const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
  await helloPlayer(t, b.wsUrl);
  const clusterOnA = async () => (JSON.parse((await a.app.inject({ url: '/healthz' })).body) as { cluster: { nodeId: string; nodes: { id: string; players: number }[] } }).cluster;
  const all = await until(async () => {
    const cluster = await clusterOnA();
    return cluster.nodes.find((n) => n.id === 'b')?.players === 1 && cluster.nodes.length === 3 ? cluster : null;
  });
  t.same(all.nodes.map((n) => n.id).sort(), ['a', 'b', 'c'], 'node A sees all three nodes');
  await c.app.close();
  const left = await until(async () => {
    const cluster = await clusterOnA();
    return cluster.nodes.length === 2 ? cluster : null;
  });
  t.same(left.nodes.map((n) => n.id).sort(), ['a', 'b'], 'node C, stopped, is no longer listed');
});

t.test('a thousand players arriving at once reach the other node in messages of at most 500 screens', needsRedis, async (t) => {
  const redisPrefix = testRedisPrefix();
  const listener = new Redis(testRedisUrl());
  t.teardown(() => listener.disconnect());
  const sizes: number[] = [];
  listener.on('message', (_channel: string, text: string) => {
    const { message } = JSON.parse(text) as { message: { type: string; upsert?: Record<string, unknown> } };
    if (message.type === 'presence') sizes.push(Object.keys(message.upsert ?? {}).length);
  });
  await listener.subscribe(`${redisPrefix}bus`);
  const { nodes } = await startNodes(t, ['a', 'b'], { config: { redisPrefix } });
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const now = new Date();
  const ids = Array.from({ length: 1200 }, (_, i) => `storm-${i}`);
  // Sessions as the gateway makes them, without sockets: what a reconnect storm adds within a second.
  for (const screenId of ids) {
    b.app.crier.presence.add(socketlessSession(screenId, { connectedAt: now, lastHeartbeatAt: now }));
  }
  await until(async () => ids.every((id) => a.app.crier.presence.countOf(id) === 1));
  t.pass('node A sees all 1,200 of node B\'s players');
  t.ok(sizes.length >= 3, `in ${sizes.length} messages`);
  t.ok(Math.max(...sizes) <= 500, `none with more than 500 screens (largest ${Math.max(...sizes)})`);
});
