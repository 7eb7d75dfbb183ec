// The audit trail never drops an entry silently: when its store cannot write (a full disk under the
// SQLite file, a PostgreSQL database that refuses connections) the entries wait in order, each failure
// is logged at error and counted in /healthz and /metrics, and once the store works again they are
// written in the order they happened, with the times they happened. Both failures are real: a small
// tmpfs filled to the last byte, and the test's own database closed to connections for a moment.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import type { CrierApp } from '../../server/app.js';
import type { AuditEntry } from '../../server/storage/audit.store.js';
import { until } from '../cluster/nodes.js';
import { fillDisk, mountSmallDisk, smallDiskSkip } from '../fixtures/small-disk.js';
import { buildTestApp, injectRaw } from '../helper.js';
import { createTestDatabase, pgSkipReason, withClient } from '../stores.js';

const METRICS_TOKEN = 'audit-test-metrics-token';

type AuditHealth = { pending: number; failingSince: string | null; failures: number };
const auditHealth = async (app: CrierApp) => (JSON.parse((await app.inject('/healthz')).body) as { audit: AuditHealth }).audit;

/** A metric's value from /metrics (the scraper's token: no store is read to answer it). */
async function metric(app: CrierApp, name: string): Promise<number> {
  const text = (await injectRaw(app)({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

/** The app's log lines, as JSON, for what it said at error. */
function captureLog() {
  const stream = new PassThrough();
  const lines: { level: number; msg: string; entries?: unknown[] }[] = [];
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as (typeof lines)[number]);
  });
  return { stream, lines, errors: () => lines.filter((l) => l.level >= 50) };
}

const record = (app: CrierApp, name: string) =>
  app.crier.audit.record({ actor: null, action: 'login-failed', entity: 'session', entityId: null, summary: `登录失败：${name} / failed sign-in as ${name}`, before: null, after: { name } });

const failedSignIns = async (app: CrierApp) => (await app.crier.audit.query({ action: 'login-failed', limit: 100 })).map((e: AuditEntry) => (e.after as { name?: string; ip?: string } | null)?.name ?? e.summary);

t.test('on a full disk, audit entries wait in order and are written once space returns', { skip: smallDiskSkip }, async (t) => {
  const disk = await mountSmallDisk(t);
  const log = captureLog();
  const app = await buildTestApp(t, { dataDir: path.join(disk, 'data'), metricsToken: METRICS_TOKEN, logLevel: 'warn' }, { logger: true, logStream: log.stream });
  await app.crier.audit.settled();
  t.same(await auditHealth(app), { pending: 0, failingSince: null, failures: 0 }, 'nothing waits to begin with');

  const filler = path.join(disk, 'filler');
  await fillDisk(filler);
  // Failed sign-ins through the real route: each is an audit entry, and the route itself writes nothing else.
  const names = ['ghost-1', 'ghost-2', 'ghost-3'];
  for (const username of names) {
    const res = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'wrong-password' } });
    t.equal(res.statusCode, 401, `${username}: the sign-in is refused as usual (the audit's trouble is not the request's)`);
  }
  const waiting = await until(async () => {
    const health = await auditHealth(app);
    return health.pending === names.length && health.failures > 0 ? health : null;
  });
  t.ok(waiting.failingSince, '/healthz says since when audit writes fail');
  t.equal(await metric(app, 'crier_audit_entries_pending'), names.length, '/metrics counts the entries waiting');
  t.ok((await metric(app, 'crier_audit_write_failures_total')) >= 1, '/metrics counts the failed writes');
  t.ok(log.errors().some((l) => /audit write failed/.test(l.msg)), 'each failure is logged at error');

  const freedAt = Date.now();
  await rm(filler);
  await app.crier.audit.settled();
  const after = await auditHealth(app);
  t.equal(after.pending, 0, 'nothing waits once space is back');
  t.equal(after.failingSince, null, 'and /healthz says writes work again');
  const stored = await app.crier.audit.query({ action: 'login-failed', limit: 100 });
  t.same(stored.map((e) => /ghost-\d/.exec(e.summary)?.[0]).reverse(), names, 'every entry written once, in the order it happened');
  t.ok(stored.every((e) => Date.parse(e.at) < freedAt), 'each with the time it happened, not the time it was written');
  t.ok(stored.every((e, i) => i === 0 || e.id < stored[i - 1]!.id), 'ids in the same order as the times');
});

t.test('with PostgreSQL refusing connections, audit entries wait in order and are written once it is back', { skip: pgSkipReason() }, async (t) => {
  const databaseUrl = await createTestDatabase(t);
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = process.env.CRIER_TEST_DATABASE_URL!;
  const log = captureLog();
  const app = await buildTestApp(t, { dataDir: t.testdir(), databaseUrl, metricsToken: METRICS_TOKEN, logLevel: 'warn' }, { logger: true, logStream: log.stream });
  record(app, 'before');
  await app.crier.audit.settled();

  // The database goes away for this app: no new connection is let in, and the open ones are ended.
  await withClient(admin, async (c) => {
    await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  });
  t.teardown(() => withClient(admin, (c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)).catch(() => undefined));
  // What a screen command's or a sign-in's hook records, while the database is away.
  const names = ['during-1', 'during-2', 'during-3'];
  for (const n of names) record(app, n);
  const waiting = await until(async () => {
    const health = await auditHealth(app);
    return health.pending === names.length && health.failures > 0 ? health : null;
  });
  t.ok(waiting.failingSince, '/healthz says since when audit writes fail');
  t.equal(await metric(app, 'crier_audit_entries_pending'), names.length, '/metrics counts the entries waiting');
  t.ok(log.errors().some((l) => /audit write failed/.test(l.msg)), 'the failure is logged at error');

  await withClient(admin, (c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));
  await app.crier.audit.settled();
  t.same(await failedSignIns(app), [...names].reverse().concat('before'), 'every entry written once, in the order it happened');
  t.equal((await auditHealth(app)).pending, 0, '/healthz: nothing waits');
  t.equal((await auditHealth(app)).failingSince, null, 'and writes work again');
  await app.close(); // before the teardown drops its database under it
});

t.test('entries the store still refuses at shutdown are logged in full, not dropped', { skip: smallDiskSkip }, async (t) => {
  const disk = await mountSmallDisk(t);
  const log = captureLog();
  const app = await buildTestApp(t, { dataDir: path.join(disk, 'data'), logLevel: 'warn' }, { logger: true, logStream: log.stream });
  await app.crier.audit.settled();
  const filler = path.join(disk, 'filler');
  await fillDisk(filler);
  record(app, 'last-words');
  await until(async () => ((await auditHealth(app)).failures > 0 ? true : null));
  // What the app's shutdown calls (accounts.setup.ts, onClose), with the disk still full.
  await app.crier.audit.close();
  const spilled = log.errors().find((l) => /could not be written to the store/.test(l.msg));
  t.ok(spilled, 'the shutdown logs what it could not write');
  t.match(spilled?.entries, [{ action: 'login-failed', after: { name: 'last-words' } }], 'in full');
  t.equal((await auditHealth(app)).pending, 0, 'and holds nothing back');
  await rm(filler); // the rest of the app closes on a disk with room
});
