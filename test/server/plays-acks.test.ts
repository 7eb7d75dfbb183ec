// The acks of batches one commit made durable go out in slices (server/gateway/plays-intake.ts with
// server/gateway/sliced-queue.ts): the writer thread answers hundreds of batches in one message, and
// their acks sent in that one callback stalled the loop 100-200 ms at 5,000 players (docs/scaling.md,
// sixth session). The store here is the writer's contract: every batch of one commit resolves at once.
import t from 'tap';
import { createPlayLimits } from '../../server/gateway/play-limits.js';
import { createPlaysAdmission } from '../../server/gateway/plays-admission.js';
import { createPlaysIntake, type PlaysConnection } from '../../server/gateway/plays-intake.js';
import { createSlicedQueue } from '../../server/gateway/sliced-queue.js';
import type { Screen } from '../../playlists/catalogue.schema.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

t.test('a commit\'s acks are sent a slice at a time, the loop turning between slices', async (t) => {
  let clock = 0;
  const past = new Date(Date.now() - 86_400_000).toISOString();
  const screen = { id: 'screen-1', isProvisional: false, revokedAt: null, claimedAt: past, createdAt: past } as unknown as Screen;
  let commit!: () => void;
  const committed = new Promise<void>((resolve) => (commit = resolve));
  let handedOver = 0;
  const intake = createPlaysIntake({
    screens: { find: () => screen },
    airingLog: { recordPlays: async (_id, _unclaimed, records) => (handedOver++, await committed, { inserted: records.length }) },
    clock: { now: () => new Date() },
    playLimits: createPlayLimits({ airingLog: { lastPlayStarts: async () => new Map(), countPlays: async () => 0 }, settings: { playsPerMinute: 1e6, unclaimedPlaysPerScreen: 1e6, unclaimedPlaysTotal: 1e6 } }),
    admission: createPlaysAdmission({ perCommit: 1e6, maxPending: 1e6, maxWaitMs: 1e6, minRate: 1e6 }),
    overload: { refused: () => {} },
    acks: createSlicedQueue(10, () => clock),
  });
  const sent: number[] = [];
  const connection: PlaysConnection = {
    screenId: screen.id,
    // Each ack costs 4 ms of the loop (a socket write).
    send: (message) => (message.type === 'plays-ack' && sent.push(message.batch!), (clock += 4)),
    revoked: () => t.fail('not revoked'),
    fault: () => {},
  };
  const end = new Date(Date.now() - 1000).toISOString();
  const batches = Array.from({ length: 12 }, (_, b) =>
    intake.take(connection, { type: 'plays', batch: b + 1, records: [{ id: `r${b}`, itemId: 'i', mediaId: 'm', hash: 'h', manifestVersion: 'v', startedAt: past, endedAt: end, completed: true }] } as never, 0),
  );
  while (handedOver < 12) await turn();
  commit();
  const perTurn: number[] = [];
  while (sent.length < 12 && perTurn.length < 20) {
    const before = sent.length;
    await turn();
    perTurn.push(sent.length - before);
  }
  await Promise.all(batches);
  t.same(sent, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'every batch acknowledged, in the order it was made durable');
  t.ok(perTurn.every((n) => n <= 3), `at most three 4-ms acks per 10-ms slice (per loop turn: ${perTurn.join(', ')})`);
  t.ok(perTurn.filter((n) => n > 0).length >= 4, 'spread over at least four turns of the loop');
});
