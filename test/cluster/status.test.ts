// Screens' live status on every node (issue 15.2): a real player on node B sends heartbeats; node A's
// API (one screen, the list the screens page and the dashboard read) and its console's live hints show
// them; when node B dies, its screen goes offline on node A after the presence TTL, and node A keeps
// the last heartbeat and health report it was told. The cluster view in /healthz and /metrics on node A
// lists node B with its player while it lives, and drops it once it is dead.
import t from 'tap';
import type { ClusterNode, ScreenWithStatus } from '../../server/api.schema.js';
import { helloPlayer } from '../helper.js';
import { adminAt, startNodeProcesses, until, wsOf } from './nodes.js';
import { servicesTestOptions } from './services.js';

// Node processes start on a shared 2-core machine, and a dead node is noticed only after its TTL (15 s).
t.setTimeout(300_000);

type Status = ScreenWithStatus['status'];
type Health = { cluster: { nodeId: string; nodes: ClusterNode[] } | null };

t.test('a player on node B is shown live on node A, and offline there once node B dies', servicesTestOptions('redis', 'postgres'), async (t) => {
  const [a, b] = await startNodeProcesses(t, ['a', 'b']);
  const { player, welcome } = await helloPlayer(t, wsOf(b!.baseUrl));
  const screenId = welcome.screenId;
  const { manifest } = await player.next('manifest', 30_000);
  const [first, second] = [manifest.items[0]!, manifest.items.at(-1)!];

  const admin = await adminAt(t, a!.baseUrl);
  const statusOnA = async () => (await admin.get<ScreenWithStatus>(`/api/v1/screens/${screenId}`)).status;
  const listedOnA = async () => (await admin.get<ScreenWithStatus[]>('/api/v1/screens')).find((s) => s.id === screenId)?.status;
  // A console on node A reloads on each `refresh screens` hint: what it then reads from node A is kept here.
  const readOnHint: Status[] = [];
  await admin.openConsole((event) => {
    if (event.type === 'refresh' && event.topic === 'screens') void statusOnA().then((s) => readOnHint.push(s));
  });

  const heartbeat = (fields: Record<string, unknown>) =>
    player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), manifestVersion: manifest.version, cache: { items: 3, itemsTotal: 4, bytes: 10, bytesTotal: 20 }, ...fields });

  const sentAt = Date.now();
  heartbeat({ uptimeMs: 1111, soundBlocked: true, airing: { itemId: first.id, mediaId: first.mediaId, startedAt: new Date().toISOString() }, errors: [{ kind: 'other', message: '集群测试错误 cluster-test-error', at: new Date().toISOString() }] });
  await player.next('heartbeat-ack');
  const shown = await until(async () => ((await statusOnA())?.soundBlocked === true ? statusOnA() : null));
  t.equal(shown.isOnline, true, 'node A shows the screen online');
  t.ok(Date.parse(shown.lastHeartbeatAt!) >= sentAt, `node A's "last heartbeat" is the one node B just received (${shown.lastHeartbeatAt})`);
  t.equal(shown.airing?.mediaId, first.mediaId, 'node A shows what airs on node B');
  t.equal(shown.health?.uptimeMs, 1111, 'node A shows the health report node B received');
  t.match(shown.health?.errors, [{ message: /cluster-test-error/ }], 'with its errors');
  t.same(shown.health?.cache, { items: 3, itemsTotal: 4, bytes: 10, bytesTotal: 20 }, 'and its cache');
  const listed = await listedOnA();
  t.match(listed, { soundBlocked: true, lastHeartbeatAt: shown.lastHeartbeatAt, health: { uptimeMs: 1111 } }, 'the list the screens page and dashboard read agrees');
  await until(async () => readOnHint.find((s) => s.soundBlocked === true));
  t.pass('a console on node A was told to reload after the change reached node A, and read it');

  // A later heartbeat, not only the first, reaches node A.
  heartbeat({ uptimeMs: 2222, soundBlocked: false, airing: { itemId: second.id, mediaId: second.mediaId, startedAt: new Date().toISOString() }, errors: [] });
  await player.next('heartbeat-ack');
  const later = await until(async () => {
    const s = await statusOnA();
    return s.health?.uptimeMs === 2222 ? s : null;
  });
  t.equal(later.soundBlocked, false, 'sound no longer blocked on node A');
  t.equal(later.airing?.mediaId, second.mediaId, 'the new item on air');
  t.ok(Date.parse(later.lastHeartbeatAt!) >= Date.parse(shown.lastHeartbeatAt!), 'a later last heartbeat');
  await until(async () => readOnHint.find((s) => s.soundBlocked === false && s.health?.uptimeMs === 2222));
  t.pass('and a console on node A was told again');

  // The cluster as node A's /healthz (no sign-in: load balancers) and /metrics see it.
  const healthOnA = async () => (await (await fetch(`${a!.baseUrl}/healthz`)).json()) as Health;
  const both = await until(async () => {
    const { cluster } = await healthOnA();
    return cluster?.nodes.find((n) => n.id === 'b')?.players === 1 ? cluster : null;
  });
  t.equal(both.nodeId, 'a', 'node A names itself');
  t.same(both.nodes.map((n) => n.id), ['a', 'b'], 'and lists both nodes, itself first');
  t.equal(both.nodes[0]!.players, 0, 'node A holds no player');
  t.ok(both.nodes.every((n) => Date.parse(n.startedAt) <= Date.parse(n.lastSeenAt)), 'each with when it started and was last seen');
  t.match(await admin.text('/metrics'), /crier_cluster_node_players\{node="b"\} 1/, '/metrics on node A counts node B\'s player');

  const hintsBefore = readOnHint.length;
  b!.process.kill('SIGKILL');
  const offline = await until(async () => {
    const s = await statusOnA();
    return s.isOnline ? null : s;
  });
  t.equal(offline.connections, 0, 'node B\'s session is gone from node A once its presence expired');
  t.equal(offline.lastHeartbeatAt, later.lastHeartbeatAt, 'node A keeps the last heartbeat node B told it');
  t.equal(offline.health?.uptimeMs, 2222, 'and the last health report');
  await until(async () => readOnHint.slice(hintsBefore).find((s) => !s.isOnline));
  t.pass('a console on node A was told to reload when node B dropped out');
  const alone = await until(async () => {
    const { cluster } = await healthOnA();
    return cluster?.nodes.length === 1 ? cluster : null;
  });
  t.same(alone.nodes.map((n) => n.id), ['a'], 'node A\'s /healthz no longer lists the dead node B');
  t.notMatch(await admin.text('/metrics'), /crier_cluster_node_players\{node="b"\}/, 'nor does its /metrics');
});
