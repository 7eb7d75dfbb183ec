// The airing log on PostgreSQL: the same AiringLog and AiringReports as the SQLite file, for several
// nodes sharing one database. Plays are partitioned by month of their start. Each batch is chained,
// rolled up and stored with the pending heartbeat intervals in one transaction; a screen's chain head
// row is locked FOR UPDATE while a batch chains onto it, so two nodes writing one screen take turns.
// The Promise of recordPlays resolves after COMMIT (synchronous_commit: the WAL is flushed).
import { DEFAULT_TIME_ZONE } from '../../../playlists/wall-clock.js';
import { createHeartbeatTracker, storedHeartbeatOf, type HeartbeatChanges, type StoredHeartbeat } from '../airing.heartbeats.js';
import { onlinePerDay, parseHealth, screenDayColumns, screenDayOf, screenDayRow, verifySegment, type AiringReports, type ScreenDay, type ScreenInterval } from '../airing.reports.js';
import { playFields, toStoredPlay, type AiringLog, type AiringLogOptions, type PlayQuery, type PlayRow } from '../airing.store.js';
import { addToRollups, type RollupSum } from '../airing.rollup-sums.js';
import { createLocalDayOf } from '../local-day.js';
import { chainHash, GENESIS, verifyScreenChainAsync, type ChainedFields, type ChainedRow, type ChainLink } from '../play-chain.js';
import { CHAIN_ORDER, cursorRows } from './airing.export.pg.js';
import { inTransaction, type PgClient, type PgPool } from './pool.js';

/** Key of the advisory lock under which nodes create month partitions (any fixed number). */
const PARTITIONS_LOCK = 0x70617274;
/** PostgreSQL's "no partition of relation found for row": a month retention dropped meanwhile. */
const NO_PARTITION = '23514';
/** Transactions of one node in flight at once; batches arriving meanwhile share the next one. */
const MAX_IN_FLIGHT = 4;

export const COLUMNS = [
  'id', 'screen_id', 'item_id', 'media_id', 'hash', 'manifest_version', 'started_at', 'ended_at', 'completed', 'received_at',
  'is_provisional', 'planned_started_at', 'outcome', 'clock_offset_ms', 'seq', 'prev_hash', 'record_hash',
] as const satisfies readonly (keyof HexLinkedRow)[];
export const COLUMN_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'int8', 'int8', 'int2', 'int8', 'int2', 'int8', 'text', 'int8', 'int8', 'text', 'text'];
// Links travel as hex and are stored as their 32 bytes.
export const INSERT_PLAYS = `INSERT INTO plays (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.map((c) => (c.endsWith('_hash') && c !== 'hash' ? `decode(${c}, 'hex')` : c)).join(', ')}
  FROM unnest(${COLUMN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${COLUMNS.join(', ')})`;

const ROLLUP_AT = COLUMNS.length + 1;
const HEADS_AT = ROLLUP_AT + 7;
const STORE_CHAINED = `WITH stored AS (${INSERT_PLAYS}),
  summed AS (
    INSERT INTO rollups (day, screen_id, media_id, is_provisional, plays, completed, airtime_ms)
    SELECT * FROM unnest(${['text', 'text', 'text', 'int2', 'int8', 'int8', 'int8'].map((t, i) => `$${ROLLUP_AT + i}::${t}[]`).join(', ')})
    ON CONFLICT (day, screen_id, media_id, is_provisional) DO UPDATE SET
      plays = rollups.plays + excluded.plays, completed = rollups.completed + excluded.completed, airtime_ms = rollups.airtime_ms + excluded.airtime_ms)
  UPDATE chain_heads h SET seq = v.seq, hash = v.hash
  FROM unnest($${HEADS_AT}::text[], $${HEADS_AT + 1}::int8[], $${HEADS_AT + 2}::text[]) AS v(screen_id, seq, hash) WHERE h.screen_id = v.screen_id`;

