// The SQLite airing log commits in a writer thread (issue 14.3): the event loop keeps turning while a
// large batch commits (inline, the commit holds it), a failed transaction crosses the thread as an
// error and moves no chain head (the disk-full test shows SQLite's code crossing too), a reopened log continues each chain where the thread left it, and commits checkpoint the WAL only every ~40 MB.
import Database from 'better-sqlite3';
import path from 'node:path';
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { createAiringLog, playFields, type AiringLogOptions, type StoredPlay } from '../../server/storage/airing.store.js';
import { chainHash } from '../../server/storage/play-chain.js';
import { WAL_CHECKPOINT_PAGES } from '../../server/storage/airing.writes.js';
import { niceOfThread, testPlayRecord, threadsAtNice } from '../helper.js';

const records = (n: number, from = Date.now() - 3_600_000): PlayRecord[] => Array.from({ length: n }, (_, i) => testPlayRecord(from + i * 100, 50));

/** How many times the event loop turned (setImmediate) until `work` settled. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let turns = 0;
  let isDone = false;
  const spin = () => {
    if (isDone) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work;
  isDone = true;
  return turns;
}

t.test('the event loop turns while the thread commits a large batch; inline the commit holds it', async (t) => {
  const turns: Record<NonNullable<AiringLogOptions['writer']>, number> = { thread: 0, inline: 0 };
  for (const writer of ['thread', 'inline'] as const) {
    const log = createAiringLog(t.testdir(), { writer });
    const batch = records(20_000);
    turns[writer] = await turnsDuring(log.recordPlays('scr-big', false, batch));
    t.equal(await log.countPlays({ screenId: 'scr-big' }), 20_000, `${writer}: every record is stored`);
    await log.close();
  }
  t.ok(turns.thread >= 20, `thread: the loop turned ${turns.thread} times during the commit`);
  t.ok(turns.inline <= 3, `inline: ${turns.inline} turns (the commit ran on the loop)`);
});

t.test('on Linux the writer thread commits at the process\'s priority unless given a nice value (CRIER_WRITER_NICE)', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  const atSeven = threadsAtNice(7);
  const fair = createAiringLog(t.testdir());
  t.teardown(() => fair.close());
  await fair.recordPlays('scr-a', false, records(2));
  t.equal(threadsAtNice(7), atSeven, 'by default no thread at 7');
  const yielding = createAiringLog(t.testdir(), { writerNice: 7 });
  t.teardown(() => yielding.close());
  t.same(await yielding.recordPlays('scr-a', false, records(2)), { inserted: 2 }, 'given 7, it stores');
  t.equal(threadsAtNice(7), atSeven + 1, 'and one more thread runs at 7');
  t.equal(niceOfThread(process.pid), 0, 'the main thread stays at 0');
});

t.test('a failed transaction crosses the thread, stores nothing and moves no chain head', async (t) => {
  const dir = t.testdir();
  const log = createAiringLog(dir);
  const good = records(3);
  t.same(await log.recordPlays('scr-a', false, good), { inserted: 3 });
  // A value SQLite cannot bind fails the transaction after two good rows of the batch were inserted.
  const broken = { ...testPlayRecord(Date.now() - 1000), mediaId: { not: 'text' } } as unknown as PlayRecord;
  await t.rejects(log.recordPlays('scr-a', false, [...records(2, Date.now() - 50_000), broken]), { message: /parameter/ }, 'the error reaches the caller ("Too few parameter values")');
  t.equal(await log.countPlays({ screenId: 'scr-a' }), 3, 'nothing of the failed batch is stored');
  await log.recordPlays('scr-a', false, records(1, Date.now() - 20_000));
  const seqs = (await log.listPlays({ screenId: 'scr-a', limit: 10 })).map((p) => p.seq).sort((a, b) => a! - b!);
  t.same(seqs, [1, 2, 3, 4], 'the next batch links to the last stored record, not to the failed ones');
  await log.close();

  const reopened = createAiringLog(dir);
  await reopened.recordPlays('scr-a', false, records(2, Date.now() - 10_000));
  const after = (await reopened.listPlays({ screenId: 'scr-a', limit: 10 })).map((p) => p.seq).sort((a, b) => a! - b!);
  t.same(after, [1, 2, 3, 4, 5, 6], 'reopened, the chain goes on from the head the thread wrote');
  await reopened.close();
});

t.test('commits leave their pages in the WAL past SQLite\'s 1,000-page default, and a reopened log reads them', async (t) => {
  const dir = t.testdir();
  const log = createAiringLog(dir);
  // Commits one after another, each well under the threshold, together well over SQLite's default one.
  for (let i = 0; i < 6; i++) await log.recordPlays(`scr-${i}`, false, records(3_000, Date.now() - 3_600_000 + i * 400_000));
  const peek = new Database(path.join(dir, 'airing.sqlite3'));
  // How many frames the WAL holds (a checkpoint after a commit would have restarted it); this one copies them back.
  const frames = (peek.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
  peek.close();
  t.ok(frames > 1_000, `the WAL holds ${frames} frames (a checkpoint after every ~1,000 pages would have restarted it)`);
  t.ok(frames < WAL_CHECKPOINT_PAGES, `and fewer than the ${WAL_CHECKPOINT_PAGES} that trigger a checkpoint`);
  await log.close();
  const reopened = createAiringLog(dir);
  t.equal(await reopened.countPlays({}), 18_000, 'every committed record is there after a reopen');
  await reopened.close();
});

t.test('plays crossing to the thread (packed) are stored as inline ones are, optional fields and all, and each hashes to itself', async (t) => {
  const base = Date.now() - 3_600_000;
  const full = { ...testPlayRecord(base), plannedStartedAt: new Date(base - 150).toISOString(), outcome: 'cut' as const, clockOffsetMs: -37, completed: false };
  const bare = testPlayRecord(base + 60_000, 20_000);
  const empty = { ...testPlayRecord(base + 120_000), plannedStartedAt: '', clockOffsetMs: 0, outcome: 'lost' as const };
  const stored: Record<string, StoredPlay[]> = {};
  for (const writer of ['thread', 'inline'] as const) {
    const log = createAiringLog(t.testdir(), { writer });
    t.same(await log.recordPlays('scr-p', false, [full, bare]), { inserted: 2 });
    t.same(await log.recordPlays('scr-u', true, [empty, full]), { inserted: 1 }, `${writer}: a play id already stored is refused, whichever screen sends it`);
    stored[writer] = (await log.listPlays({ limit: 10 })).sort((a, b) => a.id.localeCompare(b.id));
    await log.close();
  }
  const withoutArrival = (p: StoredPlay) => ({ ...p, receivedAt: undefined, prevHash: undefined, recordHash: undefined });
  t.same(stored.thread!.map(withoutArrival), stored.inline!.map(withoutArrival), 'the same fields, whichever way they were written');
  t.equal(stored.thread!.length, 3);
  for (const p of stored.thread!) {
    const fields = playFields(p.screenId, p.isProvisional, Date.parse(p.receivedAt), p);
    t.equal(chainHash(fields, p.prevHash!), p.recordHash, `${p.id}: its hash is that of the fields stored`);
  }
});
