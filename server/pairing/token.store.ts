// Device tokens, apart from the catalogue: the catalogue is served, diffed into the audit trail and
// copied around, and none of that may carry token material. Only the SHA-256 of each token is kept,
// plus the plain token of a claim until its player confirms it (so a restart does not lose it).
// SQLite with synchronous=FULL: a claim or a revocation is on disk before it is answered. Writes are rare.
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
  /** Re-reads one entry, by screen or token hash, that another node may have written (PostgreSQL); embedded: nothing to do. */
  refresh(key: { screenId: string } | { tokenHash: string }): Promise<void>;
  close(): void;
}

export function createTokenStore(dataDir: string): TokenStore {
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
  const byHash = db.prepare<[string], { screen_id: string }>('SELECT screen_id FROM device_tokens WHERE token_hash = ?');
  const byScreen = db.prepare<[string], { pending_token: string | null }>('SELECT pending_token FROM device_tokens WHERE screen_id = ?');
  const upsert = db.prepare(`INSERT INTO device_tokens (screen_id, token_hash, pending_token, issued_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(screen_id) DO UPDATE SET token_hash = excluded.token_hash, pending_token = excluded.pending_token, issued_at = excluded.issued_at`);
  const clearPending = db.prepare('UPDATE device_tokens SET pending_token = NULL WHERE screen_id = ?');
  const remove = db.prepare('DELETE FROM device_tokens WHERE screen_id = ?');

  return {
    screenOf: (tokenHash) => byHash.get(tokenHash)?.screen_id,
    hasToken: (screenId) => byScreen.get(screenId) !== undefined,
    pendingOf: (screenId) => byScreen.get(screenId)?.pending_token ?? undefined,
    issue: async (screenId, tokenHash, pendingToken, at) => void upsert.run(screenId, tokenHash, pendingToken, at.getTime()),
    delivered: (screenId) => void clearPending.run(screenId),
    drop: async (screenId) => void remove.run(screenId),
    refresh: async () => undefined,
    close: () => db.close(),
  };
}
