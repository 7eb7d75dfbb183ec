// The play-record queue: nothing is lost across reloads and power cuts, batches respect the protocol
// limit, and only what the server acknowledged is ever removed. The store is the memory double of the
// IndexedDB store (same interface); the real one runs in Chromium (test/e2e/offline.browser.test.ts).
import fc from 'fast-check';
import t from 'tap';
import { MAX_RETRY_AFTER_MS } from '../../player/backoff.js';
import { createPlayQueue, newRecordId, PENDING_PLAYS_KEY } from '../../player/play-records.js';
import { MAX_PLAYS_PER_BATCH, PlayRecordSchema, type PlayRecord } from '../../player/protocol.js';
import { createMemoryRecordStore, type RecordStore } from '../../player/record-store.js';
import { createMemoryStorage, type KeyValueStorage } from '../../player/storage.js';

const HASH = 'a'.repeat(64);
function makeRecord(n: number): PlayRecord {
  const start = Date.UTC(2025, 0, 10, 8, 0, 0) + n * 10_000;
  return {
    id: newRecordId(),
    itemId: `item-${n % 7}`,
    mediaId: `media-${n % 7}`,
    hash: HASH,
    manifestVersion: 'v1',
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + 10_000).toISOString(),
    completed: true,
  };
}

/** A queue with a manual clock and timers, and a socket that records what was sent. */
function harness(store: RecordStore & { records: Map<string, unknown> } = createMemoryRecordStore(), options: { isOpen?: boolean; maxInFlight?: number; legacy?: KeyValueStorage; random?: () => number } = {}) {
  const sent: PlayRecord[][] = [];
  const batchNumbers: number[] = [];
  const timers: (() => void)[] = [];
  let clock = 0;
  let isOpen = options.isOpen ?? true;
  const queue = createPlayQueue({
    store,
    send: (batch, n) => {
      if (!isOpen) return false;
      sent.push(batch);
      batchNumbers.push(n);
      return true;
    },
    now: () => clock,
    setTimer: (fn) => void timers.push(fn),
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
    ...(options.legacy ? { legacy: options.legacy } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  return {
    queue,
    sent,
    batchNumbers,
    store,
    runTimers: () => timers.splice(0).forEach((fn) => fn()),
    advance: (ms: number) => void (clock += ms),
    setOpen: (open: boolean) => void (isOpen = open),
  };
}
/** Lets the store's promises settle (writes are asynchronous, like IndexedDB). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

t.test('record ids are time-ordered UUIDs (version 7) the protocol accepts, also without crypto.randomUUID', async (t) => {
  t.ok(PlayRecordSchema.safeParse(makeRecord(1)).success);
  const original = crypto.randomUUID;
  Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
  try {
    const at = Date.UTC(2026, 11, 2, 6, 30, 0, 123);
    const id = newRecordId(at);
    t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    t.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), at, 'the first 48 bits are the milliseconds');
  } finally {
    Object.defineProperty(crypto, 'randomUUID', { value: original, configurable: true });
  }
  // Ids made later sort later (what keeps the airing log's index appending), and none repeats,
  // also within one millisecond and across refills of the random pool.
  const times = Array.from({ length: 5000 }, (_, i) => Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 997);
  const ids = times.map((ms) => newRecordId(ms));
  t.equal(new Set(ids).size, ids.length, 'no id repeats');
  const byTime = ids.map((id, i) => [times[i]!, id] as const);
  const sorted = [...byTime].sort((a, b) => (a[1] < b[1] ? -1 : 1));
  t.ok(sorted.every(([ms], i) => i === 0 || ms >= sorted[i - 1]![0]), 'sorting the ids sorts them by time');
  t.ok(ids.every((id) => PlayRecordSchema.shape.id.safeParse(id).success), 'the protocol takes every one');
});

t.test('records persist at once and survive a reload', async (t) => {
  const h = harness(createMemoryRecordStore(), { isOpen: false });
  const records = [makeRecord(1), makeRecord(2), makeRecord(3)];
  for (const r of records) t.ok(h.queue.add(r));
  await settle();
  t.equal(h.store.records.size, 3, 'written before any flush');
  h.runTimers();
  t.equal(h.sent.length, 0, 'a closed socket sends nothing');

  // A "reload": a new queue over the same store.
  const after = harness(h.store);
  t.equal(await after.queue.ready, 3);
  t.same(after.queue.list(), records, 'same records, same order');
  t.equal(after.queue.flush(), 3);
  t.same(after.sent[0]!.map((r) => r.id), records.map((r) => r.id));
});

t.test('a record is flushed shortly after it is added, in one batch with its neighbours', async (t) => {
  const h = harness();
  h.queue.add(makeRecord(1));
  h.queue.add(makeRecord(2));
  t.equal(h.sent.length, 0, 'not sent synchronously');
  h.runTimers();
  t.equal(h.sent.length, 1);
  t.equal(h.sent[0]!.length, 2);
});

t.test('batches never exceed MAX_PLAYS_PER_BATCH', async (t) => {
  const h = harness(createMemoryRecordStore(), { isOpen: false });
  for (let i = 0; i < 1234; i++) h.queue.add(makeRecord(i));
  h.setOpen(true);
  t.equal(h.queue.flush(), 1234);
  t.same(h.sent.map((b) => b.length), [500, 500, 234]);
  t.ok(h.sent.every((b) => b.length <= MAX_PLAYS_PER_BATCH));
});

t.test('only acknowledged ids are removed; unknown ids are ignored', async (t) => {
  const h = harness();
  const records = [makeRecord(1), makeRecord(2), makeRecord(3)];
  for (const r of records) h.queue.add(r);
  h.queue.flush();
  t.equal(h.queue.ack([records[1]!.id]), 1);
  t.same(h.queue.list().map((r) => r.id), [records[0]!.id, records[2]!.id]);
  t.equal(h.queue.ack([newRecordId(), records[1]!.id]), 0, 'unknown and repeated acks change nothing');
  t.equal(h.queue.size, 2);
  await settle();
  const reloaded = harness(h.store);
  await reloaded.queue.ready;
  t.same(reloaded.queue.list().map((r) => r.id), [records[0]!.id, records[2]!.id], 'the removal was persisted');
});

t.test('in-flight records are not resent until the resend time or a new connection', async (t) => {
  const h = harness();
  h.queue.add(makeRecord(1));
  t.equal(h.queue.flush(), 1);
  t.equal(h.queue.flush(), 0, 'waiting for its ack');
  h.queue.add(makeRecord(2));
  t.equal(h.queue.flush(), 1, 'only the new one goes');
  h.advance(30_000);
  t.equal(h.queue.flush(), 2, 'no ack in time: both again');
  h.queue.connectionReset();
  t.equal(h.queue.flush(), 2, 'a new socket: everything unacknowledged again');
});

t.test('busy: the named batch is kept and nothing goes out before retryAfterMs (plus jitter) has passed', async (t) => {
  const h = harness(createMemoryRecordStore(), { maxInFlight: 1000, random: () => 0.5 });
  for (let i = 0; i < 700; i++) h.queue.add(makeRecord(i));
  t.equal(h.queue.flush(), 700, 'two batches in flight');
  const [first, second] = h.batchNumbers;
  t.not(first, second, 'each batch has its own number');
  t.equal(h.queue.answer({ ids: [], busy: true, retryAfterMs: 2000, batch: second! }), 0, 'the second is refused busy');
  t.equal(h.queue.size, 700, 'nothing is dropped');
  t.equal(h.queue.holdUntil, 2000 + 250, 'held for retryAfterMs and a quarter of it at most (random 0.5: an eighth)');
  const late = makeRecord(700);
  h.queue.add(late);
  h.advance(2249);
  h.runTimers();
  t.equal(h.queue.flush(), 0, 'not a frame during the hold, not even a new record');
  t.equal(h.sent.length, 2);
  t.equal(h.queue.answer({ ids: h.sent[0]!.map((r) => r.id), batch: first! }), 500, 'the first batch is still acknowledged during the hold');
  h.advance(1);
  h.runTimers();
  t.same(h.sent.slice(2).flat().map((r) => r.id).sort(), [...h.sent[1]!, late].map((r) => r.id).sort(), 'after the hold: the refused batch and the new record, once');
  t.equal(h.queue.answer({ ids: h.sent.slice(2).flat().map((r) => r.id) }), 201);
  t.equal(h.queue.size, 0);
});

t.test('a busy ack without a batch (a server before v1.4) holds the queue; its records wait for their resend time', async (t) => {
  const h = harness(createMemoryRecordStore(), { random: () => 0 });
  h.queue.add(makeRecord(1));
  h.queue.flush();
  h.queue.answer({ ids: [], busy: true, retryAfterMs: 3000 });
  h.advance(3000);
  t.equal(h.queue.flush(), 0, 'the hold is over, but the record is still in flight');
  h.advance(27_000);
  t.equal(h.queue.flush(), 1, 'resent when its ack is overdue');
});

t.test('records the server deferred (retryAfterMs without busy) wait that long; a huge retryAfterMs is capped', async (t) => {
  const h = harness(createMemoryRecordStore(), { random: () => 0 });
  const records = [makeRecord(1), makeRecord(2)];
  for (const r of records) h.queue.add(r);
  h.queue.flush();
  h.queue.answer({ ids: [records[0]!.id], retryAfterMs: 60_000, batch: h.batchNumbers[0]! });
  h.queue.add(makeRecord(3));
  t.equal(h.queue.flush(), 1, 'other records are not held');
  h.advance(59_999);
  t.equal(h.queue.flush(), 1, 'the deferred one waits its 60 s (the third, unacknowledged, is resent after 30 s)');
  t.notOk(h.sent.at(-1)!.some((r) => r.id === records[1]!.id));
  h.advance(1);
  t.equal(h.queue.flush(), 1, 'then it goes again');
  t.equal(h.sent.at(-1)![0]!.id, records[1]!.id);
  h.queue.answer({ ids: [], busy: true, retryAfterMs: 86_400_000, batch: h.batchNumbers.at(-1)! });
  t.equal(h.queue.holdUntil - 60_000, MAX_RETRY_AFTER_MS, 'a day is capped');
});

t.test('a closed socket leaves records due, not in flight', async (t) => {
  const h = harness(createMemoryRecordStore(), { isOpen: false });
  h.queue.add(makeRecord(1));
  t.equal(h.queue.flush(), 0);
  t.equal(h.queue.inFlightCount, 0);
  h.setOpen(true);
  t.equal(h.queue.flush(), 1);
});

t.test('a large backlog drains in windows as acks return', async (t) => {
  const h = harness(createMemoryRecordStore(), { isOpen: false, maxInFlight: 1000 });
  for (let i = 0; i < 2500; i++) h.queue.add(makeRecord(i));
  h.setOpen(true);
  t.equal(h.queue.flush(), 1000, 'one window');
  h.queue.ack(h.sent[0]!.map((r) => r.id));
  h.runTimers();
  t.equal(h.sent.length, 3, 'the ack made room for one more batch');
  t.equal(h.queue.size, 2000);
});

t.test('invalid and duplicate records are refused; corrupt storage is survived', async (t) => {
  const warnings = t.capture(console, 'warn');
  const h = harness();
  const good = makeRecord(1);
  t.notOk(h.queue.add({ ...makeRecord(2), endedAt: '2020-01-01T00:00:00.000Z' }), 'ends before it starts');
  t.notOk(h.queue.add({ ...makeRecord(3), id: 'not-a-uuid' }));
  t.ok(h.queue.add(good));
  t.notOk(h.queue.add(good), 'same id twice');
  t.equal(h.queue.size, 1);

  const legacy = createMemoryStorage();
  legacy.setItem(PENDING_PLAYS_KEY, JSON.stringify([good, { nonsense: true }]));
  const migrated = harness(createMemoryRecordStore(), { legacy });
  await migrated.queue.ready;
  t.same(migrated.queue.list(), [good], 'the valid record is kept');
  legacy.setItem(PENDING_PLAYS_KEY, '{not json');
  const corrupt = harness(createMemoryRecordStore(), { legacy });
  await corrupt.queue.ready;
  t.equal(corrupt.queue.size, 0);
  t.ok(warnings().length >= 3, 'each refusal is logged');
});

t.test('a store that fails keeps records in memory, and they are still sent', async (t) => {
  const failures: unknown[] = [];
  const broken: RecordStore = {
    load: () => Promise.reject(new Error('no IndexedDB')),
    put: () => Promise.reject(new Error('QuotaExceededError')),
    remove: () => Promise.reject(new Error('QuotaExceededError')),
  };
  const queue = createPlayQueue({ store: broken, send: () => true, setTimer: () => {}, onStoreError: (e) => failures.push(e) });
  t.equal(await queue.ready, 0);
  t.ok(queue.add(makeRecord(1)));
  t.equal(queue.flush(), 1);
  await settle();
  t.ok(failures.length >= 2, 'each failure is reported (the heartbeat carries it)');
});

t.test('localStorage records of an older player move to the store once', async (t) => {
  const legacy = createMemoryStorage();
  const old = [makeRecord(1), makeRecord(2)];
  legacy.setItem(PENDING_PLAYS_KEY, JSON.stringify(old));
  const h = harness(createMemoryRecordStore(), { legacy, isOpen: false });
  t.equal(await h.queue.ready, 2);
  await settle();
  t.equal(legacy.getItem(PENDING_PLAYS_KEY), null, 'the old key is cleared');
  t.same([...h.store.records.keys()].sort(), old.map((r) => r.id).sort(), 'both are in the store');
  const again = harness(h.store, { legacy });
  t.equal(await again.queue.ready, 2, 'a reload finds them in the store, not twice');
  t.same(again.queue.list().map((r) => r.id).sort(), old.map((r) => r.id).sort());
});

t.test('an item on air is persisted at its start; a power cut leaves it to be closed as lost on the next start', async (t) => {
  const h = harness(createMemoryRecordStore(), { isOpen: false });
  const record = { ...makeRecord(1), completed: false, endedAt: makeRecord(1).startedAt };
  h.queue.open(record);
  await settle();
  t.match(h.store.records.get(record.id), { state: 'open' }, 'stored the moment it went on air');
  t.equal(h.queue.size, 0, 'not due to the server while it airs');
  h.queue.touch(new Date(Date.parse(record.startedAt) + 6000));
  await settle();
  t.equal((h.store.records.get(record.id) as PlayRecord).endedAt, new Date(Date.parse(record.startedAt) + 6000).toISOString(), 'its end follows the airing');

  // Power cut: the page dies without closing it. The next start finds it open.
  const next = harness(h.store);
  t.equal(await next.queue.ready, 1);
  t.match(next.queue.list(), [{ id: record.id, completed: false, outcome: 'lost', endedAt: new Date(Date.parse(record.startedAt) + 6000).toISOString() }]);
  next.runTimers();
  t.same(next.sent.flat().map((r) => r.id), [record.id], 'sent once');
  next.queue.ack([record.id]);
  await settle();
  t.equal(next.store.records.size, 0, 'acknowledged: gone from the store');
  const third = harness(next.store);
  t.equal(await third.queue.ready, 0, 'and it does not come back');
});

t.test('an item that ends normally is closed under the same id', async (t) => {
  const h = harness();
  const record = makeRecord(1);
  h.queue.open({ ...record, completed: false, endedAt: record.startedAt });
  t.ok(h.queue.close({ ...record, outcome: 'completed' }));
  t.notOk(h.queue.close({ ...record, outcome: 'completed' }), 'closing twice changes nothing');
  await settle();
  t.match(h.store.records.get(record.id), { state: 'closed', completed: true });
  t.same(h.queue.openRecords(), []);
  h.runTimers();
  t.same(h.sent.flat().map((r) => r.id), [record.id]);
});

t.test('property: any mix of airings, reloads, power cuts, outages and acks delivers every record exactly once', async (t) => {
  const Step = fc.oneof(
    fc.constant('start' as const),
    fc.constant('end' as const),
    fc.constant('reload' as const),
    fc.constant('cut' as const),
    fc.constant('toggle' as const),
    fc.constant('ack' as const),
    fc.constant('lose-acks' as const),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(Step, { maxLength: 60 }), async (steps) => {
      const store = createMemoryRecordStore();
      const server = new Map<string, number>();
      const made = new Set<string>();
      let online = true;
      let inbox: PlayRecord[] = [];
      const boot = async () => {
        const q = createPlayQueue({ store, send: (b) => (online ? (inbox.push(...b), true) : false), setTimer: () => {}, now: () => 0 });
        await q.ready;
        return q;
      };
      let queue = await boot();
      let airing: PlayRecord | null = null;
      let n = 0;
      for (const step of steps) {
        if (step === 'start' && !airing) {
          airing = { ...makeRecord(n++), completed: false };
          airing.endedAt = airing.startedAt;
          made.add(airing.id);
          queue.open(airing);
        } else if (step === 'end' && airing) {
          queue.close({ ...airing, completed: true, endedAt: new Date(Date.parse(airing.startedAt) + 1000).toISOString() });
          airing = null;
        } else if (step === 'reload' || step === 'cut') {
          // A reload closes the item on air (pagehide); a power cut does not.
          if (step === 'reload' && airing) queue.close({ ...airing, completed: false, outcome: 'cut' });
          airing = null;
          await settle();
          queue = await boot();
          inbox = [];
        } else if (step === 'toggle') {
          online = !online;
          queue.connectionReset();
          inbox = [];
        } else if (step === 'ack') {
          // The server stores (deduplicating by id), then acknowledges.
          for (const r of inbox) server.set(r.id, (server.get(r.id) ?? 0) + (server.has(r.id) ? 0 : 1));
          queue.ack(inbox.map((r) => r.id));
          inbox = [];
        } else if (step === 'lose-acks') {
          for (const r of inbox) server.set(r.id, 1);
          inbox = [];
        }
        queue.flush();
        await settle();
      }
      // Everything comes back: end the item, reconnect, drain.
      if (airing) queue.close({ ...airing, completed: true });
      online = true;
      for (let i = 0; i < 5; i++) {
        queue.connectionReset();
        queue.flush();
        for (const r of inbox) server.set(r.id, 1);
        queue.ack(inbox.map((r) => r.id));
        inbox = [];
        await settle();
      }
      const rebooted = await boot();
      return [...made].every((id) => server.get(id) === 1) && server.size === made.size && queue.size === 0 && rebooted.size === 0;
    }),
    { numRuns: 150 },
  );
  t.pass('delivered exactly once');
});

t.test('a page going away mid-write leaves its final record in localStorage; it wins over the open copy', async (t) => {
  const legacy = createMemoryStorage();
  const store = createMemoryRecordStore();
  const record = makeRecord(1);
  const first = harness(store, { legacy, isOpen: false });
  await first.queue.ready;
  first.queue.open({ ...record, completed: false, endedAt: record.startedAt });
  await settle();
  // From here the store hangs, as IndexedDB does while the page unloads.
  store.put = () => new Promise(() => {});
  first.queue.close({ ...record, completed: false, outcome: 'cut' });
  first.queue.persistUrgently();
  t.equal(JSON.parse(legacy.getItem(PENDING_PLAYS_KEY)!).length, 1, 'written synchronously');

  const next = harness(createMemoryRecordStore([...store.records.values()] as never), { legacy });
  t.equal(await next.queue.ready, 1, 'one record, not two');
  t.match(next.queue.list(), [{ id: record.id, outcome: 'cut' }], 'the final record, not a lost one');
});
