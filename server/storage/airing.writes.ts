// Every write of the SQLite airing log, on the one connection that writes: plays (chained and rolled
// up), heartbeat intervals and health, retention. Writes handed over in the same tick are applied in
// order, and consecutive plays batches share one transaction and its fsync (group commit). The same
// code runs in the writer thread (airing.writer.ts) or, inline, on the main thread.
import Database from 'better-sqlite3';
import type { MessagePort } from 'node:worker_threads';
import { createHeartbeatWrites, type HeartbeatChanges } from './airing.heartbeats.js';
import { batchRows, createPlayIngest, packedBatchRows, type PackedPlaysBatch, type PlaysBatch } from './airing.ingest.js';
import { createRetention, type PruneSlice } from './airing.retention.js';

export type WriteOp =
  | { kind: 'plays'; batch: PlaysBatch }
  /** The same, as it crosses to the writer thread (airing.writer.ts packs it). */
  | { kind: 'packed-plays'; batch: PackedPlaysBatch }
  | { kind: 'heartbeats'; changes: HeartbeatChanges }
  /** One slice of retention: the screens after `after` (null: from the first); its value says where to go on. */
  | { kind: 'prune'; cutoff: number; after: string | null }
  /** Resolves once every write handed over before it is committed. */
  | { kind: 'sync' };

/** What each op answers: plays → records new, prune → rows deleted and where to go on, the others → null. */
export type WriteValue = number | PruneSlice | null;
export type Settled = { ok: true; value: WriteValue } | { ok: false; error: unknown };

export function createAiringWrites(db: Database.Database, dayOf: (ms: number) => string) {
  const ingest = createPlayIngest(db, dayOf);
  const writeHeartbeats = createHeartbeatWrites(db);
  const retention = createRetention(db);

  type PlaysOp = Extract<WriteOp, { kind: 'plays' | 'packed-plays' }>;
  const isPlays = (op: WriteOp): op is PlaysOp => op.kind === 'plays' || op.kind === 'packed-plays';
  const rowsOf = (op: PlaysOp) => (op.kind === 'plays' ? batchRows(op.batch) : packedBatchRows(op.batch));

  const one = (op: Exclude<WriteOp, PlaysOp>): WriteValue => {
    if (op.kind === 'heartbeats') return (writeHeartbeats(op.changes), null);
    if (op.kind === 'prune') return retention.prune(op.cutoff, op.after);
    return null;
  };

  return {
    /** Applies the ops in order; each settles alone, except that consecutive plays commit (or fail) together. */
    apply(ops: readonly WriteOp[]): Settled[] {
      const settled: Settled[] = [];
      for (let i = 0; i < ops.length; ) {
        const op = ops[i]!;
        if (!isPlays(op)) {
          try {
            settled.push({ ok: true, value: one(op) });
          } catch (error) {
            settled.push({ ok: false, error });
          }
          i++;
          continue;
        }
        let end = i;
        while (end < ops.length && isPlays(ops[end]!)) end++;
        try {
          for (const inserted of ingest.write((ops.slice(i, end) as PlaysOp[]).map(rowsOf))) settled.push({ ok: true, value: inserted });
        } catch (error) {
          for (let k = i; k < end; k++) settled.push({ ok: false, error });
        }
        i = end;
      }
      return settled;
    },
  };
}
export type AiringWrites = ReturnType<typeof createAiringWrites>;

/** Ops handed over in one tick are applied together at its end (setImmediate): the group commit. */
export function createTickQueue(apply: (ops: readonly WriteOp[]) => Settled[]) {
  let queued: { op: WriteOp; settle: (s: Settled) => void }[] = [];
  const run = () => {
    const batch = queued;
    queued = [];
    const settled = apply(batch.map((q) => q.op));
    batch.forEach((q, i) => q.settle(settled[i]!));
  };
  return {
    submit(op: WriteOp, settle: (s: Settled) => void): void {
      if (queued.push({ op, settle }) === 1) setImmediate(run);
    },
  };
}

/** WAL pages (4 KiB) a commit may leave before it copies them back into the database file: about 40 MB. */
export const WAL_CHECKPOINT_PAGES = 10_000;

/** The connection that writes: WAL, and FULL so a commit is fsync'd before plays are acknowledged. */
export function openWriteConnection(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // Play ids are random, so every commit dirties index pages all over the file; SQLite's default
  // (1,000 pages) copied them back after nearly every commit. Checkpointing ten times less often
  // copies a page rewritten by several commits once: a third fewer bytes written per play (measured).
  db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
  return db;
}

// The writer thread's messages (airing.writer.ts ↔ airing.writer.worker.ts).
export interface WriterData {
  file: string;
  timeZone: string;
  /** The thread's nice value (Linux; CRIER_WRITER_NICE, config.ts): above 0 it yields to the main thread; 0 or none: the process's. */
  nice?: number;
}
/** What the thread is started with: where to report that the database is open (see airing.writer.ts). */
export interface WriterStart extends WriterData {
  /** 0 while starting, 1 open, 2 failed (the port then carries the error). */
  opened: Int32Array;
  port: MessagePort;
}
/** `json`: the ops of one tick, `[id, op][]` as JSON text (every op is plain data). */
export type WriterRequest = { json: string; op?: undefined } | { op: 'close' };
export interface WriterReply {
  settled?: [id: number, settled: Settled][];
  closed?: true;
}

/** An error as it crosses threads: its message and SQLite's code (SQLITE_FULL tells a full disk). */
export const serialiseError = (error: unknown) => {
  const { message, code } = error as { message?: unknown; code?: unknown };
  return { message: typeof message === 'string' ? message : String(error), code: typeof code === 'string' ? code : undefined };
};
export const deserialiseError = (error: unknown): Error => {
  const { message, code } = error as ReturnType<typeof serialiseError>;
  return Object.assign(new Error(message), code === undefined ? {} : { code });
};
