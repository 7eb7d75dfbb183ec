// npm run bench -- reports: proof of airing at county scale.
// 1. Durable ingest (fsync'd group commits) with the hash chain and rollups, against the same
//    workload on the plain table the store had before them, in one run: records/s and the ratio.
// 2. A store holding a week of plays at a 20-second loop (1,000 screens ≈ 30 million plays with
//    CRIER_BENCH_FULL=1; 50 screens by default, CRIER_BENCH_SCREENS=N for a size between), generated
//    by straight SQL in big transactions: one screen-day's proof (as-run log + chain check) timed,
//    beside the same log from the two reads it made before, and the bytes per million plays.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { PlayRecord } from '../../player/protocol.js';
import { dateOf, dayOf } from '../../playlists/wall-clock.js';
import { screenById } from '../../playlists/catalogue.index.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { buildAsRun } from '../../server/proof/as-run.js';
import { createAiringReports, type AiringReports } from '../../server/storage/airing.reports.js';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { localDayBucket } from '../../server/storage/local-day.js';
import { chainDigest, GENESIS, type ChainedFields } from '../../server/storage/play-chain.js';
import { signIn, TEST_ADMIN } from '../helper.js';
import { migrateToPg } from '../../server/storage/migrate-to-pg.js';
import { withDatabase } from './pg-database.js';
import { withTempDir } from './temp-dir.js';
import { fmt, median, quantile } from './stats.js';

const ZONE = 'Asia/Shanghai';

const record = (): PlayRecord => ({
  id: randomUUID(), itemId: 'i', mediaId: 'm', hash: 'a'.repeat(64), manifestVersion: 'v',
  startedAt: new Date(Date.now() - 5000).toISOString(), endedAt: new Date().toISOString(), completed: true,
  plannedStartedAt: new Date(Date.now() - 5000).toISOString(), outcome: 'completed', clockOffsetMs: 12,
});

