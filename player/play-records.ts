// Play records wait here until the server acknowledges them as durably written. Each is persisted
// (RecordStore: IndexedDB in the browser) the moment its item starts, updated while it airs and
// closed when it ends, so a reload, crash or power cut loses none: a record still open at the next
// start belongs to an airing the player did not survive, and is closed then as not completed.
// Ids make resends harmless: the server deduplicates by id, so every record lands exactly once.
import { retryDelay } from './backoff.js';
import { MAX_PLAYS_PER_BATCH, PlayRecordSchema, type PlayRecord, type ServerMessage } from './protocol.js';
import { LEGACY_PLAYS_KEY, readLegacyRecords, type RecordStore, type StoredRecord } from './record-store.js';
import { writeJson, type KeyValueStorage } from './storage.js';

export { LEGACY_PLAYS_KEY as PENDING_PLAYS_KEY } from './record-store.js';

export interface PlayQueueOptions {
  store: RecordStore;
  /** Hands one batch (numbered, so its ack can name it) to the socket; false when there is no open socket (it stays queued). */
  send: (records: PlayRecord[], batch: number) => boolean;
  /** localStorage of an older player whose queued records move over once. */
  legacy?: KeyValueStorage;
  /** Records made close together travel in one frame. */
  flushDelayMs?: number;
  /** A sent batch not acknowledged by then is sent again (a lost frame, a server restart). */
  resendAfterMs?: number;
  /** Flow control: a week-long offline backlog drains in windows as acks return, not in one burst. */
  maxInFlight?: number;
  now?: () => number;
  /** The jitter added to a server's retryAfterMs; Math.random otherwise. */
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** A store write failed (quota, a broken profile): the record stays in memory and is still sent. */
  onStoreError?: (error: unknown) => void;
}

const strip = ({ state: _state, ...record }: StoredRecord): PlayRecord => record;

type PlaysAck = Extract<ServerMessage, { type: 'plays-ack' }>;