// Month partitions, in UTC months counted from year 0: plays_2026_01 holds [2026-01-01, 2026-02-01).
export const monthOf = (ms: number) => new Date(ms).getUTCFullYear() * 12 + new Date(ms).getUTCMonth();
const monthStart = (month: number) => Date.UTC(Math.floor(month / 12), month % 12, 1);
const partitionOf = (month: number) => `plays_${Math.floor(month / 12)}_${String((month % 12) + 1).padStart(2, '0')}`;
const PARTITION_NAME = /^plays_(\d+)_(\d\d)$/;

/** Makes the month partitions of `months` (UTC months counted from year 0) that do not exist yet, under the nodes' lock. */
export async function createMonthPartitions(pool: PgPool, months: readonly number[]): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITIONS_LOCK]);
    for (const m of months) {
      await client.query(`CREATE TABLE IF NOT EXISTS "${partitionOf(m)}" PARTITION OF plays FOR VALUES FROM (${monthStart(m)}) TO (${monthStart(m + 1)})`);
    }
  });
}

function whereClause(q: Omit<PlayQuery, 'limit'>): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => (params.push(value), parts.push(sql.replace('?', `$${params.length}`)));
  if (q.screenId !== undefined) add('screen_id = ?', q.screenId);
  if (q.from !== undefined) add('started_at >= ?', q.from.getTime());
  if (q.to !== undefined) add('started_at < ?', q.to.getTime());
  if (q.isProvisional !== undefined) add('is_provisional = ?', q.isProvisional ? 1 : 0);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** A row as the writer sends it: links in hex. */
type HexLinkedRow = ChainedFields & { seq: number; prev_hash: string; record_hash: string };

/**
 * Chains the new rows of each batch onto the locked heads and sums them into rollups: `isNew`
 * holds the ids no node had stored (the first occurrence takes it), so a resend is neither chained
 * nor counted.
 */
function chainBatches(batches: readonly ChainedFields[][], heads: Map<string, ChainLink>, isNew: Set<string>, dayOf: (ms: number) => string) {
  const stored: HexLinkedRow[] = [];
  const sums = new Map<string, RollupSum>();
  const counts = batches.map((rows) => {
    let inserted = 0;
    for (const fields of rows) {
      if (!isNew.delete(fields.id)) continue;
      const prev = heads.get(fields.screen_id) ?? GENESIS;
      const row: HexLinkedRow = { ...fields, seq: prev.seq + 1, prev_hash: prev.hash, record_hash: chainHash(fields, prev.hash) };
      heads.set(row.screen_id, { seq: row.seq, hash: row.record_hash });
      stored.push(row);
      inserted++;
      addToRollups(sums, row, dayOf);
    }
    return inserted;
  });
  return { stored, sums: [...sums.values()], counts };
}

/** Column arrays for unnest(): one array per column, as PostgreSQL binds a batch in one statement. */
const columnsOf = <T extends readonly unknown[]>(rows: readonly T[], width: number) => Array.from({ length: width }, (_, i) => rows.map((r) => r[i]));

async function writeHeartbeats(client: PgClient, changes: HeartbeatChanges): Promise<void> {
  if (changes.intervals.length) {
    // GREATEST: two transactions of one node may commit an interval's extensions out of order.
    await client.query(
      `INSERT INTO online_intervals (screen_id, start_at, end_at, beats) SELECT * FROM unnest($1::text[], $2::int8[], $3::int8[], $4::int8[])
       ON CONFLICT (screen_id, start_at) DO UPDATE SET end_at = GREATEST(online_intervals.end_at, excluded.end_at), beats = GREATEST(online_intervals.beats, excluded.beats)`,
      columnsOf(changes.intervals, 4),
    );
  }
  if (changes.health.length) {
    const h = changes.health;
    await client.query(
      `INSERT INTO heartbeat_health (screen_id, received_at, sent_at, manifest_version, uptime_ms, details)
       SELECT * FROM unnest($1::text[], $2::int8[], $3::int8[], $4::text[], $5::int8[], $6::text[])`,
      [h.map((r) => r.screen_id), h.map((r) => r.received_at), h.map((r) => r.sent_at), h.map((r) => r.manifest_version), h.map((r) => r.uptime_ms), h.map((r) => r.details)],
    );
  }
}

