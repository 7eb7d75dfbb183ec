// Where play records wait for the server: IndexedDB (the `idb` wrapper), which survives reloads and
// power cuts and holds far more than localStorage. Records made before this store existed, in the
// localStorage queue of older players, are moved over once. Memory is the fallback (and the test double).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { PlayRecordSchema, type PlayRecord } from './protocol.js';
import { readJson, type KeyValueStorage } from './storage.js';

/** open: on air now (endedAt = last time it was seen airing); closed: over, due to the server. */
export type StoredRecord = PlayRecord & { state: 'open' | 'closed' };

export interface RecordStore {
  load(): Promise<StoredRecord[]>;
  /** durable: the write must survive a power cut (an item starting or ending); progress ticks need not. */
  put(record: StoredRecord, durable: boolean): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
}

/** The localStorage key of the queue before IndexedDB (player 0.1). */
export const LEGACY_PLAYS_KEY = 'crier.pendingPlays';

export function createMemoryRecordStore(initial: StoredRecord[] = []): RecordStore & { records: Map<string, StoredRecord> } {
  const records = new Map(initial.map((r) => [r.id, { ...r }]));
  return {
    records,
    load: async () => [...records.values()].map((r) => ({ ...r })),
    put: async (record) => void records.set(record.id, { ...record }),
    remove: async (ids) => ids.forEach((id) => records.delete(id)),
  };
}

interface PlaysDb extends DBSchema {
  plays: { key: string; value: StoredRecord };
}

export const PLAYS_DB = 'crier-player';

export async function openIdbRecordStore(name = PLAYS_DB): Promise<RecordStore> {
  const db: IDBPDatabase<PlaysDb> = await openDB<PlaysDb>(name, 1, {
    upgrade(db) {
      db.createObjectStore('plays', { keyPath: 'id' });
    },
  });
  return {
    load: () => db.getAll('plays'),
    async put(record, durable) {
      // strict: Chromium flushes the commit to disk before completing (a power cut keeps it).
      const tx = db.transaction('plays', 'readwrite', { durability: durable ? 'strict' : 'relaxed' });
      await Promise.all([tx.store.put(record), tx.done]);
    },
    async remove(ids) {
      if (ids.length === 0) return;
      const tx = db.transaction('plays', 'readwrite', { durability: 'relaxed' });
      await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
    },
  };
}

/** Records still waiting in localStorage from an older player, validated; the key is cleared after they are stored. */
export function readLegacyRecords(storage: KeyValueStorage, key = LEGACY_PLAYS_KEY): PlayRecord[] {
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

/** IndexedDB when the browser lets us open it (private windows, broken profiles may not), else memory. */
export function browserRecordStore(onFallback: (error: unknown) => void): RecordStore {
  const opening = openIdbRecordStore().catch((error: unknown) => {
    onFallback(error);
    return createMemoryRecordStore() as RecordStore;
  });
  // Calls wait for the same promise in call order, so writes reach the database in the order they were made.
  return {
    load: async () => (await opening).load(),
    put: async (record, durable) => (await opening).put(record, durable),
    remove: async (ids) => (await opening).remove(ids),
  };
}
