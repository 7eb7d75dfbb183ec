// The airing log's write path for plays: each record is chained (per-screen hash chain), stored and
// rolled up (per local day, screen and media item) in one transaction; the batches handed over
// together share that transaction and its fsync (group commit, airing.write-queue.ts). The chain
// heads live here, with the one connection that writes (the writer thread, airing.writer.ts). Hashes
// are kept as 32-byte BLOBs: half the bytes of hex in the row and in the WAL, which is most of what a commit costs.
import type Database from 'better-sqlite3';
import type { PlayRecord } from '../../player/protocol.js';
import { addToRollups, type RollupSum } from './airing.rollup-sums.js';
import { chainDigest, GENESIS, linkHex, type ChainedFields } from './play-chain.js';

/** A chain link as the writer keeps it: hex for the next record's encoding, bytes for the row. */
interface Link {
  seq: number;
  hash: string;
  bytes: Buffer;
}

const GENESIS_LINK: Link = { ...GENESIS, bytes: Buffer.from(GENESIS.hash, 'hex') };

/** One player's batch as the gateway took it: what the writer is handed. */
export interface PlaysBatch {
  screenId: string;
  isProvisional: boolean;
  receivedAt: number;
  records: readonly PlayRecord[];
}

/** A record's fields in a fixed order: how plays cross to the writer thread (half the JSON text of objects, and faster to read back). */
export type PackedRecord = [
  id: string, itemId: string, mediaId: string, hash: string, manifestVersion: string, startedAt: string, endedAt: string, completed: boolean,
  plannedStartedAt: string | null, outcome: string | null, clockOffsetMs: number | null,
];
export interface PackedPlaysBatch extends Omit<PlaysBatch, 'records'> {
  records: readonly PackedRecord[];
}

export const packBatch = (b: PlaysBatch): PackedPlaysBatch => ({
  ...b,
  records: b.records.map((r) => [r.id, r.itemId, r.mediaId, r.hash, r.manifestVersion, r.startedAt, r.endedAt, r.completed, r.plannedStartedAt ?? null, r.outcome ?? null, r.clockOffsetMs ?? null]),
});

/** A batch's rows in the store's columns, from the records as handed over (objects inline, packed across the thread). */
export const batchRows = (b: PlaysBatch): ChainedFields[] => b.records.map((r) => playFields(b.screenId, b.isProvisional, b.receivedAt, r));
/** The same rows from packed records: unpacked into playFields' source, so the columns are made in one place. */
export const packedBatchRows = (b: PackedPlaysBatch): ChainedFields[] =>
  b.records.map(([id, itemId, mediaId, hash, manifestVersion, startedAt, endedAt, completed, plannedStartedAt, outcome, clockOffsetMs]) =>
    playFields(b.screenId, b.isProvisional, b.receivedAt, { id, itemId, mediaId, hash, manifestVersion, startedAt, endedAt, completed, plannedStartedAt, outcome, clockOffsetMs }),
  );

