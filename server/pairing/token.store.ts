// Device tokens, apart from the catalogue: the catalogue is served, diffed into the audit trail and
// copied around, and none of that may carry token material. Only the SHA-256 of each token is kept,
// plus the plain token of a claim until its player confirms it (so a restart does not lose it).
// SQLite with synchronous=FULL: a claim or a revocation is on disk before it is answered. Writes queued in
// the same turn of the event loop share one transaction: claims in flight together (provisioning a fleet)
// wait for one durable write, and hold the event loop for one set of fsyncs, not one each. Reads come from
// maps of what is committed (read once at open, changed as each write commits): a hello's three lookups were a
// SQLite read transaction each, 44 µs a hello on 10,000 tokens (docs/scaling.md, seventeenth session).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** Reads are synchronous (a hello is answered from memory); writes resolve once durable. */
export interface TokenStore {
  /** The screen a token hash belongs to, if any. */
  screenOf(tokenHash: string): string | undefined;
  hasToken(screenId: string): boolean;
  /** A claim's token, still waiting for its player. */
  pendingOf(screenId: string): string | undefined;
  /** Replaces the screen's token (one per screen). */
  issue(screenId: string, tokenHash: string, pendingToken: string, at: Date): Promise<void>;
  /** The player has the token: forget the plain copy (written in the background; a failure only keeps the copy longer). */
  delivered(screenId: string): void;
  /** Revocation: the token is refused from now on. */
  drop(screenId: string): Promise<void>;
  /** Re-reads one entry, by screen or token hash, that another node (PostgreSQL) or another store on the same file may have written. */
  refresh(key: { screenId: string } | { tokenHash: string }): Promise<void>;
  close(): void;
}

interface Queued {
  screenId: string;
  run: () => void;
  /** What the write does to the maps, once it is committed. */
  apply: () => void;
  isDrop: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createTokenStore(dataDir: string): TokenStore & { transactions(): number } {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'pairing.sqlite3'));
  // A forgotten token must be gone from the files too: no WAL keeping old pages, and freed bytes zeroed.
  db.pragma('journal_mode = DELETE');
  db.pragma('secure_delete = ON');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS device_tokens (
    screen_id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    pending_token TEXT,
    issued_at INTEGER NOT NULL
  )`);
  /** The committed rows: screen → its token hash and plain copy, token hash → screen. */
  const rows = new Map<string, { tokenHash: string; pending: string | null }>();
  const screenByHash = new Map<string, string>();
  const forget = (screenId: string) => {
    const row = rows.get(screenId);
    if (row) screenByHash.delete(row.tokenHash);
    rows.delete(screenId);
  };
  const remember = (screenId: string, tokenHash: string, pending: string | null) => {
    forget(screenId);
    const other = screenByHash.get(tokenHash);
    if (other !== undefined) forget(other);
    rows.set(screenId, { tokenHash, pending });
    screenByHash.set(tokenHash, screenId);
  };
  type Row = { screen_id: string; token_hash: string; pending_token: string | null };
  for (const row of db.prepare<[], Row>('SELECT screen_id, token_hash, pending_token FROM device_tokens').iterate()) remember(row.screen_id, row.token_hash, row.pending_token);
  const rowByScreen = db.prepare<[string], Row>('SELECT screen_id, token_hash, pending_token FROM device_tokens WHERE screen_id = ?');
  const rowByHash = db.prepare<[string], Row>('SELECT screen_id, token_hash, pending_token FROM device_tokens WHERE token_hash = ?');
  const upsert = db.prepare(`INSERT INTO device_tokens (screen_id, token_hash, pending_token, issued_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(screen_id) DO UPDATE SET token_hash = excluded.token_hash, pending_token = excluded.pending_token, issued_at = excluded.issued_at`);
  const clearPending = db.prepare('UPDATE device_tokens SET pending_token = NULL WHERE screen_id = ?');
  const remove = db.prepare('DELETE FROM device_tokens WHERE screen_id = ?');

  let queued: Queued[] = [];
  let transactions = 0;
  /** Screens whose token a queued drop removes, or whose plain copy a queued delivery clears: reads answer as if written. */
  const dropping = new Set<string>();
  const delivering = new Set<string>();
  const writeAll = db.transaction((batch: Queued[]) => {
    for (const w of batch) w.run();
  });
  function flush(): void {
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    let failed: unknown = null;
    try {
      writeAll(batch);
      transactions++;
    } catch (error) {
      failed = error;
    }
    for (const w of batch) {
      // A failed batch is written again one by one, so one refused write fails alone.
      if (failed !== null) {
        try {
          db.transaction(w.run)();
          transactions++;
        } catch (error) {
          w.reject(error);
          continue;
        }
      }
      w.apply();
      w.resolve();
    }
    for (const w of batch) (w.isDrop ? dropping : delivering).delete(w.screenId);
  }
  function write(screenId: string, run: () => void, apply: () => void, isDrop = false): Promise<void> {
    return new Promise((resolve, reject) => {
      queued.push({ screenId, run, apply, isDrop, resolve, reject });
      if (queued.length === 1) setImmediate(flush);
    });
  }

  return {
    screenOf: (tokenHash) => {
      const screenId = screenByHash.get(tokenHash);
      return screenId !== undefined && !dropping.has(screenId) ? screenId : undefined;
    },
    hasToken: (screenId) => !dropping.has(screenId) && rows.has(screenId),
    pendingOf: (screenId) => (dropping.has(screenId) || delivering.has(screenId) ? undefined : (rows.get(screenId)?.pending ?? undefined)),
    issue: (screenId, tokenHash, pendingToken, at) =>
      write(
        screenId,
        () => void upsert.run(screenId, tokenHash, pendingToken, at.getTime()),
        () => remember(screenId, tokenHash, pendingToken),
      ),
    delivered: (screenId) => {
      delivering.add(screenId);
      // A failure only keeps the plain copy longer.
      write(
        screenId,
        () => void clearPending.run(screenId),
        () => {
          const row = rows.get(screenId);
          if (row) row.pending = null;
        },
      ).catch(() => undefined);
    },
    drop: (screenId) => {
      // Refused from this call on, as before: the token opens nothing while its removal is written.
      dropping.add(screenId);
      return write(screenId, () => void remove.run(screenId), () => forget(screenId), true);
    },
    // Another store on the same file (the contract's "other node") may have written it: the row as it is on disk now.
    refresh: async (key) => {
      const row = 'screenId' in key ? rowByScreen.get(key.screenId) : rowByHash.get(key.tokenHash);
      if (row) return remember(row.screen_id, row.token_hash, row.pending_token);
      if ('screenId' in key) forget(key.screenId);
      else {
        const screenId = screenByHash.get(key.tokenHash);
        if (screenId !== undefined) forget(screenId);
      }
    },
    close: () => {
      flush();
      db.close();
    },
    /** Transactions written (tests count them). */
    transactions: () => transactions,
  };
}
