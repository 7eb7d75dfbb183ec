// The play limits read each screen's last stored play once for all screens at start (preload), not once
// per screen in a burst of first batches: what the budget is stays the same, the reads per batch go.
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import type { Screen } from '../../playlists/catalogue.schema.js';
import { CLOCK_SKEW_MS, createPlayLimits } from '../../server/gateway/play-limits.js';
import { createAiringLog, type AiringLog } from '../../server/storage/airing.store.js';
import { testPlayRecord } from '../helper.js';

const HOUR = 3_600_000;
const now = Date.parse('2027-01-12T08:00:00Z');
const screen = (id: string, createdAt = now - 48 * HOUR): Screen => {
  const at = new Date(createdAt).toISOString();
  return { id, name: id, isProvisional: false, claimedAt: at, groups: [], createdAt: at };
};
const records = (n: number, from: number): PlayRecord[] => Array.from({ length: n }, (_, i) => testPlayRecord(from + i * 10) as PlayRecord);
const settings = { playsPerMinute: 20, unclaimedPlaysPerScreen: 1e6, unclaimedPlaysTotal: 1e6 };

/** The real log, its reads of last plays counted. */
function countingReads(log: AiringLog) {
  const asked: string[][] = [];
  return {
    asked,
    airingLog: {
      lastPlayStarts: (ids: readonly string[]) => (asked.push([...ids]), log.lastPlayStarts(ids)),
      countPlays: log.countPlays.bind(log),
    },
  };
}

t.test('preloaded: a screen\'s first batch reads nothing and earns from its last stored play or its creation', async (t) => {
  const log = createAiringLog(t.testdir());
  t.teardown(() => log.close());
  await log.recordPlays('played', false, records(3, now - 2 * HOUR));
  const { asked, airingLog } = countingReads(log);
  const limits = createPlayLimits({ airingLog, settings });
  await limits.preload(['played', 'silent']);
  t.same(asked, [['played', 'silent']], 'one read for every screen');

  const played = await limits.check(screen('played'), records(5_000, now - HOUR), now);
  // The last play started 2 h − 20 ms ago (the third record): 2 h and the skew allowance at 20 a minute.
  const earned = Math.floor(((2 * HOUR - 20 + CLOCK_SKEW_MS) / 60_000) * 20);
  t.equal(played.claimed.length, earned, `from the last stored play: ${earned}`);
  t.equal(played.deferred.size, 5_000 - earned, 'the rest waits');
  const silent = await limits.check(screen('silent'), records(5_000, now - HOUR), now);
  t.equal(silent.claimed.length, 5_000, 'no plays stored: from its creation two days ago, all of them');
  t.same(asked.length, 1, 'no read per screen');

  await limits.check(screen('added-since', now - HOUR), records(1, now - 60_000), now);
  t.same(asked.slice(1), [['added-since']], 'a screen not preloaded (added since start) reads its own');
});

t.test('a screen whose bucket exists keeps it: a later preload does not reset its budget', async (t) => {
  const log = createAiringLog(t.testdir());
  t.teardown(() => log.close());
  const { airingLog } = countingReads(log);
  const limits = createPlayLimits({ airingLog, settings });
  await limits.preload(['a']);
  const first = await limits.check(screen('a'), records(100_000, now - 47 * HOUR), now);
  t.ok(first.deferred.size > 0, 'the budget is spent');
  await limits.preload(['a']);
  const again = await limits.check(screen('a'), records(10, now - 60_000), now);
  t.equal(again.claimed.length, 0, 'still spent');
});
