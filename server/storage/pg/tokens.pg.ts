// Device tokens in PostgreSQL. A hello is answered synchronously, so the tokens live in memory,
// loaded at start and written through: a claim is in the database before it is answered, a
// revocation is refused in memory at once and then in the database. Another node's claim is found
// by refresh() on a miss (pairing.service.ts); another node's revocation is in the catalogue too.
import type { TokenStore } from '../../pairing/token.store.js';
import type { PgPool } from './pool.js';

interface Entry {
  tokenHash: string;
  pending: string | null;
}
interface Row {
  screen_id: string;
  token_hash: string;
  pending_token: string | null;
}

export async function createPgTokenStore(pool: PgPool, warn: (message: string) => void = () => undefined): Promise<TokenStore> {
  const byScreen = new Map<string, Entry>();
  const byHash = new Map<string, string>();
  const forget = (screenId: string) => {
    const old = byScreen.get(screenId);
    if (old) byHash.delete(old.tokenHash);
    byScreen.delete(screenId);
  };
  const remember = (screenId: string, entry: Entry) => {
    forget(screenId);
    byScreen.set(screenId, entry);
    byHash.set(entry.tokenHash, screenId);
  };
  for (const row of (await pool.query<Row>('SELECT screen_id, token_hash, pending_token FROM device_tokens')).rows) {
    remember(row.screen_id, { tokenHash: row.token_hash, pending: row.pending_token });
  }

  return {
    screenOf: (tokenHash) => byHash.get(tokenHash),
    hasToken: (screenId) => byScreen.has(screenId),
    pendingOf: (screenId) => byScreen.get(screenId)?.pending ?? undefined,
    async issue(screenId, tokenHash, pendingToken, at) {
      await pool.query(
        `INSERT INTO device_tokens (screen_id, token_hash, pending_token, issued_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (screen_id) DO UPDATE SET token_hash = excluded.token_hash, pending_token = excluded.pending_token, issued_at = excluded.issued_at`,
        [screenId, tokenHash, pendingToken, at.getTime()],
      );
      remember(screenId, { tokenHash, pending: pendingToken });
    },
    delivered(screenId) {
      const entry = byScreen.get(screenId);
      if (!entry || entry.pending === null) return;
      entry.pending = null;
      pool.query('UPDATE device_tokens SET pending_token = NULL WHERE screen_id = $1', [screenId]).catch((error: Error) => {
        warn(`未能清除屏幕 ${screenId} 的待领取凭据（${error.message}）/ could not clear screen ${screenId}'s pending token: ${error.message}`);
      });
    },
    async drop(screenId) {
      forget(screenId);
      await pool.query('DELETE FROM device_tokens WHERE screen_id = $1', [screenId]);
    },
    async refresh(key) {
      const { rows } =
        'screenId' in key
          ? await pool.query<Row>('SELECT screen_id, token_hash, pending_token FROM device_tokens WHERE screen_id = $1', [key.screenId])
          : await pool.query<Row>('SELECT screen_id, token_hash, pending_token FROM device_tokens WHERE token_hash = $1', [key.tokenHash]);
      const row = rows[0];
      if (row) remember(row.screen_id, { tokenHash: row.token_hash, pending: row.pending_token });
      else if ('screenId' in key) forget(key.screenId);
    },
    // The pool is shared and ended by the store factory.
    close: () => undefined,
  };
}
