// Liveness pings on player connections: only a connection nothing was heard from is pinged, and one that
// stays silent (a dead link: no frames, no pongs) is ended. Real ws clients against the real gateway, with
// the tick shortened from 30 s to 200 ms.
import t from 'tap';
import WebSocket from 'ws';
import { helloMessage, helloPlayer, sleep, startTestServer } from '../helper.js';

const TICK_MS = 200;

t.test('a player that talks is not pinged; a silent one is, and stays; one that never answers is ended', async (t) => {
  const { wsUrl } = await startTestServer(t, { pingIntervalMs: TICK_MS });

  const talking = await helloPlayer(t, wsUrl);
  const silent = await helloPlayer(t, wsUrl);
  // A dead link, as far as the server can tell: hello, then nothing, not even a pong.
  const dead = new WebSocket(wsUrl, { autoPong: false });
  t.teardown(() => dead.terminate());
  const deadClosed = new Promise<number>((resolve) => dead.on('close', (code) => resolve(code)));
  await new Promise((resolve) => dead.once('open', resolve));
  const welcomed = new Promise((resolve) => dead.once('message', resolve));
  dead.send(JSON.stringify(helloMessage()));
  await welcomed;

  const pings = { talking: 0, silent: 0, dead: 0 };
  talking.player.socket.on('ping', () => pings.talking++);
  silent.player.socket.on('ping', () => pings.silent++);
  dead.on('ping', () => pings.dead++);

  const started = Date.now();
  let deadAfterMs = -1;
  void deadClosed.then(() => (deadAfterMs = Date.now() - started));
  // Heartbeats twice a tick for seven ticks (within the frame allowance).
  for (let i = 0; i < 14; i++) {
    talking.player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: i * 100 });
    await sleep(TICK_MS / 2);
  }

  t.equal(pings.talking, 0, 'a player heard from every tick is never pinged');
  t.ok(pings.silent >= 2, `a silent player is pinged (${pings.silent} pings in 7 ticks)`);
  t.equal(silent.player.socket.readyState, WebSocket.OPEN, 'a silent player that answers its pings stays connected');
  t.equal(talking.player.socket.readyState, WebSocket.OPEN, 'so does the talking one');
  t.equal(talking.player.received.filter((m) => m.type === 'heartbeat-ack').length, 14, 'its heartbeats were all answered');
  t.ok(pings.dead >= 1, 'the dead link was pinged');
  t.equal(await Promise.race([deadClosed, sleep(10 * TICK_MS).then(() => 'still open')]), 1006, 'the dead link was ended (no close frame: terminated)');
  // Three ticks after its hello on a quiet machine (~600 ms); a busy one runs timers late.
  t.ok(deadAfterMs > 0 && deadAfterMs <= 6 * TICK_MS, `within a few ticks of going silent (${deadAfterMs} ms)`);
});
