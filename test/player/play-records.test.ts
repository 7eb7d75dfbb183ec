// The play-record queue: nothing is lost across reloads, batches respect the protocol limit, and only
// what the server acknowledged is ever removed.
import t from 'tap';
import { createPlayQueue, newRecordId, PENDING_PLAYS_KEY } from '../../player/play-records.js';
import { MAX_PLAYS_PER_BATCH, PlayRecordSchema, type PlayRecord } from '../../player/protocol.js';
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
function harness(storage: KeyValueStorage = createMemoryStorage(), options: { isOpen?: boolean; maxInFlight?: number } = {}) {
  const sent: PlayRecord[][] = [];
  const timers: (() => void)[] = [];
  let clock = 0;
  let isOpen = options.isOpen ?? true;
  const queue = createPlayQueue({
    storage,
    send: (batch) => {
      if (!isOpen) return false;
      sent.push(batch);
      return true;
    },
    now: () => clock,
    setTimer: (fn) => void timers.push(fn),
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
  });
  return {
    queue,
    sent,
    storage,
    runTimers: () => timers.splice(0).forEach((fn) => fn()),
    advance: (ms: number) => void (clock += ms),
    setOpen: (open: boolean) => void (isOpen = open),
  };
}

t.test('record ids are UUIDs the protocol accepts, also without crypto.randomUUID', async (t) => {
  t.ok(PlayRecordSchema.safeParse(makeRecord(1)).success);
  const original = crypto.randomUUID;
  Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
  try {
    const id = newRecordId();
    t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  } finally {
    Object.defineProperty(crypto, 'randomUUID', { value: original, configurable: true });
  }
});

t.test('records persist at once and survive a reload', async (t) => {
  const h = harness(createMemoryStorage(), { isOpen: false });
  const records = [makeRecord(1), makeRecord(2), makeRecord(3)];
  for (const r of records) t.ok(h.queue.add(r));
  t.equal(JSON.parse(h.storage.getItem(PENDING_PLAYS_KEY)!).length, 3, 'written before any flush');
  h.runTimers();
  t.equal(h.sent.length, 0, 'a closed socket sends nothing');

  // A "reload": a new queue over the same storage.
  const after = harness(h.storage);
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
  const h = harness(createMemoryStorage(), { isOpen: false });
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
  const reloaded = harness(h.storage);
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

t.test('a closed socket leaves records due, not in flight', async (t) => {
  const h = harness(createMemoryStorage(), { isOpen: false });
  h.queue.add(makeRecord(1));
  t.equal(h.queue.flush(), 0);
  t.equal(h.queue.inFlightCount, 0);
  h.setOpen(true);
  t.equal(h.queue.flush(), 1);
});

t.test('a large backlog drains in windows as acks return', async (t) => {
  const h = harness(createMemoryStorage(), { isOpen: false, maxInFlight: 1000 });
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

  const storage = createMemoryStorage();
  storage.setItem(PENDING_PLAYS_KEY, JSON.stringify([good, { nonsense: true }]));
  t.same(harness(storage).queue.list(), [good], 'the valid record is kept');
  storage.setItem(PENDING_PLAYS_KEY, '{not json');
  t.equal(harness(storage).queue.size, 0);
  t.ok(warnings().length >= 3, 'each refusal is logged');
});

t.test('a full storage keeps records in memory', async (t) => {
  t.capture(console, 'warn');
  const storage = createMemoryStorage();
  const full: KeyValueStorage = { ...storage, setItem: () => { throw new Error('QuotaExceededError'); } };
  const h = harness(full);
  t.ok(h.queue.add(makeRecord(1)));
  t.equal(h.queue.flush(), 1);
});