/** The plays table as it was before chains and rollups, with the same pragmas and group commit. */
function plainStore(dir: string) {
  const db = new Database(path.join(dir, 'plain.sqlite3'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE plays (id TEXT PRIMARY KEY, screen_id TEXT NOT NULL, item_id TEXT NOT NULL, media_id TEXT NOT NULL, hash TEXT NOT NULL,
    manifest_version TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, completed INTEGER NOT NULL, received_at INTEGER NOT NULL,
    is_provisional INTEGER NOT NULL, planned_started_at INTEGER, outcome TEXT, clock_offset_ms INTEGER);
    CREATE INDEX plays_by_screen_time ON plays (screen_id, started_at); CREATE INDEX plays_by_time ON plays (started_at);`);
  const insert = db.prepare(`INSERT OR IGNORE INTO plays VALUES (@id, @screen_id, @item_id, @media_id, @hash, @manifest_version, @started_at, @ended_at,
    @completed, @received_at, @is_provisional, @planned_started_at, @outcome, @clock_offset_ms)`);
  let pending: { rows: ChainedFields[]; resolve: () => void }[] = [];
  const write = db.transaction((batches: typeof pending) => batches.forEach((b) => b.rows.forEach((r) => insert.run(r))));
  return {
    recordPlays(screenId: string, records: PlayRecord[]) {
      const now = Date.now();
      const rows = records.map((r) => ({
        id: r.id, screen_id: screenId, item_id: r.itemId, media_id: r.mediaId, hash: r.hash, manifest_version: r.manifestVersion,
        started_at: Date.parse(r.startedAt), ended_at: Date.parse(r.endedAt), completed: 1, received_at: now, is_provisional: 0,
        planned_started_at: Date.parse(r.plannedStartedAt!), outcome: r.outcome ?? null, clock_offset_ms: r.clockOffsetMs ?? null,
      }));
      return new Promise<void>((resolve) => {
        if (pending.push({ rows, resolve }) === 1) setImmediate(() => {
          const batches = pending;
          pending = [];
          write(batches);
          batches.forEach((b) => b.resolve());
        });
      });
    },
    close: () => db.close(),
  };
}

/** The longest the event loop went without running a 1 ms timer, until stop() (which waits for one more). */
function watchGaps() {
  let last = performance.now();
  let longest = 0;
  let isOn = true;
  const tick = () => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
    if (isOn) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  return {
    stop: () =>
      new Promise<number>((resolve) =>
        setTimeout(() => {
          isOn = false;
          resolve(Math.max(longest, performance.now() - last));
        }, 1),
      ),
  };
}

/** Bytes this process has had written to disk so far (Linux's /proc/self/io, every thread's writes; null elsewhere). */
function bytesWritten(): number | null {
  try {
    const found = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return found ? Number(found[1]) : null;
  } catch {
    return null;
  }
}

async function benchIngest(): Promise<void> {
  await withTempDir(async (dir) => {
    // The store as it runs (commits in its writer thread), the same store committing on the event loop, the plain table.
    const chained = createAiringLog(path.join(dir, 'chained'), { timeZone: ZONE });
    const inline = createAiringLog(path.join(dir, 'inline'), { timeZone: ZONE, writer: 'inline' });
    const plain = plainStore(dir);
    const ROUNDS = 9;
    const kinds = ['plain', 'inline', 'chained'] as const;
    for (const [batches, size] of [[200, 10], [50, 500]] as const) {
      const rates = { chained: [] as number[], inline: [] as number[], plain: [] as number[] };
      // The longest the event loop was held while each store ingested (timers every 10 ms see it).
      const stalls = { chained: [] as number[], inline: [] as number[], plain: [] as number[] };
      // What each store had written to disk (WAL, checkpoints) per record: steadier than a rate on a shared machine.
      const written = { chained: 0, inline: 0, plain: 0 };
      // Alternate the stores round by round, so the machine's noise falls on all alike.
      for (let round = 0; round < ROUNDS; round++) {
        for (const kind of kinds) {
          const work = Array.from({ length: batches }, (_, i) => ({ screenId: `scr-${i}`, records: Array.from({ length: size }, record) }));
          const loop = watchGaps();
          const bytesBefore = bytesWritten();
          const start = performance.now();
          await Promise.all(work.map((w) => (kind === 'plain' ? plain.recordPlays(w.screenId, w.records) : (kind === 'inline' ? inline : chained).recordPlays(w.screenId, false, w.records))));
          rates[kind].push((batches * size) / ((performance.now() - start) / 1000));
          stalls[kind].push(await loop.stop());
          if (bytesBefore !== null) written[kind] += bytesWritten()! - bytesBefore;
        }
      }
      const c = median(rates.chained);
      const i = median(rates.inline);
      const p = median(rates.plain);
      console.log(`reports: ingest, ${batches} concurrent batches of ${size}, fsync'd (median of ${ROUNDS}): chained + rollups ${Math.round(c).toLocaleString('en')} records/s (writer thread), ${Math.round(i).toLocaleString('en')} records/s (inline on the event loop), plain table ${Math.round(p).toLocaleString('en')} records/s; ratio to plain ${(c / p).toFixed(2)} (thread), ${(i / p).toFixed(2)} (inline)`);
      console.log(`reports: ingest, ${batches} × ${size}: longest event-loop stall per run, median: writer thread ${fmt(median(stalls.chained))}, inline ${fmt(median(stalls.inline))}, plain ${fmt(median(stalls.plain))}`);
      if (bytesWritten() !== null) {
        const perRecord = (kind: keyof typeof written) => `${(written[kind] / (ROUNDS * batches * size) / 1024).toFixed(2)} KB`;
        console.log(`reports: ingest, ${batches} × ${size}: written to disk per record (WAL and checkpoints): writer thread ${perRecord('chained')}, inline ${perRecord('inline')}, plain ${perRecord('plain')}`);
      }
    }
    await chained.close();
    await inline.close();
    plain.close();
  });
}

/**
 * A week of plays for `screens` screens, one every 20 s, items in the default playlist's order, with
 * valid chains, rollups, heads and one online interval per screen-day: straight SQL, big transactions.
 */
