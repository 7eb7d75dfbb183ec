// One screen-day's plays and chain check come from one read of the day's records (the as-run log's
// bulk). They must answer as the reads they replace (listPlays, then verifyChainSegment over the day's
// seq range) and, where the store was tampered with, as the full chain check does for the day's own
// records; a tamper outside the day leaves the day sound. Both stores (SQLite and PostgreSQL).
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import type { AiringReports, ChainCheck } from '../../server/storage/airing.reports.js';
import type { AiringLog } from '../../server/storage/airing.store.js';
import { chainHash } from '../../server/storage/play-chain.js';
import { forEachAiringStore, type AiringBackend, type RawAiring } from '../airing-stores.js';

const DAY_MS = 86_400_000;
const DAY0 = Date.parse('2026-01-09T16:00:00Z'); // 2026-01-10 in Shanghai; the store takes any [from, to)
const days = [0, 1, 2].map((d) => ({ from: DAY0 + d * DAY_MS, to: DAY0 + (d + 1) * DAY_MS }));

const play = (id: string, at: number): PlayRecord => ({
  id, itemId: 'i1', mediaId: 'm1', hash: 'a'.repeat(64), manifestVersion: 'v1',
  startedAt: new Date(at).toISOString(), endedAt: new Date(at + 10_000).toISOString(), completed: true, plannedStartedAt: new Date(at).toISOString(), outcome: 'completed', clockOffsetMs: 5,
});

/**
 * scr-a: five plays on each of three days (d0p1 … d2p5, one hour apart), day 1's last one sent late
 * (after day 2's first batch, so the days' seq ranges interleave), two plays starting at the same
 * moment (ties by id), and scr-b's plays between them.
 */
async function county(store: AiringBackend): Promise<{ log: AiringLog; reports: AiringReports; db: RawAiring }> {
  const { log, reports } = await store.openAiring();
  const plays = (d: number, ns: number[]) => ns.map((n) => play(`d${d}p${n}`, days[d]!.from + n * 3_600_000));
  await log.recordPlays('scr-a', false, plays(0, [1, 2, 3, 4, 5]));
  await log.recordPlays('scr-b', false, [play('b1', days[1]!.from + 60_000), play('b2', days[1]!.from + 120_000)]);
  await log.recordPlays('scr-a', false, plays(1, [1, 2, 3, 4]));
  await log.recordPlays('scr-a', false, [...plays(2, [1, 2]), play('d2p2-tie', days[2]!.from + 2 * 3_600_000)]);
  await log.recordPlays('scr-a', false, plays(1, [5])); // late
  await log.recordPlays('scr-a', false, plays(2, [3, 4, 5]));
  await log.flush();
  return { log, reports, db: await store.raw() };
}

/** What the as-run log read before: the day's plays oldest first (ties by id) and the check of their seq range. */
async function twoReads(log: AiringLog, reports: AiringReports, screenId: string, day: { from: number; to: number }) {
  const plays = (await log.listPlays({ screenId, from: new Date(day.from), to: new Date(day.to), limit: 100_000 })).reverse();
  plays.sort((a, b) => (a.startedAt === b.startedAt ? (a.id < b.id ? -1 : 1) : a.startedAt < b.startedAt ? -1 : 1));
  const range = await reports.seqRange(screenId, day.from, day.to);
  return { plays, chain: range ? await reports.verifyChainSegment(screenId, range.fromSeq, range.toSeq) : { ok: true, checked: 0 } };
}

const verdict = (c: ChainCheck) => ({ ok: c.ok, firstBad: c.firstBad });

forEachAiringStore(t, 'a screen-day read once answers as listPlays + verifyChainSegment did', async (t, store) => {
  const { log, reports } = await county(store);
  for (const [i, day] of days.entries()) {
    const once = await reports.screenDay('scr-a', day.from, day.to);
    t.same(once, await twoReads(log, reports, 'scr-a', day), `day ${i}`);
    t.equal(once.chain.ok, true);
  }
  const day2 = await reports.screenDay('scr-a', days[2]!.from, days[2]!.to);
  t.same(day2.plays.map((p) => p.id), ['d2p1', 'd2p2', 'd2p2-tie', 'd2p3', 'd2p4', 'd2p5'], 'oldest first, a tie by id');
  t.same(day2.plays[0], (await log.listPlays({ screenId: 'scr-a', limit: 100 })).find((p) => p.id === 'd2p1'), 'each play as listPlays has it');
  const day1 = await reports.screenDay('scr-a', days[1]!.from, days[1]!.to);
  t.same(day1.plays.map((p) => p.id), ['d1p1', 'd1p2', 'd1p3', 'd1p4', 'd1p5'], 'the late play is on its own day');
  t.equal(day1.chain.checked, 10, 'its seq range (6 … 13) takes in day 2 first batch; with one record of margin each side, 5 … 14');
  t.same(await reports.screenDay('scr-a', days[2]!.to, days[2]!.to + DAY_MS), { plays: [], chain: { ok: true, checked: 0 } }, 'a day without plays');
  t.same((await reports.screenDay('scr-b', days[1]!.from, days[1]!.to)).plays.map((p) => p.id), ['b1', 'b2'], 'only the screen asked for');
});

