// `npm run migrate:pg`: a county's embedded data dir, made through the real app (a claimed screen,
// plays through the real ingest, heartbeats, the register, a staff account, the audit trail), moved
// into an empty PostgreSQL database; the app on PostgreSQL then gives the same answers. A source that
// is not a data dir, a target that holds Crier data, and a run that failed half-way are refused, each
// with a clear word. Skips without CRIER_TEST_DATABASE_URL (fails under CRIER_REQUIRE_SERVICES=1).
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import type { PlayRecord } from '../../player/protocol.js';
import { sha256OfFile } from '../../media/media.store.js';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { migrateToPg } from '../../server/storage/migrate-to-pg.js';
import { openStores } from '../../server/storage/stores.js';
import { migrate } from '../../server/storage/pg/migrate.js';
import { openPgPool } from '../../server/storage/pg/pool.js';
import { commandOf } from '../cli.js';
import { helloPlayer, injectRaw, signIn, signInAs, startTestServer } from '../helper.js';
import { png, upload } from '../media/fixtures/files.js';
import { until } from '../cluster/nodes.js';
import { nodeCommand } from '../node-command.js';
import { placeSite } from '../register.fixtures.js';
import { closeAll, createTestDatabase, pgSkipReason, withClient } from '../stores.js';

const migrateCli = commandOf('server/storage/migrate-to-pg.cli.ts');

const json = (res: { body: string }) => JSON.parse(res.body) as unknown;
const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
/** The answers compared before and after: on the embedded stores, then on PostgreSQL. */
async function answers(app: Awaited<ReturnType<typeof startTestServer>>['app'], screenId: string) {
  const range = `from=${today}&to=${today}`;
  const exported = await app.inject({ url: `/api/v1/proof/export?${range}` });
  const [header, ...records] = exported.body.split('\n');
  return {
    screens: json(await app.inject('/api/v1/screens')),
    // The export's bytes, but for the moment it was made.
    export: [JSON.stringify({ ...(JSON.parse(header!) as object), exportedAt: null }), ...records].join('\n'),
    oprs: (await app.inject({ url: `/api/v1/proof/export?${range}&format=oprs` })).body,
    verify: json(await app.inject('/api/v1/proof/verify')),
    coverage: json(await app.inject(`/api/v1/reports/coverage?${range}&minMinutes=0`)),
    daily: json(await app.inject(`/api/v1/reports/plays-per-day?${range}`)),
    asRun: json(await app.inject(`/api/v1/proof/as-run?screenId=${screenId}&day=${today}`)),
    audit: (json(await app.inject('/api/v1/audit?limit=500')) as { entries: { id: number }[] }).entries,
  };
}

