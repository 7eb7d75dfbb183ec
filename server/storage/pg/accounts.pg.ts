// Staff accounts and sessions in PostgreSQL, behind the same AccountsStore as the SQLite file. Each
// call is one statement, committed (and so durable) before it resolves.
import { COLUMNS, toSession, toUser, UsernameTakenError, type AccountsStore, type SessionRow, type UserChanges, type UserRow } from '../accounts.store.js';
import { usernameKey } from '../username-key.js';
import type { PgPool } from './pool.js';

const UNIQUE_VIOLATION = '23505';

export function createPgAccountsStore(pool: PgPool): AccountsStore {
  const rows = async <R>(sql: string, params: unknown[] = []) => (await pool.query<R & object>(sql, params)).rows as R[];
  const changed = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rowCount ?? 0;

  return {
    countUsers: async () => (await rows<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0]!.n,
    listUsers: async () => (await rows<UserRow>('SELECT * FROM users ORDER BY created_at COLLATE "C", username COLLATE "C"')).map(toUser),
    getUser: async (id) => (await rows<UserRow>('SELECT * FROM users WHERE id = $1', [id])).map(toUser)[0],
    findUser: async (username) => (await rows<UserRow>('SELECT * FROM users WHERE username_key = $1', [usernameKey(username)])).map(toUser)[0],
    insertUser: async (u) => {
      try {
        await pool.query(
          `INSERT INTO users (id, username, username_key, display_name, role, township, password_hash, must_change_password, disabled, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [u.id, u.username, usernameKey(u.username), u.displayName, u.role, u.township, u.passwordHash, u.mustChangePassword, u.disabled, u.createdAt, u.updatedAt],
        );
      } catch (error) {
        const e = error as { code?: string; constraint?: string };
        if (e.code === UNIQUE_VIOLATION && e.constraint === 'users_username_key') throw new UsernameTakenError(u.username);
        throw error;
      }
    },
    updateUser: async (id, changes) => {
      const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof UserChanges, unknown][];
      if (entries.length === 0) return;
      const sets = entries.map(([k], i) => `${COLUMNS[k]} = $${i + 2}`).join(', ');
      await pool.query(`UPDATE users SET ${sets} WHERE id = $1`, [id, ...entries.map(([, v]) => v)]);
    },
    deleteUser: async (id) => void (await pool.query('DELETE FROM users WHERE id = $1', [id])),
    insertSession: async (x) =>
      void (await pool.query('INSERT INTO sessions (id_hash, user_id, csrf_secret, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)', [
        x.idHash,
        x.userId,
        x.csrfSecret,
        x.createdAt,
        x.lastSeenAt,
      ])),
    getSession: async (idHash) => (await rows<SessionRow>('SELECT * FROM sessions WHERE id_hash = $1', [idHash])).map(toSession)[0],
    touchSession: async (idHash, at) => void (await pool.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [idHash, at])),
    deleteSession: async (idHash) => void (await pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash])),
    deleteSessionsOf: async (userId, keepIdHash = '') => void (await pool.query('DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2', [userId, keepIdHash])),
    deleteExpiredSessions: (idleBefore, createdBefore) => changed('DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2', [idleBefore, createdBefore]),
    // The pool is shared and ended by the store factory.
    close: () => undefined,
  };
}

/**
 * Gives every account the app's key (a database migrated before the key, or filled by `lower()` in
 * migration 130, may differ from it for non-ASCII names). A key another account already has is left
 * as it was and named in `warn`: both accounts stay usable; an admin deletes or recreates one.
 */
export async function reconcileUsernameKeys(pool: PgPool, warn: (message: string) => void): Promise<void> {
  const { rows } = await pool.query<{ id: string; username: string; username_key: string | null }>('SELECT id, username, username_key FROM users');
  for (const row of rows) {
    const key = usernameKey(row.username);
    if (row.username_key === key) continue;
    try {
      await pool.query('UPDATE users SET username_key = $2 WHERE id = $1', [row.id, key]);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const other = rows.find((r) => r.id !== row.id && usernameKey(r.username) === key)?.username ?? '?';
      warn(`账号 ${row.username} 与 ${other} 只差大小写或全角/半角，请删除或重建其中一个 / accounts ${row.username} and ${other} differ only in case or width: delete or recreate one of them`);
    }
  }
}
