import { spawnSync } from 'node:child_process';
import t from 'tap';
import { loadConfig } from '../../server/config.js';
import { nodeCommand } from '../node-command.js';

t.test('defaults', async (t) => {
  const c = loadConfig({});
  t.equal(c.port, 8080);
  t.equal(c.host, '0.0.0.0');
  t.equal(c.timeZone, 'Asia/Shanghai');
  t.equal(c.heartbeatIntervalMs, 30_000);
  t.match(c.dataDir, /\/data$/);
});

t.test('values from the environment', async (t) => {
  const c = loadConfig({ PORT: '9000', HOST: '127.0.0.1', CRIER_DATA_DIR: '/tmp/x', CRIER_TIME_ZONE: 'Europe/Berlin' });
  t.same([c.port, c.host, c.dataDir, c.timeZone], [9000, '127.0.0.1', '/tmp/x', 'Europe/Berlin']);
});

t.test('an invalid value names the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), { name: 'ConfigError', message: /PORT="eighty"/ });
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT="70000"/);
  t.throws(() => loadConfig({ CRIER_TIME_ZONE: 'Mars/Olympus' }), /CRIER_TIME_ZONE="Mars\/Olympus": not an IANA time zone/);
  t.throws(() => loadConfig({ CRIER_HEARTBEAT_SECONDS: '0' }), /CRIER_HEARTBEAT_SECONDS/);
  t.throws(() => loadConfig({ CRIER_BUILD_THREADS: '0' }), /CRIER_BUILD_THREADS/);
  t.throws(() => loadConfig({ CRIER_BUILD_THREADS: 'two' }), /CRIER_BUILD_THREADS/);
  t.equal(loadConfig({ CRIER_BUILD_THREADS: '2' }).buildThreads, 2);
  t.equal(loadConfig({}).buildNice, 0, 'builds at the process\'s priority by default');
  t.equal(loadConfig({ CRIER_BUILD_NICE: '10' }).buildNice, 10);
  t.throws(() => loadConfig({ CRIER_BUILD_NICE: '20' }), /CRIER_BUILD_NICE/);
  t.throws(() => loadConfig({ CRIER_BUILD_NICE: '-1' }), /CRIER_BUILD_NICE/);
  t.equal(loadConfig({}).writerNice, 0, 'the airing writer commits at the process\'s priority by default');
  t.equal(loadConfig({ CRIER_WRITER_NICE: '10' }).writerNice, 10);
  t.throws(() => loadConfig({ CRIER_WRITER_NICE: '20' }), /CRIER_WRITER_NICE/);
  t.throws(() => loadConfig({ CRIER_WRITER_NICE: 'low' }), /CRIER_WRITER_NICE/);
  t.equal(loadConfig({}).buildThreads, 1, 'unset: one thread');
});

t.test('the server exits non-zero with one clear line on bad configuration', async (t) => {
  const run = spawnSync(...nodeCommand(['--import', 'tsx', 'server/main.ts']), { env: { ...process.env, PORT: 'not-a-port' }, encoding: 'utf8', timeout: 30_000 });
  t.equal(run.status, 1);
  const lines = run.stderr.trim().split('\n');
  t.equal(lines.length, 1, `one line: ${run.stderr}`);
  t.match(lines[0], /PORT="not-a-port"/);
});

t.test('CRIER_DATABASE_URL: a postgres URL chooses PostgreSQL; anything else is refused without echoing it', async (t) => {
  t.equal(loadConfig({}).databaseUrl, undefined, 'unset: the embedded stores');
  t.equal(loadConfig({ CRIER_DATABASE_URL: '' }).databaseUrl, undefined, 'empty counts as unset');
  t.equal(loadConfig({ CRIER_DATABASE_URL: 'postgres://crier:s3cret@db.local:5432/crier' }).databaseUrl, 'postgres://crier:s3cret@db.local:5432/crier');
  t.equal(loadConfig({ CRIER_DATABASE_URL: 'postgresql://db.local/crier' }).databaseUrl, 'postgresql://db.local/crier');
  for (const bad of ['mysql://crier:s3cret@db.local/crier', 'db.local:5432', 'postgres://']) {
    const error = t.throws(() => loadConfig({ CRIER_DATABASE_URL: bad })) as Error;
    t.match(error.message, /CRIER_DATABASE_URL=\(hidden\).*postgres:\/\/ 或 postgresql:\/\/.*a postgres:\/\/ or postgresql:\/\/ URL/, bad);
    t.notMatch(error.message, /s3cret/, 'the password is never shown');
  }
});

t.test('the plays admission\'s settings, the rate floor included, come from the environment', async (t) => {
  t.same(loadConfig({}).shedding.plays, { perCommit: 10_000, maxPending: 50_000, maxWaitMs: 300, minRate: 30_000 }, 'defaults');
  const c = loadConfig({ CRIER_PLAYS_MIN_RATE: '20000', CRIER_PLAYS_MAX_WAIT_MS: '800' });
  t.match(c.shedding.plays, { minRate: 20_000, maxWaitMs: 800 });
  t.throws(() => loadConfig({ CRIER_PLAYS_MIN_RATE: '0' }), /CRIER_PLAYS_MIN_RATE="0"/, 'a floor of nothing is refused');
});