t.test('an embedded data dir moved into PostgreSQL answers the same there', { skip: pgSkipReason() }, async (t) => {
  const dataDir = t.testdir();
  const embedded = await startTestServer(t, { dataDir });
  const { player, welcome } = await helloPlayer(t, embedded.wsUrl);
  const siteId = await placeSite(embedded.app, '城关镇', '汽车站', '车站');
  const claim = await embedded.app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: '城关镇汽车站', siteId } });
  t.equal(claim.statusCode, 200, claim.body);
  const { token } = await player.next('paired');
  const { manifest } = await player.next('manifest');
  const item = manifest.items[0]!;
  // Plays since the screen first said hello (the server refuses older ones): the first before the claim (kept apart as unclaimed), the rest after.
  const since = Date.parse(embedded.app.crier.catalogue.read().screens.find((s) => s.id === welcome.screenId)!.createdAt);
  const startOf = (n: number) => since + n * 20;
  while (Date.now() < startOf(120) + 100) await new Promise((r) => setTimeout(r, 50)); // every play has ended by now
  for (let batch = 0; batch < 3; batch++) {
    const records = Array.from({ length: 40 }, (_, i) => {
      const start = startOf(batch * 40 + i);
      return { id: randomUUID(), itemId: item.id, mediaId: item.mediaId, hash: item.hash, manifestVersion: manifest.version, startedAt: new Date(start).toISOString(), endedAt: new Date(start + 15).toISOString(), completed: i % 7 !== 0 };
    });
    player.send({ type: 'plays', records });
    const ack = await player.next('plays-ack', 10_000);
    t.same([ack.ids.length, ack.refused], [40, undefined], `batch ${batch} stored and acknowledged`);
  }
  const now = Date.now();
  for (let beat = 0; beat < 3; beat++) player.send({ type: 'heartbeat', sentAt: new Date().toISOString(), airing: null, manifestVersion: manifest.version, uptimeMs: 1000 * beat });
  const staff = await signInAs(embedded.app, 'editor', null);
  await embedded.app.crier.airingLog.flush();
  player.socket.close();
  await player.closed;
  await embedded.app.close();
  // Read back from the stores alone, as the PostgreSQL app will: a restart, not the first app's memory.
  const restarted = await startTestServer(t, { dataDir });
  const before = await answers(restarted.app, welcome.screenId);
  t.match(before.verify, { ok: true, checked: 120 });
  await restarted.app.close();

  const databaseUrl = await createTestDatabase(t);
  const moved = await migrateCli('--data-dir', dataDir, '--to', databaseUrl, '--batch', '50');
  t.equal(moved.code, 0, moved.out);
  t.match(moved.out, /播出记录 \/ plays: 120 行 rows/, 'progress per table');
  t.match(moved.out, /plays\s+120 →\s+120/, 'the summary counts source and target');
  t.match(moved.out, /every screen verified on the target \(120 records\)/);
  t.notMatch(moved.out, /crier:crier@/, 'the password is never printed');
  // Planner statistics are gathered by the move itself (autovacuum may come much later): last_analyze is set only by ANALYZE.
  const analysed = () => withClient(databaseUrl, async (c) =>
    (await c.query("SELECT relname, last_analyze IS NOT NULL AS done FROM pg_stat_user_tables WHERE relname LIKE 'plays\\_%' ORDER BY relname")).rows as { relname: string; done: boolean }[]);
  let partitions = await analysed();
  // Statistics reach the shared view within moments of the command; look again a few times before judging.
  for (let look = 0; look < 20 && !partitions.every((p) => p.done); look++) partitions = (await new Promise((r) => setTimeout(r, 100)), await analysed());
  t.ok(partitions.length > 0 && partitions.every((p) => p.done), `every plays partition has planner statistics after the move: ${JSON.stringify(partitions)}`);

  const onPg = await startTestServer(t, { dataDir, databaseUrl });
  const after = await answers(onPg.app, welcome.screenId);
  t.same(after.screens, before.screens, 'the screens list');
  t.equal(after.export, before.export, 'the chain export, byte for byte (chain hashes unchanged)');
  t.equal(after.oprs, before.oprs, 'the OPRS export');
  t.same(after.verify, before.verify, 'the live chain check');
  t.same(after.coverage, before.coverage, 'the coverage report');
  t.same(after.daily, before.daily, 'plays per day, from the rollups');
  t.same(after.asRun, before.asRun, 'the as-run log, with its online time from the heartbeat intervals');
  const lastBefore = Math.max(...before.audit.map((e) => e.id));
  t.same(after.audit.filter((e) => e.id <= lastBefore), before.audit, 'the audit trail (but for this sign-in)');
  await signIn(onPg.app, staff.user.username, 'staff-password-1'); // throws unless the old password signs in
  const wrong = await injectRaw(onPg.app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username: staff.user.username, password: 'wrong-password-1' } });
  t.equal(wrong.statusCode, 401);
  const back = await helloPlayer(t, onPg.wsUrl, { screenId: welcome.screenId, token });
  t.match(back.welcome, { screenId: welcome.screenId, screenName: '城关镇汽车站', isProvisional: false }, "the player's pairing token still opens the door");
  const afterMove = randomUUID();
  back.player.send({ type: 'plays', records: [{ id: afterMove, itemId: item.id, mediaId: item.mediaId, hash: item.hash, manifestVersion: manifest.version, startedAt: new Date(now - 5000).toISOString(), endedAt: new Date(now).toISOString(), completed: true }] });
  t.same((await back.player.next('plays-ack', 10_000)).ids, [afterMove]);
  t.match(json(await onPg.app.inject('/api/v1/proof/verify')), { ok: true, checked: 121 }, 'new plays chain onto the moved chain');
  back.player.socket.close();
  await back.player.closed;
  const logins = (json(await onPg.app.inject(`/api/v1/audit?action=login&limit=500`)) as { entries: { id: number; actor: { username: string } | null }[] }).entries;
  t.ok(logins.some((e) => e.id > lastBefore && e.actor?.username === staff.user.username), "this run's sign-in is audited, numbered after the moved entries");

  const again = await migrateCli('--data-dir', dataDir, '--to', databaseUrl);
  t.equal(again.code, 2, 'a second run into the same database is refused');
  t.match(again.out, /已.*迁移过.*\/ the target database was already migrated into/);
});