function generateWeek(dataDir: string, screens: number, days: string[], items: { id: string; mediaId: string }[], withPlays = true): number {
  const db = new Database(path.join(dataDir, 'airing.sqlite3'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(`INSERT INTO plays (id, screen_id, item_id, media_id, hash, manifest_version, started_at, ended_at, completed, received_at,
    is_provisional, planned_started_at, outcome, clock_offset_ms, seq, prev_hash, record_hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const rollup = db.prepare('INSERT INTO rollups VALUES (?, ?, ?, 0, ?, ?, ?)');
  const head = db.prepare('INSERT OR REPLACE INTO chain_heads VALUES (?, ?, ?)');
  const interval = db.prepare('INSERT INTO online_intervals VALUES (?, ?, ?, ?)');
  const hash = 'b'.repeat(64);
  let total = 0;
  for (let s = 0; s < screens; s++) {
    const screenId = `scr-bench-${String(s).padStart(4, '0')}`;
    let prev: { seq: number; hash: string; bytes: Buffer } = { seq: GENESIS.seq, hash: GENESIS.hash, bytes: Buffer.from(GENESIS.hash, 'hex') };
    db.transaction(() => {
      for (const day of days) {
        const { start, end } = localDayBucket(day, ZONE);
        const sums = new Map<string, [number, number]>();
        let k = 0;
        for (let t = start; t + 20_000 <= end; t += 20_000, k++) {
          const item = items[k % items.length]!;
          const sum = sums.get(item.mediaId) ?? [0, 0];
          (sum[0]++, (sum[1] += 19_850));
          sums.set(item.mediaId, sum);
          total++;
          if (!withPlays) continue;
          const fields: ChainedFields = {
            id: `${screenId}-${t}`, screen_id: screenId, item_id: item.id, media_id: item.mediaId, hash, manifest_version: 'v1',
            started_at: t + 150, ended_at: t + 20_000, completed: 1, received_at: t + 20_500, is_provisional: 0,
            planned_started_at: t, outcome: 'completed', clock_offset_ms: -150,
          };
          // Stored as the airing log stores them: 32-byte BLOB links, hex for the next record's encoding.
          const digest = chainDigest(fields, prev.hash);
          insert.run(fields.id, screenId, item.id, item.mediaId, hash, 'v1', fields.started_at, fields.ended_at, 1, fields.received_at, 0, t, 'completed', -150, prev.seq + 1, prev.bytes, digest);
          prev = { seq: prev.seq + 1, hash: digest.toString('hex'), bytes: digest };
        }
        for (const [mediaId, [plays, ms]] of sums) rollup.run(day, screenId, mediaId, plays, plays, ms);
        interval.run(screenId, start, end - 1, Math.floor((end - start) / 30_000));
      }
      if (withPlays) head.run(screenId, prev.seq, prev.hash);
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return total;
}

const DAYS = Array.from({ length: 7 }, (_, i) => dateOf(dayOf('2027-01-11') + i));
const config = (dataDir: string) => ({ ...loadConfig({}), dataDir, logLevel: 'silent' as const, timeZone: ZONE, adminPassword: TEST_ADMIN.password });

/**
 * A county of `screens` screens in a fresh data dir and its week in the airing log: the server makes
 * the catalogue (default campaign) and the tables, the register is filled (20 townships × 10 villages,
 * one site per screen), then the week is generated; answers the app opened on it.
 */
async function countyWeek(dataDir: string, screens: number, withPlays: boolean) {
  const first = await buildApp(config(dataDir), { logger: false });
  const catalogue = first.crier.catalogue;
  const playlist = catalogue.read().playlists.find((p) => p.id === catalogue.read().defaultPlaylistId)!;
  await catalogue.update((draft) => {
    for (let t = 0; t < 20; t++) draft.townships.push({ id: `tw-${t}`, name: `乡镇 ${t}` });
    for (let v = 0; v < 200; v++) draft.villages.push({ id: `v-${v}`, townshipId: `tw-${v % 20}`, name: `村 ${v}`, kind: 'village' });
    for (let s = 0; s < screens; s++) {
      const id = `scr-bench-${String(s).padStart(4, '0')}`;
      draft.sites.push({ id: `site-${s}`, villageId: `v-${s % 200}`, name: `点位 ${s}`, type: '社区/村' });
      draft.screens.push({ id, name: `屏幕 ${s}`, isProvisional: false, township: `乡镇 ${s % 20}`, siteId: `site-${s}`, groups: [], createdAt: '2027-01-01T00:00:00.000Z' });
    }
  });
  await first.close();
  const genStart = performance.now();
  const plays = generateWeek(dataDir, screens, DAYS, playlist.items, withPlays);
  const genSeconds = (performance.now() - genStart) / 1000;
  const bytes = (await stat(path.join(dataDir, 'airing.sqlite3'))).size;
  if (withPlays) {
    console.log(`reports: generated a week of ${screens} screens at a 20 s loop: ${plays.toLocaleString('en')} plays in ${genSeconds.toFixed(1)} s; airing.sqlite3 ${(bytes / 2 ** 20).toFixed(0)} MiB = ${(bytes / (plays / 1e6) / 2 ** 20).toFixed(1)} MiB per million plays (${Math.round(bytes / plays)} bytes per play)`);
  } else {
    console.log(`reports: generated the rollups and online intervals of a week of ${screens} screens at a 20 s loop (${plays.toLocaleString('en')} plays counted, no raw rows: the weekly report reads none) in ${genSeconds.toFixed(1)} s`);
  }
  return buildApp(config(dataDir), { logger: false });
}

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * The as-run log as the service gathered it before one read served it: the day's plays from the
 * airing log (listPlays), then their seq range and the chain check of that range, each its own read.
 */
async function asRunFromTwoReads(app: App, reports: AiringReports, screenId: string, day: string) {
  const catalogue = app.crier.catalogue.read();
  const { start: from, end: to } = localDayBucket(day, ZONE);
  const plays = await app.crier.airingLog.listPlays({ screenId, from: new Date(from), to: new Date(to), limit: 100_000 });
  const health = (await reports.healthBetween(screenId, from, to)).map((h) => ({ ...(h.details as object), at: h.at }));
  const range = await reports.seqRange(screenId, from, to);
  const chain = range ? await reports.verifyChainSegment(screenId, range.fromSeq, range.toSeq) : { ok: true, checked: 0 };
  const online = await reports.onlineIntervals(screenId, from, to);
  return { ...buildAsRun({ catalogue, screen: screenById(catalogue, screenId)!, day, from, to, timeZone: ZONE, plays, online, health }), chain };
}

/**
 * One screen-day's proof (as-run log + chain check) on a store with every raw play of the week, and
 * the same log from the two reads it made before, alternated screen-day by screen-day so the
 * machine's noise falls on both alike, their answers compared (and with CRIER_BENCH_FULL=1 the
 * weekly report on that store).
 */
async function benchProof(screens: number): Promise<void> {
  await withTempDir(async (dataDir) => {
    const app = await countyWeek(dataDir, screens, true);
    const reports = createAiringReports(dataDir, { timeZone: ZONE });
    try {
      const times = { oneRead: [] as number[], twoReads: [] as number[], route: [] as number[], br: [] as number[], gzip: [] as number[] };
      const wire = { route: 0, br: 0, gzip: 0 };
      const headers = await signIn(app, TEST_ADMIN.username, TEST_ADMIN.password);
      const timed = async <T>(into: number[], run: () => Promise<T>) => {
        const start = performance.now();
        const result = await run();
        into.push(performance.now() - start);
        return result;
      };
      let checked = 0;
      const ROUNDS = 40;
      for (let i = 0; i < ROUNDS; i++) {
        const screenId = `scr-bench-${String((i * 37) % screens).padStart(4, '0')}`;
        const day = DAYS[(i * 3) % DAYS.length]!;
        const oneRead = () => timed(times.oneRead, () => app.crier.asRuns.asRun(screenId, day));
        const twoReads = () => timed(times.twoReads, () => asRunFromTwoReads(app, reports, screenId, day));
        // Each goes first every other time: the second finds the day's pages in the cache.
        const twoFirst = i % 2 ? null : await twoReads();
        const log = await oneRead();
        const fromTwo = twoFirst ?? (await twoReads());
        if (!log.chain.ok) throw new Error(`chain check failed on generated data: ${JSON.stringify(log.chain)}`);
        if (!isDeepStrictEqual(log, fromTwo)) throw new Error(`the as-run log of ${screenId} on ${day} differs between one read and two`);
        checked += log.chain.checked;
        // What the console waits for: a proof through the HTTP route, serialised to JSON, for another
        // screen-day than the one just read (whose pages would now be in the cache); the same answer
        // also as a browser asks for it, brotli and gzip, each first every third time.
        const other = `scr-bench-${String((i * 37 + 17) % screens).padStart(4, '0')}`;
        const url = `/api/v1/proof/as-run?screenId=${other}&day=${DAYS[(i * 3 + 1) % DAYS.length]}`;
        const kinds = ['route', 'br', 'gzip'] as const;
        for (const kind of kinds.map((_, k) => kinds[(i + k) % kinds.length]!)) {
          const encoding = kind === 'route' ? {} : { 'accept-encoding': kind };
          const answer = await timed(times[kind], () => app.inject({ method: 'GET', url, headers: { ...headers, ...encoding } }));
          if (answer.statusCode !== 200) throw new Error(`GET /api/v1/proof/as-run answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`);
          if ((answer.headers['content-encoding'] ?? 'route') !== kind) throw new Error(`GET /api/v1/proof/as-run with ${JSON.stringify(encoding)} came as ${answer.headers['content-encoding']}`);
          wire[kind] += answer.rawPayload.length;
        }
      }
      const [now, two] = [times.oneRead, times.twoReads];
      console.log(`reports: one screen-day proof (as-run log + chain check of its ${Math.round(checked / ROUNDS).toLocaleString('en')} records), ${ROUNDS} screen-days of ${screens.toLocaleString('en')} screens: median ${fmt(median(now))}, p95 ${fmt(quantile(now, 0.95))} (target ≤ 100 ms); the same logs from two reads of the day (listPlays + verifyChainSegment, as before): median ${fmt(median(two))}, p95 ${fmt(quantile(two, 0.95))}; equal answers`);
      console.log(`reports: a proof through GET /api/v1/proof/as-run (route, JSON answer of ${Math.round(wire.route / ROUNDS / 1024)} KB): median ${fmt(median(times.route))}, p95 ${fmt(quantile(times.route, 0.95))}`);
      const kb = (bytes: number) => `${Math.round(bytes / ROUNDS / 1024)} KB`;
      console.log(`reports: the same answers compressed as a browser asks: brotli ${kb(wire.br)} (median ${fmt(median(times.br))}, p95 ${fmt(quantile(times.br, 0.95))}), gzip ${kb(wire.gzip)} (median ${fmt(median(times.gzip))}, p95 ${fmt(quantile(times.gzip, 0.95))}), against ${kb(wire.route)} plain`);
      if (process.env.CRIER_BENCH_FULL === '1') await timeWeekly(app, screens);
    } finally {
      await reports.close();
      await app.close();
    }
  });
}

/**
 * The same screen-day proofs on PostgreSQL: the county week moved there by `npm run migrate:pg`'s code,
 * then each proof read from both stores in turn (each first every other time), answers compared.
 */
async function benchProofPg(screens: number): Promise<void> {
  const adminUrl = process.env.CRIER_BENCH_DATABASE_URL ?? process.env.CRIER_TEST_DATABASE_URL;
  if (!adminUrl) return void console.log('reports:proof-pg: skipped, set CRIER_BENCH_DATABASE_URL or CRIER_TEST_DATABASE_URL (a role that may CREATE DATABASE)');
  await withTempDir((dataDir) =>
    withDatabase(adminUrl, async (databaseUrl) => {
      await (await countyWeek(dataDir, screens, true)).close();
      const moved = await migrateToPg({ dataDir, databaseUrl });
      console.log(`reports: moved to PostgreSQL in ${(moved.ms / 1000).toFixed(1)} s`);
      const stores = {
        SQLite: await buildApp(config(dataDir), { logger: false }),
        PostgreSQL: await buildApp({ ...config(path.join(dataDir, 'pg-node')), databaseUrl }, { logger: false }),
      };
      try {
        const times = { SQLite: [] as number[], PostgreSQL: [] as number[] };
        const ROUNDS = 40;
        for (let i = 0; i < ROUNDS; i++) {
          const screenId = `scr-bench-${String((i * 37) % screens).padStart(4, '0')}`;
          const day = DAYS[(i * 3) % DAYS.length]!;
          const order = i % 2 ? (['SQLite', 'PostgreSQL'] as const) : (['PostgreSQL', 'SQLite'] as const);
          const logs: Record<string, unknown> = {};
          for (const kind of order) {
            const start = performance.now();
            const log = await stores[kind].crier.asRuns.asRun(screenId, day);
            times[kind].push(performance.now() - start);
            if (!log.chain.ok) throw new Error(`chain check failed on ${kind}: ${JSON.stringify(log.chain)}`);
            logs[kind] = log;
          }
          if (!isDeepStrictEqual(logs.SQLite, logs.PostgreSQL)) throw new Error(`the as-run log of ${screenId} on ${day} differs between SQLite and PostgreSQL`);
        }
        const [pg, lite] = [times.PostgreSQL, times.SQLite];
        console.log(`reports: one screen-day proof on PostgreSQL, ${ROUNDS} screen-days of ${screens.toLocaleString('en')} screens: median ${fmt(median(pg))}, p95 ${fmt(quantile(pg, 0.95))}; the same on SQLite: median ${fmt(median(lite))}, p95 ${fmt(quantile(lite, 0.95))}; ratio ${(median(pg) / median(lite)).toFixed(2)}; equal answers`);
      } finally {
        await stores.SQLite.close();
        await stores.PostgreSQL.close();
      }
    }),
  );
}

/**
 * The weekly report (每周通报): coverage, compliance (the resolver's plan for every screen-day), topic
 * mix and police figures from the rollups, rendered to PDF and XLSX and kept; 5 runs.
 */
async function timeWeekly(app: App, screens: number): Promise<void> {
  const weekly: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await app.crier.reports.weekly.generate('2027-W02', null);
    weekly.push(performance.now() - start);
  }
  const built = (await app.crier.reports.weekly.read('2027-W02'))!.report;
  console.log(`reports: weekly report of ${screens.toLocaleString('en')} screens in ${built.ranking.length} townships (model + PDF + XLSX + files), 5 runs: median ${fmt(median(weekly))}, max ${fmt(Math.max(...weekly))} (target ≤ 2 s)`);
}

/** The weekly report of 1,000 screens on the rollups and online intervals of their week (what it reads), without the raw rows it does not read. */
async function benchWeekly(): Promise<void> {
  await withTempDir(async (dataDir) => {
    const app = await countyWeek(dataDir, 1000, false);
    try {
      await timeWeekly(app, 1000);
    } finally {
      await app.close();
    }
  });
}

/** 1,000 screens with CRIER_BENCH_FULL=1, else CRIER_BENCH_SCREENS (a size between: 200 ≈ 6 million plays, 2.3 GB), else 50. */
function proofScreens(): number {
  if (process.env.CRIER_BENCH_FULL === '1') return 1000;
  const wanted = process.env.CRIER_BENCH_SCREENS;
  if (wanted === undefined) return 50;
  const screens = Number(wanted);
  if (!Number.isInteger(screens) || screens < 1 || screens > 10_000) throw new Error(`CRIER_BENCH_SCREENS: a whole number of screens from 1 to 10,000, not ${wanted}`);
  return screens;
}

/**
 * `npm run bench -- reports` runs every part but `reports:proof-pg`; `reports:ingest`, `reports:proof`, `reports:weekly` or
 * `reports:proof-pg` (the proof on PostgreSQL against SQLite, needs CRIER_BENCH_DATABASE_URL or CRIER_TEST_DATABASE_URL) one.
 * Proof runs on a store with every raw play: 50 screens, CRIER_BENCH_SCREENS=N, or 1,000 (≈ 30
 * million plays) with CRIER_BENCH_FULL=1, which then times the weekly report on that store too.
 */
export async function benchReports(part?: string): Promise<void> {
  const parts: Record<string, () => Promise<void>> = {
    ingest: benchIngest,
    proof: () => benchProof(proofScreens()),
    'proof-pg': () => benchProofPg(proofScreens()),
    weekly: benchWeekly,
  };
  if (part !== undefined && !(part in parts)) throw new Error(`unknown part reports:${part}; choose ${Object.keys(parts).map((p) => `reports:${p}`).join(', ')}`);
  // On PostgreSQL only when named: it needs a database server and a migration of the whole week.
  for (const [name, run] of Object.entries(parts)) if (part === name || (part === undefined && name !== 'proof-pg')) await run();
}
