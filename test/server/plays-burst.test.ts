// Many players' plays arriving at once (issue 14) are read in slices: a heartbeat read in the same
// poll phase as 48 batches of 200 records is answered before most of those batches are even
// validated, instead of after all of them; and every record of the burst is still stored, each once.
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { loadConfig } from '../../server/config.js';
import { helloPlayer, startTestServer, testPlayRecord } from '../helper.js';

// Under the limit of new screens per address (10 a minute), the watcher included.
const PLAYERS = 8;
const FRAMES_EACH = 6;
const RECORDS_PER_FRAME = 200;

/** Nothing else runs meanwhile: frames sent before it wait in the kernel and are read in one go after it. */
const block = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
};

t.test('a heartbeat is answered between slices of a plays burst, and the whole burst is stored', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {
    // Every batch is taken (no busy answers here): the point is when the heartbeat is answered.
    shedding: { lagMs: 0, plays: { perCommit: 1_000_000, maxPending: 1_000_000, maxWaitMs: 600_000 } },
    playLimits: { ...loadConfig({}).playLimits, playsPerMinute: 10_000 },
  });
  const { airingLog } = app.crier;
  let handedOver = 0;
  const recordPlays = airingLog.recordPlays.bind(airingLog);
  airingLog.recordPlays = (...args) => (handedOver++, recordPlays(...args));

  const senders = await Promise.all(Array.from({ length: PLAYERS }, () => helloPlayer(t, wsUrl)));
  const watcher = await helloPlayer(t, wsUrl);
  const sent: PlayRecord[][] = [];
  for (const { player } of senders) {
    for (let f = 0; f < FRAMES_EACH; f++) {
      const records = Array.from({ length: RECORDS_PER_FRAME }, (_, i) => testPlayRecord(Date.now() - 300_000 + f * RECORDS_PER_FRAME + i, 100));
      sent.push(records);
      player.send({ type: 'plays', records, batch: f + 1 });
    }
  }
  watcher.player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: null, uptimeMs: 1 });
  // All of it is in the server's socket buffers when the loop comes round: read in one poll phase.
  block(400);
  await watcher.player.next('heartbeat-ack');
  const frames = PLAYERS * FRAMES_EACH;
  t.ok(handedOver < frames / 2, `the heartbeat was answered when ${handedOver} of ${frames} batches had been handled (all of them, without slices)`);

  const acksOf = (player: (typeof senders)[number]['player']) => player.received.filter((m) => m.type === 'plays-ack');
  await new Promise<void>((resolve) => {
    const look = () => senders.every(({ player }) => acksOf(player).length >= FRAMES_EACH) && resolve();
    for (const { player } of senders) player.socket.on('message', look);
    look();
  });
  const acks = senders.flatMap(({ player }) => acksOf(player));
  t.equal(acks.filter((a) => a.busy).length, 0, 'none refused');
  t.same(new Set(acks.flatMap((a) => a.ids)), new Set(sent.flat().map((r) => r.id)), 'every record acknowledged');
  await airingLog.flush();
  t.equal(await airingLog.countPlays({}), frames * RECORDS_PER_FRAME, 'and stored once');
  for (const [i, { player }] of senders.entries()) {
    const batches = acksOf(player).map((m) => m.batch);
    t.same(batches, [1, 2, 3, 4, 5, 6], `player ${i}'s batches were answered in the order it sent them`);
  }
});