t.test('refusals: not a data dir, a target with Crier data, and a run that failed half-way', { skip: pgSkipReason() }, async (t) => {
  const dir = t.testdir();
  const empty = path.join(dir, 'empty');
  await mkdir(empty);
  const databaseUrl = await createTestDatabase(t);
  const notDir = await migrateCli('--data-dir', empty, '--to', databaseUrl);
  t.equal(notDir.code, 2);
  t.match(notDir.out, /不是完整的 Crier 数据目录.* \/ .* is not a complete Crier data dir/);
  t.equal((await migrateCli('--data-dir', empty)).code, 2, 'no target: usage');
  t.equal((await migrateCli('--data-dir', empty, '--to', 'mysql://x')).code, 2, 'not a postgres URL');

  // A real data dir, with one audit row PostgreSQL cannot take (its JSON damaged), so the copy fails part-way.
  const source = path.join(dir, 'county');
  const app = await startTestServer(t, { dataDir: source });
  await placeSite(app.app, '城关镇');
  await app.app.close();
  const broken = path.join(dir, 'broken');
  await cp(source, broken, { recursive: true });
  const db = new Database(path.join(broken, 'audit.sqlite3'));
  db.prepare(`UPDATE audit SET after_json = '{not json' WHERE id = (SELECT max(id) FROM audit)`).run();
  db.close();

  const failed = await migrateCli('--data-dir', broken, '--to', databaseUrl);
  t.equal(failed.code, 1, failed.out);
  t.match(failed.out, /migration failed: .*json/i);
  t.match(failed.out, /目标数据库已标记为未完成/);
  await t.rejects(startTestServer(t, { dataDir: path.join(dir, 'node'), databaseUrl }), /未完成的迁移.*unfinished migration/, 'no server starts on the half-copied database');
  const second = await migrateCli('--data-dir', source, '--to', databaseUrl);
  t.equal(second.code, 2, 'nor does a run from another data dir copy into it');
  t.match(second.out, /未完成的迁移.* \/ this database holds an unfinished migration from .*broken, not from .*county: continue it with --data-dir .*broken, or drop and create the database again/);
  const again = await migrateCli('--data-dir', broken, '--to', databaseUrl);
  t.equal(again.code, 1, 'a run from the same data dir continues, and stops at the same bad row');
  t.match(again.out, /continuing the unfinished migration/);

  const used = await createTestDatabase(t);
  const pool = openPgPool(used, { max: 1 });
  await migrate(pool);
  await pool.query(`INSERT INTO audit (at, action, entity, summary) VALUES (1, 'create', 'screen', 'x')`);
  await pool.end();
  const held = await migrateCli('--data-dir', source, '--to', used);
  t.equal(held.code, 2);
  t.match(held.out, /目标数据库已有 Crier 数据（audit）.*\/ the target database already holds Crier data \(audit\)/);
  t.equal(await withClient(used, async (c) => (await c.query('SELECT count(*)::int AS n FROM audit')).rows[0].n), 1, 'and nothing was written');
});

t.test('account names one in PostgreSQL but two in the data dir are named before anything is copied', { skip: pgSkipReason() }, async (t) => {
  const dir = t.testdir();
  const source = path.join(dir, 'county');
  const app = await startTestServer(t, { dataDir: source });
  await app.app.close();
  // Two accounts an older embedded store kept apart (its NOCASE folds ASCII only): É/é, and a full-width name.
  const db = new Database(path.join(source, 'accounts.sqlite3'));
  db.exec('DROP INDEX IF EXISTS users_username_key');
  const insert = db.prepare(`INSERT INTO users (id, username, display_name, role, township, password_hash, must_change_password, disabled, created_at, updated_at)
    SELECT ?, ?, display_name, role, township, password_hash, 0, 0, created_at, updated_at FROM users WHERE username = 'admin'`);
  for (const [id, username] of [['u-e1', 'Émile'], ['u-e2', 'émile'], ['u-f1', 'staff'], ['u-f2', 'ＳＴＡＦＦ']]) insert.run(id, username);
  db.close();
  const databaseUrl = await createTestDatabase(t);
  const refused = await migrateCli('--data-dir', source, '--to', databaseUrl);
  t.equal(refused.code, 2, refused.out);
  t.match(refused.out, /只差大小写.*Émile \/ émile; staff \/ ＳＴＡＦＦ.*\/ these account names differ only in case or width/);
  t.equal(await withClient(databaseUrl, async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n), 0, 'nothing was written, not even the schema');
});