export async function createPgAiringLog(pool: PgPool, options: AiringLogOptions = {}): Promise<AiringLog> {
  const onlineGapMs = options.onlineGapMs ?? 90_000;
  const dayOf = createLocalDayOf(options.timeZone ?? DEFAULT_TIME_ZONE);

  // Month partitions known to exist; a month not here is created (under a lock) before a write needs it.
  const months = new Set<number>();
  const loadMonths = async () => {
    const { rows } = await pool.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'plays'::regclass`);
    months.clear();
    for (const { name } of rows) {
      const m = PARTITION_NAME.exec(name);
      if (m) months.add(Number(m[1]) * 12 + Number(m[2]) - 1);
    }
  };
  const ensureMonths = async (wanted: Iterable<number>) => {
    const missing = [...new Set(wanted)].filter((m) => !months.has(m));
    if (!missing.length) return;
    await createMonthPartitions(pool, missing);
    for (const m of missing) months.add(m);
  };
  await loadMonths();
  // This month and the next exist before the first play arrives.
  const thisMonth = monthOf(Date.now());
  await ensureMonths([thisMonth, thisMonth + 1]);

  const seed = await pool.query<{ screen_id: string; start_at: number; end_at: number; beats: number }>(
    'SELECT DISTINCT ON (screen_id) screen_id, start_at, end_at, beats FROM online_intervals ORDER BY screen_id, start_at DESC',
  );
  const heartbeats = createHeartbeatTracker(onlineGapMs, seed.rows);

  /** One transaction: heads locked, ids claimed, rows chained and stored, rollups and heartbeats written. */
  const writeBatches = async (batches: readonly ChainedFields[][]): Promise<number[]> => {
    const rows = batches.flat();
    const thisMonth = monthOf(Date.now());
    await ensureMonths([...rows.map((r) => monthOf(r.started_at)), thisMonth, thisMonth + 1]);
    const changes = heartbeats.drain();
    try {
      return await inTransaction(pool, async (client) => {
        const counts = rows.length ? await chainAndStore(client, batches, rows) : [];
        await writeHeartbeats(client, changes);
        return counts;
      });
    } catch (error) {
      heartbeats.restore(changes);
      throw error;
    }
  };
  const chainAndStore = async (client: PgClient, batches: readonly ChainedFields[][], rows: ChainedFields[]) => {
    // Sorted, so two transactions locking overlapping screens take the locks in one order (no deadlock).
    const screens = [...new Set(rows.map((r) => r.screen_id))].sort();
    await client.query('INSERT INTO chain_heads (screen_id, seq, hash) SELECT unnest($1::text[]), 0, $2 ON CONFLICT DO NOTHING', [screens, GENESIS.hash]);
    const locked = await client.query<{ screen_id: string; seq: number; hash: string }>(
      'SELECT screen_id, seq, hash FROM chain_heads WHERE screen_id = ANY($1::text[]) ORDER BY screen_id FOR UPDATE',
      [screens],
    );
    const heads = new Map(locked.rows.map((h) => [h.screen_id, { seq: h.seq, hash: h.hash }]));
    const fresh = await client.query<{ id: string }>('INSERT INTO play_ids (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING id', [
      [...new Set(rows.map((r) => r.id))].sort(),
    ]);
    const { stored, sums, counts } = chainBatches(batches, heads, new Set(fresh.rows.map((r) => r.id)), dayOf);
    if (stored.length) {
      const moved = [...new Set(stored.map((r) => r.screen_id))].map((id) => [id, heads.get(id)!.seq, heads.get(id)!.hash] as const);
      // One statement (one round trip) for the rows, their rollups and the heads they moved.
      await client.query(STORE_CHAINED, [...COLUMNS.map((c) => stored.map((r) => r[c])), ...columnsOf(sums, 7), ...columnsOf(moved, 3)]);
    }
    return counts;
  };

  // Group commit: batches arriving while transactions are in flight share the next one.
  type PendingBatch = { rows: ChainedFields[]; resolve: (n: { inserted: number }) => void; reject: (e: unknown) => void };
  let pending: PendingBatch[] = [];
  let inFlight = 0;
  // Every batch not yet committed or failed: flush() waits for these, not for an idle moment that may never come.
  const outstanding = new Set<Promise<unknown>>();
  const flushPlays = () => {
    while (pending.length && inFlight < MAX_IN_FLIGHT) {
      const batches = pending;
      pending = [];
      inFlight++;
      const rowsOf = batches.map((b) => b.rows);
      writeBatches(rowsOf)
        .catch(async (error: unknown) => {
          if ((error as { code?: string }).code !== NO_PARTITION) throw error;
          await loadMonths(); // retention dropped a month this node thought it had: make it again, once
          return writeBatches(rowsOf);
        })
        .then(
          (counts) => batches.forEach((b, i) => b.resolve({ inserted: counts[i]! })),
          (error: unknown) => batches.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          inFlight--;
          flushPlays();
        });
    }
  };
  /** Once every batch recorded so far is committed (or failed), the heartbeats still waiting are written. */
  const flushHeartbeats = async () => {
    await Promise.allSettled([...outstanding]);
    if (heartbeats.hasChanges()) await writeBatches([]);
  };
  let heartbeatFailures = 0;
  const heartbeatTimer = setInterval(() => {
    // A lost heartbeat costs nothing; the changes stay and go with the next write.
    flushHeartbeats().then(() => (heartbeatFailures = 0), () => void heartbeatFailures++);
  }, options.heartbeatFlushMs ?? 1000);
  heartbeatTimer.unref();

  const count = async (sql: string, params: unknown[] = []) => (await pool.query<{ n: number }>(sql, params)).rows[0]!.n;

  /** The last seq of a screen received before `cutoff`: received_at grows with seq, so a binary search over (screen, seq) finds it. */
  const lastSeqBefore = async (screenId: string, cutoff: number): Promise<number | null> => {
    const anchor = await pool.query<{ seq: number }>('SELECT seq FROM chain_anchors WHERE screen_id = $1', [screenId]);
    const head = await pool.query<{ seq: number }>('SELECT seq FROM chain_heads WHERE screen_id = $1', [screenId]);
    let lo = (anchor.rows[0]?.seq ?? 0) + 1;
    let hi = head.rows[0]?.seq ?? 0;
    let found: number | null = null;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const { rows } = await pool.query<{ seq: number; received_at: number }>(
        'SELECT seq, received_at FROM plays WHERE screen_id = $1 AND seq >= $2 ORDER BY seq LIMIT 1',
        [screenId, mid],
      );
      const row = rows[0];
      if (row && row.seq <= hi && row.received_at < cutoff) (found = row.seq), (lo = row.seq + 1);
      else hi = mid - 1;
    }
    return found;
  };

  return {
    recordPlays(screenId, isProvisional, records) {
      const receivedAt = Date.now();
      const rows = records.map((r) => playFields(screenId, isProvisional, receivedAt, r));
      const written = new Promise<{ inserted: number }>((resolve, reject) => {
        pending.push({ rows, resolve, reject });
        if (pending.length === 1) setImmediate(flushPlays);
      });
      outstanding.add(written);
      void written.finally(() => outstanding.delete(written)).catch(() => undefined);
      return written;
    },
    recordHeartbeat(screenId, heartbeat, receivedAt) {
      heartbeats.record(screenId, heartbeat, receivedAt);
    },
    async listPlays(query) {
      const { sql, params } = whereClause(query);
      const { rows } = await pool.query<PlayRow>(`SELECT * FROM plays ${sql} ORDER BY started_at DESC, id COLLATE "C" LIMIT $${params.length + 1}`, [...params, query.limit]);
      return rows.map(toStoredPlay);
    },
    async lastPlayStarts(screenIds) {
      // max() of each screen over the (screen_id, started_at) index (plays_by_screen_day): a seek a screen and month partition.
      const { rows } = await pool.query<{ screen_id: string; at: string | null }>(
        'SELECT ids.id AS screen_id, (SELECT max(started_at) FROM plays WHERE screen_id = ids.id) AS at FROM unnest($1::text[]) AS ids(id)',
        [[...screenIds]],
      );
      return new Map(rows.flatMap((r) => (r.at === null ? [] : [[r.screen_id, Number(r.at)] as const])));
    },
    async countPlays(query) {
      const { sql, params } = whereClause(query);
      return count(`SELECT count(*) AS n FROM plays ${sql}`, params);
    },
    async countHeartbeats(screenId) {
      await flushHeartbeats();
      return screenId === undefined
        ? count('SELECT coalesce(sum(beats), 0)::int8 AS n FROM online_intervals')
        : count('SELECT coalesce(sum(beats), 0)::int8 AS n FROM online_intervals WHERE screen_id = $1', [screenId]);
    },
    async lastHeartbeats() {
      await flushHeartbeats();
      const { rows } = await pool.query<{ screen_id: string; at: number }>('SELECT screen_id, max(end_at) AS at FROM online_intervals GROUP BY screen_id');
      return new Map(rows.map((r) => [r.screen_id, new Date(r.at).toISOString()]));
    },
    async latestHeartbeats() {
      await flushHeartbeats();
      const { rows } = await pool.query<{ screen_id: string; at: number; sent_at: number; manifest_version: string | null; uptime_ms: number; details: string }>(
        `SELECT DISTINCT ON (screen_id) screen_id, received_at AS at, sent_at, manifest_version, uptime_ms, details
         FROM heartbeat_health ORDER BY screen_id, received_at DESC, row_id DESC`,
      );
      const latest = new Map<string, StoredHeartbeat>();
      for (const r of rows) {
        const stored = storedHeartbeatOf(r);
        if (stored) latest.set(r.screen_id, stored);
      }
      return latest;
    },
    async prune(now, retentionDays) {
      await flushHeartbeats();
      const cutoff = now.getTime() - retentionDays * 86_400_000;
      const screens = (await pool.query<{ screen_id: string }>('SELECT screen_id FROM chain_heads')).rows.map((r) => r.screen_id);
      let plays = 0;
      for (const screenId of screens) {
        const last = await lastSeqBefore(screenId, cutoff);
        if (last === null) continue;
        // The anchor moves and the records up to it go in one transaction: the chain verifies from it at every moment.
        plays += await inTransaction(pool, async (client) => {
          const anchor = (await client.query<{ seq: number; record_hash: string }>(
            `SELECT seq, encode(record_hash, 'hex') AS record_hash FROM plays WHERE screen_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1`,
            [screenId, last],
          )).rows[0]!;
          const gone = await client.query<{ n: number }>(
            `WITH gone AS (DELETE FROM plays WHERE screen_id = $1 AND seq <= $2 RETURNING id),
                  ids AS (DELETE FROM play_ids p USING gone WHERE p.id = gone.id)
             SELECT count(*) AS n FROM gone`,
            [screenId, anchor.seq],
          );
          await client.query(
            'INSERT INTO chain_anchors (screen_id, seq, hash) VALUES ($1, $2, $3) ON CONFLICT (screen_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
            [screenId, anchor.seq, anchor.record_hash],
          );
          return gone.rows[0]!.n;
        });
      }
      // Months wholly before the cutoff that retention emptied are dropped: their space returns at once.
      for (const m of [...months].filter((m) => monthStart(m + 1) <= cutoff)) {
        const dropped = await inTransaction(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITIONS_LOCK]);
          const name = partitionOf(m);
          const { rows } = await client.query(`SELECT 1 FROM "${name}" LIMIT 1`);
          if (rows.length) return false;
          await client.query(`DROP TABLE "${name}"`);
          return true;
        });
        if (dropped) months.delete(m);
      }
      const intervals = await inTransaction(pool, async (client) => {
        // The latest health report of each screen stays, however old: the console shows it.
        await client.query(
          `DELETE FROM heartbeat_health WHERE received_at < $1 AND row_id NOT IN (SELECT max(row_id) FROM heartbeat_health GROUP BY screen_id)`,
          [cutoff],
        );
        return (await client.query('DELETE FROM online_intervals WHERE end_at < $1', [cutoff])).rowCount ?? 0;
      });
      heartbeats.forgetBefore(cutoff);
      return { plays, intervals };
    },
    async flush() {
      await flushHeartbeats();
    },
    async close() {
      clearInterval(heartbeatTimer);
      await flushHeartbeats();
    },
  };
}

const PG_HEX = (column: string) => `encode(${column}, 'hex')`;

/** The chain's anchor or head as a row in screenDayColumns' places: no id, item_id names it, its link where a record has seq and record_hash. */
const linkRow = (link: 'anchor' | 'head') =>
  `SELECT NULL, NULL, '${link}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, seq, NULL, hash FROM chain_${link}s WHERE screen_id = $1`;

/**
 * A screen-day in one statement, so one snapshot and one round trip: the day's seq range, its chained
 * records from the nearest one before that range to the nearest one after, the day's records without
 * chain columns, and the chain's anchor and head (screenDayOfRows takes them apart). The range comes
 * from the day's entries of plays_by_screen_day (migration 140), an index-only read: OFFSET 0 keeps
 * it so, where a bare min()/max() lets the planner walk the seq index from either end instead,
 * visiting every row of the week outside the day on its way.
 */
const SCREEN_DAY = `WITH day AS (
    SELECT min(seq) AS lo, max(seq) AS hi FROM (SELECT seq FROM plays WHERE screen_id = $1 AND started_at >= $2 AND started_at < $3 OFFSET 0) AS d),
  bounds AS (
    SELECT coalesce((SELECT seq FROM plays WHERE screen_id = $1 AND seq < day.lo ORDER BY seq DESC LIMIT 1), day.lo) AS first,
      coalesce((SELECT seq FROM plays WHERE screen_id = $1 AND seq > day.hi ORDER BY seq LIMIT 1), day.hi) AS last FROM day)
  SELECT * FROM (
    SELECT ${screenDayColumns(PG_HEX)} FROM plays, bounds WHERE screen_id = $1 AND seq >= bounds.first AND seq <= bounds.last
    UNION ALL SELECT ${screenDayColumns(PG_HEX)} FROM plays WHERE screen_id = $1 AND seq IS NULL AND started_at >= $2 AND started_at < $3
    UNION ALL ${linkRow('anchor')}
    UNION ALL ${linkRow('head')}
  ) AS r ${CHAIN_ORDER}`;

/** A screen-day from SCREEN_DAY's rows (arrays): the links taken out, and whether a record lies before or after the day's seq range. */
function screenDayOfRows(screenId: string, from: number, to: number, rows: readonly unknown[][]): ScreenDay {
  const links = { anchor: GENESIS, head: GENESIS };
  const segment: ChainedRow[] = [];
  const unchained: ChainedRow[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const columns of rows) {
    if (columns[0] === null) {
      links[columns[2] as 'anchor' | 'head'] = { seq: columns[14] as number, hash: columns[16] as string };
      continue;
    }
    const row = screenDayRow(columns);
    if (row.seq === null) {
      unchained.push(row);
      continue;
    }
    segment.push(row);
    if (row.started_at >= from && row.started_at < to) (lo = Math.min(lo, row.seq)), (hi = Math.max(hi, row.seq));
  }
  // In seq order, so a neighbour before the day's range is the first record and one after it the last.
  const isFromStart = !((segment[0]?.seq ?? lo) < lo);
  const isToEnd = !((segment.at(-1)?.seq ?? hi) > hi);
  return screenDayOf(screenId, from, to, { segment, isFromStart, isToEnd, unchained }, links.anchor, links.head);
}

/** The airing log's read-only questions (rollups, online time, chain checks) answered from PostgreSQL. */
export function createPgAiringReports(pool: PgPool, options: { timeZone?: string } = {}): AiringReports {
  const zone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const linkOf = async (client: PgPool | PgClient, table: 'chain_anchors' | 'chain_heads', screenId: string): Promise<ChainLink> =>
    (await client.query<ChainLink>(`SELECT seq, hash FROM ${table} WHERE screen_id = $1`, [screenId])).rows[0] ?? GENESIS;

  /** One screen's chain in one snapshot (REPEATABLE READ), so records written meanwhile do not look like a break; read through a cursor, never whole. */
  const verifyOne = (screenId: string) =>
    inTransaction(pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const anchor = await linkOf(client, 'chain_anchors', screenId);
      const head = await linkOf(client, 'chain_heads', screenId);
      return verifyScreenChainAsync(screenId, cursorRows<ChainedRow>((sql, params) => client.query(sql, params), 'chain', `SELECT * FROM plays WHERE screen_id = $1 ${CHAIN_ORDER}`, [screenId]), anchor, head);
    });

  return {
    async dailyRollups({ fromDay, toDay, screenIds, provisional }) {
      const { rows } = await pool.query(
        `SELECT day, screen_id AS "screenId", media_id AS "mediaId", plays, completed, airtime_ms AS "airtimeMs" FROM rollups
         WHERE day >= $1 AND day <= $2 AND is_provisional = $3 AND ($4::text[] IS NULL OR screen_id = ANY($4::text[]))
         ORDER BY day, screen_id COLLATE "C", media_id COLLATE "C"`,
        [fromDay, toDay, provisional ? 1 : 0, screenIds ?? null],
      );
      return rows;
    },
    async dailyOnline(range) {
      return onlinePerDay(range, zone, async (from, to) =>
        (await pool.query<ScreenInterval>(
          `SELECT screen_id AS "screenId", start_at AS start, end_at AS end FROM online_intervals
           WHERE end_at >= $1 AND start_at < $2 AND ($3::text[] IS NULL OR screen_id = ANY($3::text[])) ORDER BY screen_id COLLATE "C", start_at`,
          [from, to, range.screenIds ?? null],
        )).rows,
      );
    },
    async onlineIntervals(screenId, from, to) {
      const { rows } = await pool.query<{ start: number; end: number }>(
        'SELECT start_at AS start, end_at AS end FROM online_intervals WHERE screen_id = $1 AND end_at >= $2 AND start_at < $3 ORDER BY start_at',
        [screenId, from, to],
      );
      return rows.map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }));
    },
    async verifyChain(screenId) {
      const screens =
        screenId === undefined
          ? (await pool.query<{ screen_id: string }>('SELECT screen_id FROM (SELECT screen_id FROM chain_heads UNION SELECT screen_id FROM plays) s ORDER BY screen_id COLLATE "C"')).rows.map((r) => r.screen_id)
          : [screenId];
      let checked = 0;
      for (const id of screens) {
        const verdict = await verifyOne(id);
        checked += verdict.checked;
        if (!verdict.ok) return { ...verdict, checked };
      }
      return { ok: true, checked };
    },
    async verifyChainSegment(screenId, fromSeq, toSeq) {
      const { rows } = await pool.query<ChainedRow>(`SELECT * FROM plays WHERE screen_id = $1 AND seq >= $2 AND seq <= $3 ${CHAIN_ORDER}`, [screenId, fromSeq - 1, toSeq + 1]);
      return verifySegment(screenId, rows, await linkOf(pool, 'chain_anchors', screenId), await linkOf(pool, 'chain_heads', screenId));
    },
    async screenDay(screenId, from, to) {
      const { rows } = await pool.query<unknown[]>({ name: 'screen-day', text: SCREEN_DAY, values: [screenId, from, to], rowMode: 'array' });
      return screenDayOfRows(screenId, from, to, rows);
    },
    async healthBetween(screenId, from, to) {
      const { rows } = await pool.query<{ at: number; details: string }>(
        `(SELECT received_at AS at, details, row_id FROM heartbeat_health WHERE screen_id = $1 AND received_at >= $2 AND received_at < $3)
         UNION ALL (SELECT received_at, details, row_id FROM heartbeat_health WHERE screen_id = $1 AND received_at < $2 ORDER BY received_at DESC, row_id DESC LIMIT 1)
         ORDER BY at, row_id`,
        [screenId, from, to],
      );
      return parseHealth(rows);
    },
    async seqRange(screenId, from, to) {
      const { rows } = await pool.query<{ fromSeq: number | null; toSeq: number | null }>(
        'SELECT min(seq) AS "fromSeq", max(seq) AS "toSeq" FROM plays WHERE screen_id = $1 AND started_at >= $2 AND started_at < $3',
        [screenId, from, to],
      );
      const r = rows[0]!;
      return r.fromSeq === null || r.toSeq === null ? null : { fromSeq: r.fromSeq, toSeq: r.toSeq };
    },
    // The pool belongs to the stores (server/storage/stores.ts), closed with them.
    async close() {},
  };
}
