// Protocol v1.5: a server with a large fleet asks its players to spread their `manifest-applied` answers
// (server/gateway/applied-spread.ts), in `welcome` and again in a `heartbeat-ack` when the fleet grew or shrank.
import t from 'tap';
import { HeartbeatAckSchema, WelcomeSchema } from '../../player/protocol.js';
import { loadConfig } from '../../server/config.js';
import { appliedSpreadFor } from '../../server/gateway/applied-spread.js';
import { helloPlayer, sleep, startTestServer, type TestPlayer } from '../helper.js';

t.test('the spread grows with the fleet: none for a small one, 1.5 s at 10,000, at most 2 s; 0 per player turns it off', async (t) => {
  t.equal(appliedSpreadFor(1), 0, 'one player answers at once');
  t.equal(appliedSpreadFor(300), 0, '300 players answer at once');
  t.equal(appliedSpreadFor(1000), 150);
  t.equal(appliedSpreadFor(10_000), 1500);
  t.equal(appliedSpreadFor(50_000), 2000, 'capped');
  t.equal(appliedSpreadFor(10_000, 0), 0, 'off');
  t.equal(appliedSpreadFor(2, 400), 800, 'another rate (tests)');
  t.equal(loadConfig({}).appliedSpreadMsPerPlayer, 0.15, 'the default rate');
  t.equal(loadConfig({ CRIER_APPLIED_SPREAD_MS_PER_PLAYER: '0' }).appliedSpreadMsPerPlayer, 0);
  for (const bad of ['-1', 'abc', '101']) t.throws(() => loadConfig({ CRIER_APPLIED_SPREAD_MS_PER_PLAYER: bad }), /CRIER_APPLIED_SPREAD_MS_PER_PLAYER/, `refused: ${bad}`);
});

const beat = (player: TestPlayer) => player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1 });

t.test('welcome says how long to spread; a heartbeat-ack says it again only when it moved by 100 ms or more', async (t) => {
  const { wsUrl } = await startTestServer(t, { appliedSpreadMsPerPlayer: 400 });
  const first = await helloPlayer(t, wsUrl);
  t.equal(first.welcome.appliedSpreadMs, 400, 'one player connected: 400 ms');
  t.ok(WelcomeSchema.safeParse(first.welcome).success, 'the welcome passes the protocol schema');
  beat(first.player);
  t.equal((await first.player.next('heartbeat-ack')).appliedSpreadMs, undefined, 'unchanged: not said again');
  const second = await helloPlayer(t, wsUrl);
  t.equal(second.welcome.appliedSpreadMs, 800, 'two connected: 800 ms');
  beat(first.player);
  const ack = await first.player.next('heartbeat-ack');
  t.equal(ack.appliedSpreadMs, 800, 'the first player is told the new spread');
  t.ok(HeartbeatAckSchema.safeParse(ack).success, 'the ack passes the protocol schema');
  beat(first.player);
  t.equal((await first.player.next('heartbeat-ack')).appliedSpreadMs, undefined, 'told once');
  second.player.socket.close();
  await sleep(200);
  beat(first.player);
  t.equal((await first.player.next('heartbeat-ack')).appliedSpreadMs, 400, 'the fleet shrank: told again');
});

t.test('a small fleet at the default rate is not asked to spread: welcome and acks as before', async (t) => {
  const { wsUrl } = await startTestServer(t);
  const { player, welcome } = await helloPlayer(t, wsUrl);
  t.notOk('appliedSpreadMs' in welcome, 'no appliedSpreadMs in the welcome');
  beat(player);
  t.notOk('appliedSpreadMs' in (await player.next('heartbeat-ack')), 'none in the ack');
});

t.test('a spread to zero is told (players answer at once again), and the schema refuses values out of range', async (t) => {
  const { wsUrl } = await startTestServer(t, { appliedSpreadMsPerPlayer: 30 });
  const first = await helloPlayer(t, wsUrl);
  t.notOk('appliedSpreadMs' in first.welcome, '30 ms is under the least spread: none');
  for (const bad of [-1, 1.5, 10_001]) t.notOk(WelcomeSchema.safeParse({ ...first.welcome, appliedSpreadMs: bad }).success, `welcome with ${bad} refused`);
});
