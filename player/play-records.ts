// Play records wait here until the server acknowledges them as durably written. They are
// persisted on every change so a reload, crash or power cut loses none; ids make resends harmless.
import { MAX_PLAYS_PER_BATCH, PlayRecordSchema, type PlayRecord } from './protocol.js';
import { readJson, writeJson, type KeyValueStorage } from './storage.js';

export const PENDING_PLAYS_KEY = 'crier.pendingPlays';

export interface PlayQueueOptions {
  storage: KeyValueStorage;
  /** Hands one batch to the socket; false when there is no open socket (the batch stays queued). */
  send: (records: PlayRecord[]) => boolean;
  key?: string;
  /** Records made close together travel in one frame. */
  flushDelayMs?: number;
  /** A sent batch not acknowledged by then is sent again (a lost frame, a server restart). */
  resendAfterMs?: number;
  /** Flow control: a week-long offline backlog drains in windows as acks return, not in one burst. */
  maxInFlight?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

export function createPlayQueue(options: PlayQueueOptions) {
  const {
    storage,
    send,
    key = PENDING_PLAYS_KEY,
    flushDelayMs = 1000,
    resendAfterMs = 30_000,
    maxInFlight = 4 * MAX_PLAYS_PER_BATCH,
    now = () => Date.now(),
    setTimer = (fn, ms) => setTimeout(fn, ms),
  } = options;
  const pending = new Map<string, PlayRecord>();
  /** id → when it was last sent. */
  const inFlight = new Map<string, number>();
  let isFlushScheduled = false;

  for (const record of loadRecords(storage, key)) pending.set(record.id, record);

  const persist = () => writeJson(storage, key, [...pending.values()]);

  function scheduleFlush(): void {
    if (isFlushScheduled) return;
    isFlushScheduled = true;
    setTimer(() => {
      isFlushScheduled = false;
      flush();
    }, flushDelayMs);
  }

  /** Sends what is neither acknowledged nor freshly in flight; returns how many records went out. */
  function flush(): number {
    const t = now();
    let fresh = 0;
    for (const [id, sentAt] of inFlight) {
      if (t - sentAt < resendAfterMs) fresh++;
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
      const batch = due.slice(i, i + MAX_PLAYS_PER_BATCH);
      if (!send(batch)) break;
      for (const record of batch) inFlight.set(record.id, t);
      sent += batch.length;
    }
    return sent;
  }

  return {
    /** Queues a record (an invalid one would make the whole batch bounce forever, so it is refused). */
    add(record: PlayRecord): boolean {
      const parsed = PlayRecordSchema.safeParse(record);
      if (!parsed.success) {
        console.warn('crier: dropping an invalid play record', parsed.error.issues);
        return false;
      }
      if (pending.has(record.id)) return false;
      pending.set(record.id, parsed.data);
      persist();
      scheduleFlush();
      return true;
    },
    flush,
    /** Removes acknowledged records; ids we do not hold (already acked, another tab) are ignored. */
    ack(ids: readonly string[]): number {
      let removed = 0;
      for (const id of ids) {
        inFlight.delete(id);
        if (pending.delete(id)) removed++;
      }
      if (removed > 0) persist();
      if (pending.size > inFlight.size) scheduleFlush();
      return removed;
    },
    /** A new socket: nothing sent on the old one can still be acknowledged, so everything is due again. */
    connectionReset(): void {
      inFlight.clear();
    },
    list: (): PlayRecord[] => [...pending.values()],
    get size() {
      return pending.size;
    },
    get inFlightCount() {
      return inFlight.size;
    },
  };
}
export type PlayQueue = ReturnType<typeof createPlayQueue>;

function loadRecords(storage: KeyValueStorage, key: string): PlayRecord[] {
  const stored = readJson(storage, key);
  if (!Array.isArray(stored)) return [];
  const records: PlayRecord[] = [];
  for (const item of stored) {
    const parsed = PlayRecordSchema.safeParse(item);
    if (parsed.success) records.push(parsed.data);
    else console.warn('crier: discarding a corrupt stored play record');
  }
  return records;
}

/** crypto.randomUUID exists only in secure contexts; intranet players load over plain http://10.x. */
export function newRecordId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