t.test('a run killed part-way is continued by the next: tables done are skipped, the plays continue after the last copied', { skip: pgSkipReason() }, async (t) => {
  const dir = t.testdir();
  const source = path.join(dir, 'county');
  const app = await startTestServer(t, { dataDir: source });
  await app.app.close();
  // 30,000 plays on 10 screens through the real SQLite ingest (chained and rolled up).
  const total = 30_000;
  const log = createAiringLog(source);
  const start = Date.now() - (total / 10) * 20_000;
  for (let written = 0; written < total; written += 5000) {
    await Promise.all(Array.from({ length: 10 }, (_, s) => {
      const records = Array.from({ length: 500 }, (_, k): PlayRecord => {
        const at = start + (written / 10 + k) * 20_000 + s;
        return { id: randomUUID(), itemId: 'i', mediaId: 'm', hash: 'a'.repeat(64), manifestVersion: 'v', startedAt: new Date(at).toISOString(), endedAt: new Date(at + 19_000).toISOString(), completed: true };
      });
      return log.recordPlays(`scr-${s}`, false, records);
    }));
  }
  await log.close();
  const databaseUrl = await createTestDatabase(t);
  const playsThere = () => withClient(databaseUrl, async (c) => (await c.query('SELECT count(*)::int AS n FROM plays')).rows[0].n as number).catch(() => 0);

  // Small batches, so the copy of the plays is under way for a while; killed (SIGKILL) once some are there.
  // One process (node with tsx's loader, not the tsx wrapper, which would leave its child running when killed).
  const child = spawn(...nodeCommand(['--import', 'tsx', 'server/storage/migrate-to-pg.cli.ts', '--data-dir', source, '--to', databaseUrl, '--batch', '20']), { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.teardown(() => void child.kill('SIGKILL'));
  await until(async () => (await playsThere()) > 0 || child.exitCode !== null);
  child.kill('SIGKILL');
  await exited;
  // Its connections end with it (a statement under way may still commit first): count once they are gone.
  const name = new URL(databaseUrl).pathname.slice(1);
  await until(() => withClient(databaseUrl, async (c) => (await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name])).rows[0].n === 0));
  const left = await playsThere();
  t.ok(left > 0 && left < total, `killed part-way through the plays (${left} of ${total} there)`);
  await t.rejects(startTestServer(t, { dataDir: path.join(dir, 'node'), databaseUrl }), /未完成的迁移.*unfinished migration/, 'no server starts on the half-copied database');

  const second = await migrateCli('--data-dir', source, '--to', databaseUrl);
  t.equal(second.code, 0, second.out);
  t.match(second.out, /continuing the unfinished migration/);
  t.match(second.out, /账号 \/ accounts: \d+ 行已在上次复制 \/ rows already copied by the last run/, 'a table the first run finished is skipped');
  t.match(second.out, new RegExp(`continuing after row ${left.toLocaleString('en')} of ${total.toLocaleString('en')}`), 'the plays continue after the last one copied');
  t.match(second.out, /every screen verified on the target \(30000 records\)/, 'and the checks at the end ran: every chain verified');
  const counts = await withClient(databaseUrl, async (c) => (await c.query('SELECT count(*)::int AS plays, count(DISTINCT id)::int AS ids, (SELECT count(*)::int FROM play_ids) AS play_ids FROM plays')).rows[0]);
  t.same(counts, { plays: total, ids: total, play_ids: total }, 'each play once');
  const node = await startTestServer(t, { dataDir: path.join(dir, 'node-2'), databaseUrl });
  t.match(JSON.parse((await node.app.inject('/api/v1/proof/verify')).body), { ok: true }, 'a server starts on it and its live check passes');
});