export function createPlayQueue(options: PlayQueueOptions) {
  const {
    store,
    send,
    flushDelayMs = 1000,
    resendAfterMs = 30_000,
    maxInFlight = 4 * MAX_PLAYS_PER_BATCH,
    now = () => Date.now(),
    random = Math.random,
    setTimer = (fn, ms) => setTimeout(fn, ms),
    onStoreError = (error) => console.warn('crier: could not persist a play record', error),
  } = options;
  /** Closed records not yet acknowledged, in the order they were made. */
  const pending = new Map<string, PlayRecord>();
  /** Records of items on air now. */
  const open = new Map<string, StoredRecord>();
  /** id → the batch it went in, and when it is due again if not acknowledged by then. */
  const inFlight = new Map<string, { batch: number; dueAt: number }>();
  /** Acknowledged ids, so a late write of an acked record (or a second ack) cannot bring it back. */
  const acked = new Set<string>();
  /** Closed records whose store write has not completed yet (what a page going away could lose). */
  const unsettled = new Map<string, PlayRecord>();
  let isFlushScheduled = false;
  /** The server said it is busy: no plays go out before this. */
  let holdUntil = -Infinity;
  /** When the armed wake-up timer fires (Infinity: none armed). */
  let wakeAt = Infinity;
  let nextBatch = 1;

  const write = (record: StoredRecord, durable: boolean) => store.put(record, durable).catch(onStoreError);

  function scheduleFlush(): void {
    if (isFlushScheduled) return;
    isFlushScheduled = true;
    setTimer(() => {
      isFlushScheduled = false;
      flush();
    }, flushDelayMs);
  }

  /** Looks again at `at` (a hold ends, a sent batch times out); an earlier wake-up already armed covers it. */
  function wakeBy(at: number): void {
    if (at >= wakeAt) return;
    wakeAt = at;
    setTimer(() => {
      if (wakeAt === at) wakeAt = Infinity;
      if (pending.size > 0) flush();
    }, Math.max(0, at - now()) + 1);
  }

  /** Sends what is neither acknowledged nor freshly in flight; returns how many records went out. */
  function flush(): number {
    const t = now();
    if (t < holdUntil) {
      wakeBy(holdUntil);
      return 0;
    }
    let fresh = 0;
    let nextDue = Infinity;
    for (const [id, { dueAt }] of inFlight) {
      if (t < dueAt) (fresh++, (nextDue = Math.min(nextDue, dueAt)));
      else inFlight.delete(id);
    }
    const room = Math.max(0, maxInFlight - fresh);
    const due: PlayRecord[] = [];
    for (const record of pending.values()) {
      if (due.length >= room) break;
      if (!inFlight.has(record.id)) due.push(record);
    }
    let sent = 0;
    for (let i = 0; i < due.length; i += MAX_PLAYS_PER_BATCH) {
      const records = due.slice(i, i + MAX_PLAYS_PER_BATCH);
      const batch = nextBatch++;
      if (!send(records, batch)) break;
      for (const record of records) inFlight.set(record.id, { batch, dueAt: t + resendAfterMs });
      nextDue = Math.min(nextDue, t + resendAfterMs);
      sent += records.length;
    }
    // Resend what stays unacknowledged (a lost frame): look again when the oldest send times out.
    if (inFlight.size > 0) wakeBy(nextDue);
    return sent;
  }

  /** Removes acknowledged records; ids we do not hold (already acked, another tab) are ignored. */
  function ack(ids: readonly string[]): number {
    const removed: string[] = [];
    for (const id of ids) {
      inFlight.delete(id);
      if (pending.delete(id)) {
        removed.push(id);
        acked.add(id);
      }
    }
    if (removed.length > 0) void store.remove(removed).catch(onStoreError);
    if (pending.size > inFlight.size) scheduleFlush();
    return removed.length;
  }

  /**
   * A plays-ack as the server sent it. Busy: the named batch was not taken; it is due again, but no
   * plays go out before retryAfterMs (plus jitter, so a fleet does not return as one wave) has passed.
   * Records it deferred (too fast) wait that long before they are resent. Nothing is ever dropped.
   */
  function answer(message: Pick<PlaysAck, 'ids' | 'busy' | 'retryAfterMs' | 'batch'>): number {
    const removed = ack(message.ids);
    if (message.retryAfterMs === undefined) return removed;
    const t = now();
    const until = t + retryDelay(message.retryAfterMs, random);
    // An ack that names no batch (a server before v1.4) leaves its records to their resend time.
    if (message.batch !== undefined) {
      for (const [id, flight] of inFlight) {
        if (flight.batch !== message.batch) continue;
        if (message.busy) inFlight.delete(id);
        else flight.dueAt = until;
      }
    }
    if (message.busy) holdUntil = Math.max(holdUntil, until);
    wakeBy(until);
    return removed;
  }

  /** A closed record: persisted, then due to the server. An invalid one would bounce forever, so it is refused. */
  function close(record: PlayRecord): boolean {
    const parsed = PlayRecordSchema.safeParse(record);
    if (!parsed.success) {
      console.warn('crier: dropping an invalid play record', parsed.error.issues);
      return false;
    }
    if (pending.has(record.id) || acked.has(record.id)) return false;
    open.delete(record.id);
    pending.set(record.id, parsed.data);
    unsettled.set(record.id, parsed.data);
    void write({ ...parsed.data, state: 'closed' }, true).finally(() => unsettled.delete(record.id));
    scheduleFlush();
    return true;
  }

  /** What the last run left behind: open records are airings it did not survive; older localStorage records move here. */
  async function recover(): Promise<number> {
    let recovered = 0;
    // Older players' queue, and the last words of a page that went away mid-write: these records are
    // final, so they win over an open copy of the same id in the store.
    if (options.legacy) {
      for (const record of readLegacyRecords(options.legacy)) if (close(record)) recovered++;
    }
    const stored = await store.load().catch((error: unknown) => (onStoreError(error), [] as StoredRecord[]));
    for (const record of stored.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))) {
      if (pending.has(record.id) || open.has(record.id) || acked.has(record.id)) continue;
      if (record.state === 'open') {
        // endedAt is the last moment it was seen airing (the progress tick before the cut).
        close({ ...strip(record), completed: false, outcome: 'lost' });
      } else {
        const parsed = PlayRecordSchema.safeParse(strip(record));
        if (parsed.success) pending.set(record.id, parsed.data);
        else void store.remove([record.id]);
      }
      recovered++;
    }
    if (options.legacy) {
      // Their store writes were queued above, before the load: ordered, so the key can go.
      try {
        options.legacy.removeItem(LEGACY_PLAYS_KEY);
      } catch {
        // A read-only localStorage keeps them; ids make a second migration harmless.
      }
    }
    if (pending.size > 0) scheduleFlush();
    return recovered;
  }

  const ready = recover();

  return {
    /** Resolves once the previous run's records are loaded (and lost airings closed); resolves to how many. */
    ready,
    /** An item went on air: persist its record now, so even a power cut leaves a trace of it. */
    open(record: PlayRecord): void {
      if (open.has(record.id) || pending.has(record.id)) return;
      const stored: StoredRecord = { ...record, state: 'open' };
      open.set(record.id, stored);
      void write(stored, true);
    },
    /** Still on air at `at`: moves the open records' end forward (what a power cut would leave). */
    touch(at: Date): void {
      for (const record of open.values()) {
        record.endedAt = new Date(Math.max(at.getTime(), Date.parse(record.startedAt))).toISOString();
        void write(record, false);
      }
    },
    /** The item is over: the record is final and due to the server. */
    close,
    /**
     * The page is going away (pagehide): IndexedDB writes still in progress may not finish, so the
     * records they carry are also written synchronously to localStorage, read back on the next start.
     */
    persistUrgently(): void {
      if (!options.legacy || unsettled.size === 0) return;
      const already = readLegacyRecords(options.legacy);
      const ids = new Set(already.map((r) => r.id));
      writeJson(options.legacy, LEGACY_PLAYS_KEY, [...already, ...[...unsettled.values()].filter((r) => !ids.has(r.id))]);
    },
    /** A record that never opened (an item that failed before going on air). */
    add: close,
    flush,
    ack,
    answer,
    /** A new socket: nothing sent on the old one can still be acknowledged, so everything is due again. */
    connectionReset(): void {
      inFlight.clear();
    },
    /** The screen was revoked: every record it holds, waiting or open, is dropped here and in the store. */
    async forgetAll(): Promise<void> {
      const ids = [...pending.keys(), ...open.keys()];
      for (const id of ids) acked.add(id);
      pending.clear();
      open.clear();
      inFlight.clear();
      unsettled.clear();
      await ready;
      const stored = await store.load().catch(() => [] as StoredRecord[]);
      await store.remove([...new Set([...ids, ...stored.map((r) => r.id)])]).catch(onStoreError);
    },
    list: (): PlayRecord[] => [...pending.values()],
    openRecords: (): PlayRecord[] => [...open.values()].map(strip),
    get size() {
      return pending.size;
    },
    get inFlightCount() {
      return inFlight.size;
    },
    /** Until when the server asked for quiet (busy); -Infinity when it never did. */
    get holdUntil() {
      return holdUntil;
    },
  };
}
export type PlayQueue = ReturnType<typeof createPlayQueue>;

// Random bytes drawn a few kilobytes at a time: one getRandomValues call per id costs more than the id.
const pool = new Uint8Array(4096);
let poolAt = pool.length;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * A play record's id: a time-ordered UUID (version 7, RFC 9562: the first 48 bits are the milliseconds
 * since 1970, the rest random). The airing log indexes plays by id; ids that follow the clock land at
 * the index's end, where a commit rewrites a few pages, instead of one page per play all over a file
 * that grows by the week (random version-4 ids: measured in docs/scaling.md, eighteenth session).
 * crypto.getRandomValues works where randomUUID does not (plain http:// intranet players).
 */
export function newRecordId(now = Date.now()): string {
  if (poolAt + 10 > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const bytes = new Uint8Array(16);
  for (let i = 5, ms = now; i >= 0; i--, ms = Math.floor(ms / 256)) bytes[i] = ms % 256;
  bytes.set(pool.subarray(poolAt, (poolAt += 10)), 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let hex = '';
  for (let i = 0; i < 16; i++) hex += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[bytes[i]!];
  return hex;
}
