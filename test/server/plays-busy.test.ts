// The player honours `plays-ack {busy, retryAfterMs}` (issue 14.3, protocol v1.4): the player's own
// play queue (player/play-records.ts) over a real WebSocket to a server whose store is held, so the
// admission bound is full and a batch is refused busy. The ack names the refused batch; the player
// sends nothing before retryAfterMs has passed, keeps the records, and each lands and is released once.
import t from 'tap';
import { createPlayQueue } from '../../player/play-records.js';
import { ServerMessageSchema, type PlayRecord } from '../../player/protocol.js';
import { createMemoryRecordStore } from '../../player/record-store.js';
import { BUSY_RETRY_MIN_MS } from '../../server/gateway/plays-admission.js';
import { helloPlayer, startTestServer, testPlayRecord } from '../helper.js';

const record = (startedAt: number): PlayRecord => testPlayRecord(startedAt, 4000);

/** Resolves once `check` holds, looking after every event the caller reports with `poke`. */
function condition(check: () => boolean) {
  let wake = () => {};
  return {
    poke: () => wake(),
    until: () => new Promise<void>((resolve) => {
      wake = () => check() && resolve();
      wake();
    }),
  };
}

t.test('a busy ack names its batch; the player waits at least retryAfterMs, then its records are stored and released once', async (t) => {
  const { app, wsUrl } = await startTestServer(t, { shedding: { lagMs: 0, plays: { perCommit: 3, maxPending: 4, maxWaitMs: 500 } } });
  const { airingLog } = app.crier;

  // The store is held: what reaches it waits, so the admission bound fills (a slow disk, made to order).
  const recordPlays = airingLog.recordPlays.bind(airingLog);
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const inStore = condition(() => true);
  airingLog.recordPlays = async (...args) => (inStore.poke(), await held, recordPlays(...args));

  const other = await helloPlayer(t, wsUrl);
  const reached = new Promise<void>((resolve) => (inStore.poke = resolve));
  other.player.send({ type: 'plays', records: [record(Date.now() - 9000), record(Date.now() - 8000), record(Date.now() - 7000)] });
  await reached;

  const { player, welcome } = await helloPlayer(t, wsUrl);
  const sends: { at: number; batch: number; ids: string[] }[] = [];
  const acks: { at: number; ids: string[]; busy?: true | undefined; retryAfterMs?: number | undefined; batch?: number | undefined }[] = [];
  const released: string[] = [];
  const progress = condition(() => queue.size === 0 && released.length === 4);
  const queue = createPlayQueue({
    store: createMemoryRecordStore(),
    flushDelayMs: 10,
    // Shorter than any busy wait (≥ BUSY_RETRY_MIN_MS): a player that ignored busy would resend before it.
    resendAfterMs: BUSY_RETRY_MIN_MS / 2,
    send: (records, batch) => {
      sends.push({ at: performance.now(), batch, ids: records.map((r) => r.id) });
      player.send({ type: 'plays', records, batch });
      return true;
    },
  });
  player.socket.on('message', (data) => {
    const message = ServerMessageSchema.parse(JSON.parse(data.toString()));
    if (message.type !== 'plays-ack') return;
    acks.push({ at: performance.now(), ids: message.ids, busy: message.busy, retryAfterMs: message.retryAfterMs, batch: message.batch });
    const before = new Set(queue.list().map((r) => r.id));
    queue.answer(message);
    const after = new Set(queue.list().map((r) => r.id));
    for (const id of before) if (!after.has(id)) released.push(id);
    progress.poke();
  });
  await queue.ready;

  const mine = [record(Date.now() - 6000), record(Date.now() - 5000), record(Date.now() - 4000)];
  for (const r of mine) queue.add(r);
  const busy = await new Promise<(typeof acks)[number]>((resolve) => {
    const look = setInterval(() => acks[0] && (clearInterval(look), resolve(acks[0])), 5);
  });
  t.equal(busy.busy, true, 'the server is behind: the batch is refused busy');
  t.same(busy.ids, [], 'nothing of it is acknowledged');
  t.equal(busy.batch, sends[0]!.batch, 'the ack names the batch the player sent');
  t.ok(busy.retryAfterMs! >= BUSY_RETRY_MIN_MS, `and says when to resend (${busy.retryAfterMs} ms)`);
  t.equal(queue.size, 3, 'the player keeps the records');
  t.ok(queue.holdUntil - busy.at >= busy.retryAfterMs! - 1, 'and holds its plays for at least that long');

  // A record made during the hold waits with the others; then the store is let go.
  const late = record(Date.now() - 3000);
  queue.add(late);
  release();
  await progress.until();

  const after = sends.slice(1);
  t.ok(after.length >= 1, 'the batch was sent again');
  const firstResend = after[0]!.at - busy.at;
  t.ok(firstResend >= busy.retryAfterMs!, `nothing was sent for ${Math.round(firstResend)} ms ≥ retryAfterMs ${busy.retryAfterMs} ms`);
  t.same(new Set(after.flatMap((s) => s.ids)), new Set([...mine, late].map((r) => r.id)), 'the refused records and the late one went out after the hold');
  t.same([...released].sort(), [...mine, late].map((r) => r.id).sort(), 'each record was released by the player exactly once');
  await airingLog.flush();
  t.equal(await airingLog.countPlays({ screenId: welcome.screenId }), 4, 'and each is stored exactly once');
});