export function createPlayIngest(db: Database.Database, dayOf: (ms: number) => string) {
  // Positional parameters: binding by name costs a property lookup per column on the hot path.
  const insertPlay = db.prepare(`INSERT OR IGNORE INTO plays
    (id, screen_id, item_id, media_id, hash, manifest_version, started_at, ended_at, completed, received_at, is_provisional,
     planned_started_at, outcome, clock_offset_ms, seq, prev_hash, record_hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const upsertHead = db.prepare(`INSERT INTO chain_heads (screen_id, seq, hash) VALUES (?, ?, ?)
    ON CONFLICT (screen_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`);
  const addRollup = db.prepare(`INSERT INTO rollups (day, screen_id, media_id, is_provisional, plays, completed, airtime_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (day, screen_id, media_id, is_provisional) DO UPDATE SET
      plays = plays + excluded.plays, completed = completed + excluded.completed, airtime_ms = airtime_ms + excluded.airtime_ms`);

  const heads = new Map<string, Link>();
  const loadHeads = () => {
    heads.clear();
    for (const h of db.prepare('SELECT screen_id, seq, hash FROM chain_heads').all() as { screen_id: string; seq: number; hash: string | Uint8Array }[]) {
      const hex = linkHex(h.hash);
      heads.set(h.screen_id, { seq: h.seq, hash: hex, bytes: Buffer.from(hex, 'hex') });
    }
  };
  loadHeads();

  /**
   * Chains rows and stores them (inside the caller's transaction), adding them to their day's
   * rollups; `store` answers whether the row was new (a resend is neither chained nor counted).
   * Links move in `moved` only: the in-memory heads follow once the transaction has committed.
   */
  const chainAndRollUp = (
    rows: readonly ChainedFields[],
    store: (row: ChainedFields, seq: number, prevHash: Buffer, recordHash: Buffer) => boolean,
    moved: Map<string, Link>,
    sums: Map<string, RollupSum>,
  ): number => {
    let stored = 0;
    for (const row of rows) {
      const prev = moved.get(row.screen_id) ?? heads.get(row.screen_id) ?? GENESIS_LINK;
      const digest = chainDigest(row, prev.hash);
      if (!store(row, prev.seq + 1, prev.bytes, digest)) continue;
      stored++;
      moved.set(row.screen_id, { seq: prev.seq + 1, hash: digest.toString('hex'), bytes: digest });
      addToRollups(sums, row, dayOf);
    }
    return stored;
  };
  /** After the transaction's rows: one upsert per head moved and per rollup key touched, however many batches. */
  const saveHeadsAndSums = (moved: Map<string, Link>, sums: Map<string, RollupSum>) => {
    for (const [screenId, link] of moved) upsertHead.run(screenId, link.seq, link.hash);
    for (const sum of sums.values()) addRollup.run(...sum);
  };
  const storePlay = (r: ChainedFields, seq: number, prevHash: Buffer, recordHash: Buffer) =>
    insertPlay.run(r.id, r.screen_id, r.item_id, r.media_id, r.hash, r.manifest_version, r.started_at, r.ended_at, r.completed, r.received_at,
      r.is_provisional, r.planned_started_at, r.outcome, r.clock_offset_ms, seq, prevHash, recordHash).changes === 1;

  const writePlays = db.transaction((batches: readonly (readonly ChainedFields[])[], moved: Map<string, Link>) => {
    const sums = new Map<string, RollupSum>();
    const counts = batches.map((rows) => chainAndRollUp(rows, storePlay, moved, sums));
    saveHeadsAndSums(moved, sums);
    return counts;
  });

  return {
    /** Stores the batches' rows in one transaction (committed, fsync'd, when it returns); how many rows of each were new. */
    write(batches: readonly (readonly ChainedFields[])[]): number[] {
      const moved = new Map<string, Link>();
      const counts = writePlays(batches, moved);
      for (const [screenId, link] of moved) heads.set(screenId, link);
      return counts;
    },
    /** A database from before the chain: its plays are chained and rolled up once, in the order they arrived. */
    chainExisting() {
      const setChain = db.prepare('UPDATE plays SET seq = ?, prev_hash = ?, record_hash = ? WHERE id = ?');
      const old = db.prepare('SELECT * FROM plays WHERE seq IS NULL ORDER BY screen_id, received_at, rowid').all() as ChainedFields[];
      const moved = new Map<string, Link>();
      const sums = new Map<string, RollupSum>();
      db.transaction(() => {
        chainAndRollUp(old, (row, seq, prevHash, recordHash) => setChain.run(seq, prevHash, recordHash, row.id).changes === 1, moved, sums);
        saveHeadsAndSums(moved, sums);
      })();
      loadHeads();
    },
  };
}

type PlayFieldsSource = Pick<PlayRecord, 'id' | 'itemId' | 'mediaId' | 'hash' | 'manifestVersion' | 'startedAt' | 'endedAt' | 'completed'> & {
  plannedStartedAt?: string | null | undefined;
  outcome?: string | null | undefined;
  clockOffsetMs?: number | null | undefined;
};

/** A play (as the player sent it, or as exported) in the store's columns. */
export const playFields = (screenId: string, isProvisional: boolean, receivedAt: number, r: PlayFieldsSource): ChainedFields => ({
  id: r.id,
  screen_id: screenId,
  item_id: r.itemId,
  media_id: r.mediaId,
  hash: r.hash,
  manifest_version: r.manifestVersion,
  started_at: Date.parse(r.startedAt),
  ended_at: Date.parse(r.endedAt),
  completed: r.completed ? 1 : 0,
  received_at: receivedAt,
  is_provisional: isProvisional ? 1 : 0,
  planned_started_at: r.plannedStartedAt ? Date.parse(r.plannedStartedAt) : null,
  outcome: r.outcome ?? null,
  clock_offset_ms: r.clockOffsetMs ?? null,
});