/** Tampers with the store; `isInDay` says whether the record touched is one of day 1's (seq 6 … 9 and 13 of scr-a). */
const tampers: { name: string; isInDay: boolean; tamper: (db: RawAiring) => Promise<void> }[] = [
  { name: 'a field changed', isInDay: true, tamper: (db) => db.run(`UPDATE plays SET completed = 0 WHERE id = 'd1p3'`) },
  { name: 'a field changed on the day before', isInDay: false, tamper: (db) => db.run(`UPDATE plays SET completed = 0 WHERE id = 'd0p3'`) },
  {
    name: 'a record changed with its own hash recomputed', isInDay: true,
    async tamper(db) {
      const [row] = await db.all<Parameters<typeof chainHash>[0] & { prev_hash: Uint8Array }>(`SELECT * FROM plays WHERE id = 'd1p2'`);
      const forged = { ...row!, ended_at: row!.ended_at + 60_000 };
      await db.run(`UPDATE plays SET ended_at = ?, record_hash = ? WHERE id = 'd1p2'`, forged.ended_at, Buffer.from(chainHash(forged, Buffer.from(row!.prev_hash).toString('hex')), 'hex'));
    },
  },
  { name: 'a record removed', isInDay: true, tamper: (db) => db.run(`DELETE FROM plays WHERE id = 'd1p2'`) },
  { name: 'the day\'s first record removed', isInDay: true, tamper: (db) => db.run(`DELETE FROM plays WHERE id = 'd1p1'`) },
  { name: 'a record removed on the day after, outside the day\'s seq range', isInDay: false, tamper: (db) => db.run(`DELETE FROM plays WHERE id = 'd2p4'`) },
  {
    name: 'a record inserted with links, the later ones moved up', isInDay: true,
    async tamper(db) {
      const [p] = await db.all(`SELECT * FROM plays WHERE id = 'd1p2'`);
      await db.run(`UPDATE plays SET seq = seq + 1 WHERE screen_id = 'scr-a' AND seq >= 8`);
      await db.run(`INSERT INTO plays (${Object.keys(p!).join(', ')}) VALUES (${Object.keys(p!).map(() => '?').join(', ')})`,
        ...Object.values({ ...p, id: 'forged', seq: 8, started_at: (p!.started_at as number) + 60_000, prev_hash: p!.record_hash, record_hash: Buffer.alloc(32, 0xff) }));
    },
  },
  {
    name: 'a record inserted without chain columns', isInDay: true,
    tamper: (db) => db.run(`INSERT INTO plays (id, screen_id, item_id, media_id, hash, manifest_version, started_at, ended_at, completed, received_at, is_provisional)
      VALUES ('naive', 'scr-a', 'i1', 'm1', 'h', 'v1', ?, ?, 1, 0, 0)`, days[1]!.from + 90 * 60_000, days[1]!.from + 91 * 60_000),
  },
  {
    name: 'a record without chain columns inserted on the day before', isInDay: false,
    tamper: (db) => db.run(`INSERT INTO plays (id, screen_id, item_id, media_id, hash, manifest_version, started_at, ended_at, completed, received_at, is_provisional)
      VALUES ('naive', 'scr-a', 'i1', 'm1', 'h', 'v1', ?, ?, 1, 0, 0)`, days[0]!.from + 90 * 60_000, days[0]!.from + 91 * 60_000),
  },
];

for (const { name, isInDay, tamper } of tampers) {
  forEachAiringStore(t, `${name}${isInDay ? ' in the day: named as the full check names it' : ': the day stays sound, the full check fails'}`, async (t, store) => {
    const { log, reports, db } = await county(store);
    await tamper(db);
    const full = await reports.verifyChain('scr-a');
    const day = await reports.screenDay('scr-a', days[1]!.from, days[1]!.to);
    t.equal(full.ok, false, 'the full check catches it');
    if (isInDay) {
      t.same(verdict(day.chain), verdict(full), `the day's check: ${JSON.stringify(full.firstBad)}`);
      t.same(day.plays.map((p) => p.id), (await twoReads(log, reports, 'scr-a', days[1]!)).plays.map((p) => p.id), 'the plays as listPlays has them');
    } else {
      t.same(verdict(day.chain), { ok: true, firstBad: undefined }, 'the day is sound');
    }
  });
}

forEachAiringStore(t, 'a removed record is named by the check of the day whose seq range spans the gap, as the full check names it', async (t, store) => {
  const { reports, db } = await county(store);
  await db.run(`DELETE FROM plays WHERE id = 'd1p5'`); // seq 13, sent late: between day 2's records
  const full = await reports.verifyChain('scr-a');
  t.match(full.firstBad, { seq: 13, playId: 'd2p3', kind: 'removed' });
  t.same(verdict((await reports.screenDay('scr-a', days[2]!.from, days[2]!.to)).chain), verdict(full), 'day 2');
  // Nothing left says seq 13 started on day 1: its remaining seq range (6 … 9) and the records either side are sound.
  t.same(verdict((await reports.screenDay('scr-a', days[1]!.from, days[1]!.to)).chain), { ok: true, firstBad: undefined }, 'day 1');
});

forEachAiringStore(t, 'records removed from the end of the chain: the last day\'s check ends at the head', async (t, store) => {
  const { reports, db } = await county(store);
  await db.run(`DELETE FROM plays WHERE id IN ('d2p4', 'd2p5')`);
  const full = await reports.verifyChain('scr-a');
  t.same(full.firstBad, { screenId: 'scr-a', seq: 15, playId: null, kind: 'removed' });
  t.same(verdict((await reports.screenDay('scr-a', days[2]!.from, days[2]!.to)).chain), verdict(full));
});