t.test('--media-to and --originals-to copy the content-addressed files into the shared dirs, by hash, again only what is missing', { skip: pgSkipReason() }, async (t) => {
  const dir = t.testdir();
  const source = path.join(dir, 'county');
  const app = await startTestServer(t, { dataDir: source });
  t.equal((await upload(app.app, { name: '海报.png', data: await png(640, 360) })).status, 201);
  await app.app.close();
  const shared = { media: path.join(dir, 'shared', 'media'), originals: path.join(dir, 'shared', 'originals') };
  const names = async (d: string) => (await readdir(d)).filter((n) => /^[0-9a-f]{64}\./.test(n)).sort();
  const media = await names(path.join(source, 'media'));
  t.ok(media.length > 1, 'the data dir holds renditions');

  const first = await migrateCli('--data-dir', source, '--media-to', shared.media, '--originals-to', shared.originals);
  t.equal(first.code, 0, first.out);
  t.same(await names(shared.media), media, 'every rendition copied under its name');
  t.same(await names(shared.originals), await names(path.join(source, 'originals')), 'and every original');
  for (const name of [...media, ...(await names(shared.originals)).map((n) => `../originals/${n}`)]) {
    t.equal(await sha256OfFile(path.join(shared.media, name)), path.basename(name).split('.')[0], `${path.basename(name)}: its bytes match its name`);
  }
  t.match(first.out, new RegExp(`copied ${media.length} .*already there and verified 0`));

  // A copy cut short (or damaged) on the shared dir, and one gone: the next run puts back just those two.
  await writeFile(path.join(shared.media, media[0]!), (await readFile(path.join(shared.media, media[0]!))).subarray(0, 100));
  await rm(path.join(shared.media, media[1]!));
  const second = await migrateCli('--data-dir', source, '--media-to', shared.media);
  t.equal(second.code, 0, second.out);
  t.match(second.out, new RegExp(`copied 2 .*already there and verified ${media.length - 2}`), 'only the two missing or wrong are copied again');
  t.equal(await sha256OfFile(path.join(shared.media, media[0]!)), media[0]!.split('.')[0], 'the cut-short copy is whole again');
  t.same((await readdir(shared.media)).filter((n) => n.startsWith('.tmp-')), [], 'no temp file left');

  // A source file whose bytes no longer match its name is named and not copied.
  const rotten = media[2] ?? media[0]!;
  await writeFile(path.join(source, 'media', rotten), 'not the bytes of this hash');
  await rm(path.join(shared.media, rotten));
  const third = await migrateCli('--data-dir', source, '--media-to', shared.media);
  t.equal(third.code, 1, third.out);
  t.match(third.out, new RegExp(`do not match their name \\(hash\\) and were not copied: ${rotten}`));
  t.notOk((await readdir(shared.media)).includes(rotten), 'nothing under its name on the shared dir');
});

t.test('once the move returns, and once a node on the moved database closes, no connection of it is left (a DROP DATABASE … WITH (FORCE) then kills none)', { skip: pgSkipReason() }, async (t) => {
  const dataDir = t.testdir();
  await (await startTestServer(t, { dataDir })).app.close();
  const databaseUrl = await createTestDatabase(t);
  const name = new URL(databaseUrl).pathname.slice(1);
  // Counted on a connection to another database, opened before: nothing waits between a close and the count.
  const admin = new pg.Client({ connectionString: process.env.CRIER_TEST_DATABASE_URL });
  await admin.connect();
  t.teardown(() => admin.end());
  // Client backends only: an autovacuum worker woken by the move's inserts can be in the database too (the
  // likeliest reading of one count of 1 in CI); it is none of the node's, and a DROP DATABASE ends it anyway.
  const left = async () =>
    (await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [name])).rows[0]!.n;
  await migrateToPg({ dataDir, databaseUrl });
  t.equal(await left(), 0, 'none after the move');
  // A node's pool with several connections, as the bench's PostgreSQL app has after its proofs; a few times, as the bench runs it once.
  for (let round = 0; round < 3; round++) {
    const stores = await openStores({ dataDir: path.join(dataDir, 'node'), databaseUrl });
    await Promise.all(Array.from({ length: 6 }, () => stores.pool!.query('SELECT pg_sleep(0.05)')));
    await closeAll(stores);
    t.equal(await left(), 0, `none after the node closed (round ${round + 1})`);
  }
});
