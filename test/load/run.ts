// `npm run loadtest -- [flags]` (`--help` lists every flag with its default, read from `options` below)
// Starts Crier and a bare `ws` server as child processes, provisions N claimed screens in ten townships
// through the real pairing path (players say hello, the admin claims their codes over HTTP), then
// measures connect time, memory per player, pushes (all, one township) against the bare floor, plays
// (a burst and steady traffic), heartbeat and /healthz latency and event-loop delay. Loopback only;
// bounded in players and in time. Figures go to stdout and to report.json in the run directory.
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { median, quantile } from '../bench/stats.js';
import { createHttp, type Http } from './http.js';
import { heapCensus, printCensus } from './heap-census.js';
import type { ChildCommand, ChildEvent, PlayerSpec } from './messages.js';

const options = {
  help: { type: 'boolean', short: 'h', default: false },
  players: { type: 'string', default: '500' },
  procs: { type: 'string', default: '2' },
  townships: { type: 'string', default: '10' },
  port: { type: 'string', default: '8108' },
  'floor-port': { type: 'string', default: '8109' },
  reuse: { type: 'boolean', default: false },
  profile: { type: 'boolean', default: false },
  /** Plays only: no pushes, no floor (a quicker run when only plays changed). */
  'skip-pushes': { type: 'boolean', default: false },
  /** Pushes only: no plays phases (a profile of the pushes alone). */
  'skip-plays': { type: 'boolean', default: false },
  /** Simulated players parse each distinct manifest once per process (Crier's and the floor's clients alike). */
  'lean-players': { type: 'boolean', default: false },
  /**
   * Player processes at a lower scheduling priority (nice 10) than Crier's server and the floor's alike: real players
   * run on their own devices, so a server's send is not queued behind the simulated players' work on the same cores.
   * The probe process stays at the default: it stands for one device measuring, and its few heartbeats take little.
   */
  'nice-players': { type: 'boolean', default: false },
  /**
   * Player processes at Linux's SCHED_IDLE (util-linux's `chrt --idle`, every thread from the start): they run only
   * on a core no other thread wants, the nearest one machine comes to players on devices of their own (at nice 10
   * they still take a share beside the server's busy threads). The probe process stays at the default.
   */
  'idle-players': { type: 'boolean', default: false },
  /** Players that do not say `compact-manifest` (the full form, as players before it). */
  'full-manifests': { type: 'boolean', default: false },
  /** Players that do not say `manifest-patch` (whole compact manifests on every change, as before patches). */
  'no-patches': { type: 'boolean', default: false },
  /** Kept for older commands: players now validate every whole manifest as the browser player does by default. */
  'validate-manifests': { type: 'boolean', default: false },
  /** Players only `JSON.parse` whole manifests (no validation): cheaper than the browser player (the default before the seventh session). */
  'parse-only': { type: 'boolean', default: false },
  /** Every screen gets a schedule entry of its own before the pushes, so each push builds one manifest per screen. */
  'distinct-rules': { type: 'boolean', default: false },
  'steady-seconds': { type: 'string', default: '30' },
  // bursts helper's block: where the loop's stalls come from, and heartbeats as a player that is not itself bursting sees them.
  /** After the idle memory figure, the server writes a heap snapshot into the run directory and its census is printed. */
  'heap-snapshot': { type: 'boolean', default: false },
  /** The server runs with --trace-gc (one line per collection in server.log). */
  'trace-gc': { type: 'boolean', default: false },
  /** More node flags for the server (e.g. `--node-args=--max-semi-space-size=32`), to compare settings in one harness. */
  'node-args': { type: 'string', default: '' },
  /** Extra node flags for the simulated players' processes (e.g. `--cpu-prof --cpu-prof-dir=DIR`: what a player process spends its time on). */
  'player-node-args': { type: 'string', default: '' },
  /** Players taken out of the fleet into a process of their own: no plays, a heartbeat every second, reported apart. */
  'probe-players': { type: 'string', default: '50' },
  // end of the bursts helper's block
  'burst-records': { type: 'string', default: '20' },
  'max-minutes': { type: 'string', default: '20' },
  'log-level': { type: 'string', default: 'info' },
  dir: { type: 'string', default: '/tmp/scale-loadtest' },
} satisfies NonNullable<ParseArgsConfig['options']>;
/** Every flag with its default, from the options themselves (README, "Load test", says what each does). */
const usage = `usage: npm run loadtest -- ${Object.entries(options)
  .map(([name, o]) => (o.type === 'boolean' ? `[--${name}]` : `[--${name}=${o.default || '…'}]`))
  .join(' ')}`;
/** A mistyped command is told so in one line and the usage, not with a stack trace. */
const refuse = (message: string): never => {
  console.error(`loadtest: ${message}\n${usage}`);
  process.exit(2);
};
let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>;
try {
  parsed = parseArgs({ options });
} catch (error) {
  refuse((error as Error).message);
}
const flags = parsed!.values;
if (flags.help) {
  console.log(usage);
  process.exit(0);
}
const N = Number(flags.players);
/** `--idle-players`: node started through chrt, so each thread the process ever has is at SCHED_IDLE. */
const CHRT = '/usr/bin/chrt';
const PROCS = Math.max(1, Number(flags.procs));
const TOWNSHIPS = Number(flags.townships);
if (!(N >= 1 && N <= 15_000)) refuse('--players must be 1 … 15000 (file descriptors: each process stays under ulimit -n 20000)');
if (N / PROCS > 9_000) refuse('--procs too small: each player process holds a Crier and a floor socket per player');
if (flags['idle-players'] && flags['nice-players']) refuse('--idle-players and --nice-players: one priority for the players, not both');
if (flags['idle-players'] && !existsSync(CHRT)) refuse(`--idle-players needs ${CHRT} (Debian's util-linux) and Linux`);
const MAX_MS = Number(flags['max-minutes']) * 60_000;
const PASSWORD = 'loadtest-admin-password';
const root = path.resolve(import.meta.dirname, '../..');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const townshipOf = (i: number) => `乡镇${String((i % TOWNSHIPS) + 1).padStart(2, '0')}`;
/** Ten players per source address: the new-screen limit per address (10 a minute) is kept, not lifted. */
const addressOf = (i: number, base: number) => {
  const k = Math.floor(i / 10);
  return `127.${base}.${Math.floor(k / 250)}.${(k % 250) + 1}`;
};

// A run keeps what it did in the fleet it saves (with --distinct-rules, an entry of each screen's own), so the two
// kinds are kept apart: a fleet saved by a --distinct-rules run made every later push to it a distinct one, with
// or without the flag (seventeenth to twentieth sessions; docs/scaling.md, twenty-first session).
const fleetDir = path.join(flags.dir, `fleet-${N}-${TOWNSHIPS}${flags['distinct-rules'] ? '-distinct' : ''}`);
const runDir = path.join(flags.dir, `run-${process.pid}`);
const dataDir = path.join(runDir, 'data');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const reuse = flags.reuse && existsSync(path.join(fleetDir, 'fleet.json'));
if (reuse) cpSync(path.join(fleetDir, 'data'), dataDir, { recursive: true });
const report: Record<string, unknown> = { players: N, procs: PROCS, townships: TOWNSHIPS, fleet: fleetDir, reusedFleet: reuse, leanPlayers: flags['lean-players'], nicePlayers: flags['nice-players'], idlePlayers: flags['idle-players'], fullManifests: flags['full-manifests'], noPatches: flags['no-patches'], validateManifests: !flags['parse-only'], startedAt: new Date().toISOString() };
const children: ChildProcess[] = [];
const hardStop = setTimeout(() => fail(`over ${flags['max-minutes']} minutes, stopping`), MAX_MS);

// ── processes ──────────────────────────────────────────────
/** The node flags `npm start` gives the server (its young generation's size): the load test runs it the same way. */
const startFlags = (): string[] => {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return (/^node((?:\s+--[\w-]+(?:=\S+)?)*)\s+--import tsx /.exec(start)?.[1] ?? '').split(/\s+/).filter(Boolean);
};
function startServer(): Promise<ChildProcess> {
  const execArgv = [...startFlags(), '--import', 'tsx', '--expose-gc', ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${runDir}/profile`] : []), ...(flags['trace-gc'] ? ['--trace-gc'] : []), ...flags['node-args'].split(/\s+/).filter(Boolean)];
  const server = fork(path.join(root, 'server/main.ts'), [], {
    cwd: root,
    execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      PORT: flags.port,
      HOST: '127.0.0.1',
      CRIER_DATA_DIR: dataDir,
      CRIER_LOG_LEVEL: flags['log-level'],
      CRIER_ADMIN_PASSWORD: PASSWORD,
      CRIER_LOAD_PROBE: '1',
    },
  });
  const log = createWriteStream(path.join(runDir, 'server.log'));
  server.stdout!.pipe(log);
  server.stderr!.pipe(log);
  children.push(server);
  return Promise.resolve(server);
}

/** Ends the run (exit 3) if something already listens on the port (on 127.0.0.1, where the servers are started). */
function assertPortFree(port: string): Promise<void> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'EADDRINUSE' ? `127.0.0.1:${port} is in use (a server left by an earlier run?): stop it, or pass --port / --floor-port` : `127.0.0.1:${port}: ${error.message}`),
    );
    probe.listen(Number(port), '127.0.0.1', () => probe.close(() => resolve()));
  });
}
/** Set once the run stops its children itself (at its end, or after an error): their exits are expected then. */
let isStopping = false;
/** Ends the run at once: every child stopped, exit 3 (as the run's time limit does). */
function fail(message: string): never {
  console.error(`loadtest: ${message}`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(3);
}

let probeSeq = 0;
function probe(server: ChildProcess, options: { reset?: boolean; gc?: boolean; snapshotDir?: string } = {}): Promise<ProbeAnswer> {
  const id = ++probeSeq;
  return new Promise((resolve) => {
    const on = (m: ProbeAnswer) => {
      if (m?.probe !== id) return;
      server.off('message', on);
      resolve(m);
    };
    server.on('message', on);
    server.send({ probe: id, ...options });
  });
}
interface ProbeAnswer {
  snapshot?: string;
  probe: number;
  connected: number;
  memory: NodeJS.MemoryUsage;
  eventLoop: { p50: number; p99: number; max: number };
  cpuMs: number;
  /** The same by thread (Linux only: null elsewhere): server/ops/thread-cpu.ts. */
  threadCpuMs: ThreadCpu | null;
  /** Ms each was runnable but waiting for a core (Linux; null where the kernel keeps no schedstat). */
  threadWaitMs?: ThreadCpu | null;
  /** The server's event loop's busy ms in the window (stalls helper). */
  loopBusyMs?: number;
  /** Collections in the window (by kind), the long ones and the loop's stalls, each with its time in the window. */
  gc?: Record<string, { n: number; totalMs: number; maxMs: number }>;
  longGc?: { atMs: number; ms: number; kind: string }[];
  /** waitedMs: of the stall, the main thread runnable but waiting for a core (Linux). */
  stalls?: { atMs: number; ms: number; waitedMs?: number }[];
}

type ThreadCpu = Record<'main' | 'build' | 'writer' | 'other', number>;
/** Ms by thread between two probes, CPU or waiting (a thread that ended meanwhile takes its own along: the others' can look smaller). */
function threadCpuDelta(before: ThreadCpu | null, after: ThreadCpu | null): ThreadCpu | null {
  if (!before || !after) return null;
  const d = (k: keyof ThreadCpu) => Math.round(after[k] - before[k]);
  return { main: d('main'), build: d('build'), writer: d('writer'), other: d('other') };
}
const threadLine = (t: ThreadCpu, waited: ThreadCpu | null) => {
  const w = (k: keyof ThreadCpu) => (waited ? ` (waited for a core ${waited[k]})` : '');
  return `  server CPU by thread: main ${t.main}${w('main')}, build worker ${t.build}${w('build')}, airing writer ${t.writer}${w('writer')}, the others (V8's collector and compiler helpers, libuv's pool) ${t.other}${w('other')} ms`;
};

interface PlayerProc {
  child: ChildProcess;
  ask(command: ChildCommand, until: ChildEvent['ev']): Promise<ChildEvent>;
}
const events: ((e: ChildEvent) => void)[] = [];

function startPlayers(heartbeatMs?: number): PlayerProc {
  const nodeArgs = ['--import', 'tsx', ...flags['player-node-args'].split(/\s+/).filter(Boolean)];
  const isIdle = flags['idle-players'] && !heartbeatMs;
  const launch = isIdle ? { execPath: CHRT, execArgv: ['--idle', '0', process.execPath, ...nodeArgs] } : { execArgv: nodeArgs };
  const child = fork(path.join(import.meta.dirname, 'players.ts'), [], { ...launch, env: { ...process.env, LOADTEST_MAX_MS: String(MAX_MS), LOADTEST_LEAN: flags['lean-players'] ? '1' : '0', LOADTEST_FULL_MANIFESTS: flags['full-manifests'] ? '1' : '0', LOADTEST_NO_PATCHES: flags['no-patches'] ? '1' : '0', LOADTEST_VALIDATE: flags['parse-only'] ? '0' : '1', ...(heartbeatMs ? { LOADTEST_HEARTBEAT_MS: String(heartbeatMs) } : {}) } });
  children.push(child);
  // Before the child starts its threads, so every one of them has it (a thread takes its creator's nice).
  if (flags['nice-players'] && !heartbeatMs && child.pid) setPriority(child.pid, 10);
  child.on('message', (e: ChildEvent) => {
    if (e.ev === 'log') logLine(e.text);
    for (const l of events) l(e);
  });
  return {
    child,
    ask: (command, until) =>
      new Promise((resolve) => {
        const on = (e: ChildEvent) => {
          if (e.ev !== until) return;
          child.off('message', on);
          resolve(e);
        };
        child.on('message', on);
        child.send(command);
      }),
  };
}

let logged = 0;
function logLine(text: string): void {
  if (++logged <= 20) console.error(`  ${text}`);
  else if (logged === 21) console.error('  … (more player messages in report.json)');
  ((report.playerLog ??= []) as string[]).length < 500 && (report.playerLog as string[]).push(text);
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await sleep(20);
  }
  return true;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, min: round(s[0] ?? NaN), p50: round(quantile(s, 0.5)), p99: round(quantile(s, 0.99)), max: round(s.at(-1) ?? NaN) };
};
const round = (x: number) => Math.round(x * 10) / 10;

// ── /healthz sampler: latency while each phase runs ─────────
let phase = 'start';
const healthz: Record<string, number[]> = {};
let isSampling = true;
async function sampleHealthz(http: Http): Promise<void> {
  while (isSampling) {
    const at = now();
    const current = phase;
    try {
      await http.get('/healthz');
      (healthz[current] ??= []).push(now() - at);
    } catch {
      (healthz[current] ??= []).push(Infinity);
    }
    await sleep(100);
  }
}

// ── the run ─────────────────────────────────────────────────
async function main(): Promise<void> {
  // A server left running on the port (an earlier run killed by hand) would answer in this run's place.
  await assertPortFree(flags.port);
  const server = await startServer();
  server.once('exit', (code, signal) => {
    if (!isStopping) fail(`Crier exited during the run (${signal ? `signal ${signal}` : `code ${code}`}): see ${runDir}/server.log`);
  });
  const http = createHttp(`http://127.0.0.1:${flags.port}`);
  if (!(await http.waitUp(60_000))) throw new Error(`Crier did not start: see ${runDir}/server.log`);
  await http.login('admin', PASSWORD);
  const procs = Array.from({ length: PROCS }, () => startPlayers());
  const all = <T extends ChildEvent>(command: (i: number) => ChildCommand, until: ChildEvent['ev']) => Promise.all(procs.map((p, i) => p.ask(command(i), until))) as Promise<T[]>;
  // The probe process (if any) is the last of procs: it gets no share of the fleet's work.
  const share = <T>(xs: T[], i: number) => (i < PROCS ? xs.filter((_, k) => k % PROCS === i) : []);
  const wsUrl = `ws://127.0.0.1:${flags.port}/ws/player`;
  void sampleHealthz(http);
  /** When each measured phase began (epoch ms, after the server's probe was reset): where its slowest heartbeats fell. */
  const phaseStartedAt: Record<string, number> = {};
  const setPhase = async (name: string) => {
    phase = name;
    await all(() => ({ cmd: 'phase', phase: name }), 'done');
  };

  let specs: PlayerSpec[] = Array.from({ length: N }, (_, i) => ({ index: i, localAddress: addressOf(i, 1) }));
  if (!reuse) {
    await setPhase('provision');
    specs = await provision(http, procs, specs);
    await all(() => ({ cmd: 'stop' }), 'done');
    procs.splice(0, procs.length, ...Array.from({ length: PROCS }, () => startPlayers()));
    writeFileSync(path.join(runDir, 'fleet.json'), JSON.stringify(specs));
  } else {
    specs = JSON.parse(readFileSync(path.join(fleetDir, 'fleet.json'), 'utf8')) as PlayerSpec[];
  }
  // bursts helper's block: probe players, a process of their own that sends a heartbeat a second and no plays,
  // so their heartbeat latency is the server's answer, not a player process busy with its own burst.
  const PROBES = N >= 200 ? Math.max(0, Number(flags['probe-players'])) : 0;
  const probeSpecs = specs.slice(N - PROBES);
  if (PROBES) procs.push(startPlayers(1000));
  const specsOf = (i: number) => (i < PROCS ? share(specs.slice(0, N - PROBES), i) : probeSpecs);
  // end of the bursts helper's block
  await sleep(2000);

  // Memory before and after every player is connected and idle.
  const before = await probe(server, { gc: true });
  await setPhase('connect');
  const connectStart = now();
  const connected = await all<Extract<ChildEvent, { ev: 'connected' }>>((i) => ({ cmd: 'connect', url: wsUrl, players: specsOf(i), concurrency: 200 }), 'connected');
  report.connect = { ms: round(now() - connectStart), ok: connected.reduce((n, c) => n + c.ok, 0), failed: connected.reduce((n, c) => n + c.failed, 0), refused503: connected.reduce((n, c) => n + (c.refused ?? 0), 0) };
  console.log(`connect: ${N} players in ${round((now() - connectStart) / 1000)} s (${(report.connect as { failed: number }).failed} failed; ${(report.connect as { refused503: number }).refused503} attempts refused busy and retried)`);
  await setPhase('idle');
  const idleStart = { at: now(), cpuMs: (await probe(server)).cpuMs };
  let idleCpuPerSecond = NaN;
  await sleep(Math.min(15_000, 3000 + N));
  // A phase of its own: the full collection forced here holds the server's loop for 0.2 s or more, and the
  // heartbeats sent meanwhile belong to no phase being measured (counted in the next, they set its p99).
  await setPhase('memory');
  const after = await probe(server, { gc: true, reset: true });
  if (flags['heap-snapshot']) {
    const { snapshot } = await probe(server, { snapshotDir: runDir });
    if (snapshot) printCensus(await heapCensus(snapshot), 40, after.connected);
    await probe(server, { reset: true });
  }
  // The server's CPU with every player connected and nothing pushed (heartbeats, /healthz): set beside a push's CPU.
  idleCpuPerSecond = round(((after.cpuMs - idleStart.cpuMs) / (now() - idleStart.at)) * 1000);
  report.idleServerCpuMsPerSecond = idleCpuPerSecond;
  report.memory = {
    connected: after.connected,
    heapPerPlayerKB: round((after.memory.heapUsed - before.memory.heapUsed) / 1024 / N),
    rssPerPlayerKB: round((after.memory.rss - before.memory.rss) / 1024 / N),
    heapUsedMB: round(after.memory.heapUsed / 2 ** 20),
    rssMB: round(after.memory.rss / 2 ** 20),
  };
  console.log(`memory: ${JSON.stringify(report.memory)}`);

  // manifests helper's block: --distinct-rules (issue 14: "the first of 10,000 screens whose rules all differ has
  // its manifest in ≤ 1 s and the last in ≤ 5 s"). Each screen gets a schedule entry of its own (its own daypart
  // and weekdays), through the API, 8 at a time; push-all below then builds one manifest per screen, and its
  // min and max are the first and the last. With --reuse an entry an earlier run left is kept (still the screen's own).
  if (flags['distinct-rules']) {
    await setPhase('distinct-rules');
    const playlistId = ((await http.get('/api/v1/playlists')) as { id: string }[])[0]!.id;
    const pad = (n: number) => String(n).padStart(2, '0');
    const started = now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let k = next++; k < specs.length; k = next++) {
          const screenId = specs[k]!.screenId;
          if (!screenId) continue;
          const hour = 6 + (k % 12);
          const entry = { playlistId, target: { kind: 'screens', screenIds: [screenId] }, priority: 1 + (k % 7), weekdays: [1 + (k % 7), 1 + ((k + 3) % 7)], windows: [{ start: `${pad(hour)}:${pad(k % 60)}`, end: `${pad(hour + 2)}:00` }] };
          // A reused fleet may have this screen's entry from an earlier run: it is still its own.
          await http.post('/api/v1/schedules', entry).catch((error: unknown) => {
            if (!String(error).includes('schedule-conflict')) throw error;
          });
        }
      }),
    );
    report.distinctRules = { screens: specs.filter((s) => s.screenId).length, ms: round(now() - started), postsInFlight: 8 };
    console.log(`distinct rules: a schedule entry for each of ${specs.length} screens in ${round((now() - started) / 1000)} s`);
    await sleep(3000);
  }
  // end of the manifests helper's block

  /** The server's `manifests pushed` line of the pass that followed a change sent at `t0`: its times from t0. */
  function serverPass(t0: number) {
    const lines = readFileSync(path.join(runDir, 'server.log'), 'utf8').split('\n').filter((l) => l.includes('"manifests pushed"'));
    for (const line of lines) {
      const l = JSON.parse(line) as { committedAt?: number; passMs: number; firstSendMs: number; lastSendMs: number; lastWrittenMs: number; sent: number; slices: number };
      if (!l.committedAt || l.committedAt < t0) continue;
      const from = (ms: number | null) => (ms === null ? NaN : round(l.committedAt! - t0 + ms));
      return { committed: round(l.committedAt - t0), pass: from(l.passMs), firstSend: from(l.firstSendMs), lastSend: from(l.lastSendMs), lastWritten: from(l.lastWrittenMs), sent: l.sent, slices: l.slices };
    }
    return null;
  }

  async function pushesAndFloor(): Promise<void> {
    // Pushes: a change for all, then one for one township, then both cleared.
    const playlists = (await http.get('/api/v1/playlists')) as { id: string }[];
    const playlistId = playlists[0]!.id;
    const inTownship = new Set(specs.filter((s) => townshipOf(s.index) === townshipOf(0)).map((s) => s.index));
    const pushes: Record<string, unknown>[] = [];
    let manifestBytes = 0;
    // The whole frame the floor pads to: the manifest frame the players hold before the first push. Not the largest
    // frame a push sent: a player whose answer was still spread out gets the next push whole, which would raise it.
    const heldBefore = (await all<Extract<ChildEvent, { ev: 'sample' }>>(() => ({ cmd: 'sample' }), 'sample')).map((e) => e.text).find((x) => x.length > 0);
    const push = async (label: string, change: () => Promise<unknown>, expected: Set<number> | null) => {
      await setPhase(label);
      await probe(server, { reset: true });
      phaseStartedAt[label] = Date.now();
      await all(() => ({ cmd: 'mark', label, floor: false }), 'done');
      const { cpuMs: cpuBefore, threadCpuMs: threadsBefore, threadWaitMs: waitsBefore = null } = await probe(server);
      const t0 = now();
      await change();
      const tAnswered = now();
      const want = expected ? expected.size : N;
      const arrived = new Map<number, number>();
      const handled = new Map<number, number>();
      let bytes = 0;
      let handlingMs: number[] = [];
      const take = (got: Extract<ChildEvent, { ev: 'arrivals' }>[]) => {
        for (const g of got) for (const [i, at] of g.arrivals) if (!arrived.has(i)) arrived.set(i, at);
        for (const g of got) for (const [i, at] of g.handled) if (!handled.has(i)) handled.set(i, at);
        bytes = Math.max(bytes, ...got.map((g) => g.bytes));
        handlingMs = got.slice(0, PROCS).map((g) => g.handlingMs);
      };
      // Poll until everyone expected has it (or 30 s), then 1 s more for strays outside the target.
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        await sleep(250);
        take(await all<Extract<ChildEvent, { ev: 'arrivals' }>>(() => ({ cmd: 'collect' }), 'arrivals'));
        if ((expected ? [...expected].filter((i) => arrived.has(i)).length : arrived.size) >= want) break;
      }
      await sleep(1000);
      take(await all<Extract<ChildEvent, { ev: 'arrivals' }>>(() => ({ cmd: 'collect' }), 'arrivals'));
      const el = await probe(server, { reset: true });
      const inside = [...arrived].filter(([i]) => !expected || expected.has(i)).map(([, at]) => at - t0);
      const takenInside = [...handled].filter(([i]) => !expected || expected.has(i)).map(([, at]) => at - t0);
      const outside = expected ? [...arrived.keys()].filter((i) => !expected.has(i)).length : 0;
      manifestBytes = Math.max(manifestBytes, bytes);
      const timing = serverPass(t0);
      const windowMs = now() - t0;
      const row = { label, expected: want, received: inside.length, outsideTarget: outside, answerMs: round(tAnswered - t0), latencyMs: stats(inside), takenMs: stats(takenInside), manifestBytes: bytes, eventLoop: el.eventLoop, server: timing, playerHandlingMs: handlingMs, serverCpuMs: round(el.cpuMs - cpuBefore), serverCpuByThreadMs: threadCpuDelta(threadsBefore, el.threadCpuMs), serverWaitByThreadMs: threadCpuDelta(waitsBefore, el.threadWaitMs ?? null), windowMs: round(windowMs), idleServerCpuMs: round((idleCpuPerSecond * windowMs) / 1000) };
      pushes.push(row);
      console.log(`push ${label}: ${inside.length}/${want} in first ${row.latencyMs.min} p50 ${row.latencyMs.p50} p99 ${row.latencyMs.p99} max ${row.latencyMs.max} ms (API answered ${row.answerMs} ms; ${outside} outside the target; ${bytes} B; event loop p99 ${el.eventLoop.p99} max ${el.eventLoop.max} ms); taken by the simulated players p50 ${row.takenMs.p50} p99 ${row.takenMs.p99} max ${row.takenMs.max} ms`);
      if (timing) console.log(`  server, ms after the POST was sent: committed ${timing.committed}, pass ${timing.pass}, first send ${timing.firstSend}, last send ${timing.lastSend}, last written ${timing.lastWritten} (${timing.sent} sent in ${timing.slices} slices); players' processes busy with the frames ${handlingMs.join(' / ')} ms; server CPU ${row.serverCpuMs} ms from the POST to the end of the collection (${row.windowMs} ms; idle would be ${row.idleServerCpuMs} ms)`);
      const byThread = row.serverCpuByThreadMs;
      if (timing && byThread) console.log(threadLine(byThread, row.serverWaitByThreadMs));
    };
    const alertFor = (target: object) => http.post('/api/v1/alerts', { title: `loadtest ${Date.now()}`, playlistId, target, priority: 100 }) as Promise<{ id: string }>;
    let allAlert = { id: '' };
    let townAlert = { id: '' };
    await push('push-all', async () => (allAlert = await alertFor({ kind: 'all' })), null);
    await push('push-township', async () => (townAlert = await alertFor({ kind: 'townships', townships: [townshipOf(0)] })), inTownship);
    await push('clear-township', () => http.post(`/api/v1/alerts/${townAlert.id}/clear`, {}), inTownship);
    await push('clear-all', () => http.post(`/api/v1/alerts/${allAlert.id}/clear`, {}), null);
    report.pushes = pushes;
    // commits helper's block: with --distinct-rules, push-all's first and last arrival are the issue's figures.
    if (flags['distinct-rules']) {
      const all = pushes.find((p) => p.label === 'push-all') as { received: number; expected: number; latencyMs: { min: number; max: number }; takenMs: { max: number } } | undefined;
      const setUp = report.distinctRules as { screens: number; ms: number };
      if (all) Object.assign(setUp, { firstManifestMs: all.latencyMs.min, lastManifestMs: all.latencyMs.max, lastTakenMs: all.takenMs.max, received: all.received });
      console.log(`distinct rules: set-up ${round(setUp.ms / 1000)} s for ${setUp.screens} entries; push-all first manifest ${all?.latencyMs.min} ms (target ≤ 1000), last ${all?.latencyMs.max} ms (target ≤ 5000; the last taken by the simulated players at ${all?.takenMs.max} ms), ${all?.received}/${all?.expected} received`);
    }
    // end of the commits helper's block

    // The floor: a bare ws server, the same number of sockets from the same processes, the same bytes.
    await setPhase('floor');
    await assertPortFree(flags['floor-port']);
    const floor = fork(path.join(import.meta.dirname, 'floor-server.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, FLOOR_PORT: flags['floor-port'], LOADTEST_MAX_MS: String(MAX_MS) } });
    children.push(floor);
    await new Promise((r) => floor.once('message', r));
    const floorAddresses = Array.from({ length: N }, (_, i) => addressOf(i, 2));
    await all((i) => ({ cmd: 'connect-floor', url: `ws://127.0.0.1:${flags['floor-port']}`, localAddresses: share(floorAddresses, i) }), 'connected');
    // Two payloads of one size: padding (the floor of earlier runs), and Crier's own manifest frame, so the
    // floor's clients parse exactly what Crier's clients parse (same bytes, same JSON).
    const sample = (await all<Extract<ChildEvent, { ev: 'sample' }>>(() => ({ cmd: 'sample' }), 'sample')).map((e) => e.text).find((x) => x.length > 0);
    const floorRound = async (text: string | undefined, bytes = manifestBytes || 2048, base?: { label: string; version: string }) => {
      await all(() => ({ cmd: 'mark', label: 'floor', floor: true, ...(base ? { base } : {}) }), 'done');
      const pushed = await new Promise<{ at: number }>((r) => {
        floor.once('message', r as (m: unknown) => void);
        floor.send({ cmd: 'push', bytes, ...(text ? { text } : {}) });
      });
      const arrived: number[] = [];
      let handlingMs: number[] = [];
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && arrived.length < N) {
        await sleep(250);
        const got = await all<Extract<ChildEvent, { ev: 'arrivals' }>>(() => ({ cmd: 'collect' }), 'arrivals');
        arrived.push(...got.flatMap((g) => g.arrivals.map(([, at]) => at - pushed.at)));
        handlingMs = got.slice(0, PROCS).map((g) => g.handlingMs);
      }
      await sleep(500);
      const cpu = await new Promise<{ roundCpuMs: number }>((r) => {
        floor.once('message', r as (m: unknown) => void);
        floor.send({ cmd: 'stats' });
      });
      return { ...stats(arrived), handlingMs, serverCpuMs: cpu.roundCpuMs };
    };
    // manifests helper's block: with patches a push sends fewer bytes than the manifest frame, so each push is
    // also compared with a floor sending padding of the bytes that push sent (one floor per distinct size);
    // the padding of the whole manifest frame (`manifestBytes`: the floor of earlier runs) is kept beside it.
    const fullBytes = heldBefore?.length || Math.max(manifestBytes, sample?.length ?? 0) || 2048;
    const floorRuns: ReturnType<typeof stats>[] = [];
    for (let k = 0; k < 3; k++) floorRuns.push(await floorRound(undefined, fullBytes));
    const sameRuns: ReturnType<typeof stats>[] = [];
    for (let k = 0; k < 3 && sample; k++) sameRuns.push(await floorRound(sample));
    // The floor sending each push-to-all's own frame to clients that hold what Crier's players held before it and
    // take it as they do (parse, patch, validate, answer manifest-applied): the same bytes and the same client work.
    const ownRuns = new Map<string, (ReturnType<typeof stats> & { handlingMs: number[]; serverCpuMs: number })[]>();
    for (const p of pushes.filter((x) => x.expected === N)) {
      const label = p.label as string;
      const text = (await all<Extract<ChildEvent, { ev: 'sample' }>>(() => ({ cmd: 'sample', label }), 'sample')).reduce((a, b) => (b.count > a.count ? b : a)).text;
      if (!text) continue;
      const patchBase = (JSON.parse(text) as { base?: string }).base;
      const runs: (ReturnType<typeof stats> & { handlingMs: number[]; serverCpuMs: number })[] = [];
      for (let k = 0; k < 3; k++) runs.push(await floorRound(text, undefined, patchBase ? { label, version: patchBase } : undefined));
      ownRuns.set(label, runs);
    }
    const pushSizes = [...new Set(pushes.map((p) => p.manifestBytes as number).filter((b) => b > 0 && b !== fullBytes))];
    const sizeRuns = new Map<number, ReturnType<typeof stats>[]>();
    for (const size of pushSizes) {
      const runs: ReturnType<typeof stats>[] = [];
      for (let k = 0; k < 3; k++) runs.push(await floorRound(undefined, size));
      sizeRuns.set(size, runs);
    }
    await all(() => ({ cmd: 'close-floor' }), 'done');
    floor.kill();
    const floorP99 = median(floorRuns.map((r) => r.p99));
    const sameP99 = sameRuns.length ? median(sameRuns.map((r) => r.p99)) : NaN;
    const sizeP99 = (size: number) => (sizeRuns.has(size) ? median(sizeRuns.get(size)!.map((r) => r.p99)) : floorP99);
    report.floor = {
      bytes: fullBytes, runs: floorRuns, medianP99: floorP99, sameBytes: { bytes: sample?.length ?? 0, runs: sameRuns, medianP99: sameP99 },
      pushBytes: [...sizeRuns].map(([bytes, runs]) => ({ bytes, runs, medianP99: sizeP99(bytes) })),
      ownFrames: [...ownRuns].map(([label, runs]) => ({ label, runs, medianP99: median(runs.map((r) => r.p99)) })),
    };
    for (const p of pushes) {
      const runs = ownRuns.get(p.label as string);
      if (runs) Object.assign(p, { ratioP99ToOwnFrameFloor: round((p.latencyMs as { p99: number }).p99 / median(runs.map((r) => r.p99))) });
    }
    for (const p of pushes) {
      const p99 = (p.latencyMs as { p99: number }).p99;
      Object.assign(p, { ratioP99ToFloor: round(p99 / floorP99), ratioP99ToSameBytesFloor: round(p99 / sameP99), ratioP99ToPushBytesFloor: round(p99 / sizeP99(p.manifestBytes as number)) });
    }
    console.log(`floor (${fullBytes} B of padding, the whole manifest frame's size, to ${N} bare sockets): p99 ${floorRuns.map((r) => r.p99).join(', ')} ms; ratios ${pushes.map((p) => `${p.label} ${(p as { ratioP99ToFloor: number }).ratioP99ToFloor}×`).join(', ')}`);
    console.log(`floor (Crier's own ${sample?.length ?? 0}-byte manifest frame, same bytes, same parse): p99 ${sameRuns.map((r) => r.p99).join(', ')} ms; ratios ${pushes.map((p) => `${p.label} ${(p as { ratioP99ToSameBytesFloor: number }).ratioP99ToSameBytesFloor}×`).join(', ')}`);
    for (const [label, runs] of ownRuns) {
      const p = pushes.find((x) => x.label === label) as { manifestBytes: number; ratioP99ToOwnFrameFloor: number };
      console.log(`floor (${label}'s own ${p.manifestBytes}-byte frame, its clients taking it as Crier's do and answering): p99 ${runs.map((r) => r.p99).join(', ')} ms (player processes busy ${runs.map((r) => r.handlingMs.join(' / ')).join(', ')} ms; floor server CPU ${runs.map((r) => r.serverCpuMs).join(', ')} ms); ratio ${label} ${p.ratioP99ToOwnFrameFloor}×`);
    }
    for (const [size, runs] of sizeRuns) {
      const same = pushes.filter((p) => p.manifestBytes === size);
      console.log(`floor (${size} B of padding, the bytes ${same.map((p) => p.label).join(', ')} sent): p99 ${runs.map((r) => r.p99).join(', ')} ms; ratios ${same.map((p) => `${p.label} ${(p as { ratioP99ToPushBytesFloor: number }).ratioP99ToPushBytesFloor}×`).join(', ')}`);
    }
    // end of the manifests helper's block
  }

  if (!flags['skip-pushes']) await pushesAndFloor();

  // Plays: one burst of a batch per player, then steady traffic.
  const plays = async (label: string, command: ChildCommand, waitMs: number) => {
    await setPhase(label);
    const { cpuMs: cpuBefore, threadCpuMs: threadsBefore, threadWaitMs: waitsBefore = null } = await probe(server, { reset: true });
    // Where the server's GC and stall times (ms after the reset) start, on the clock the heartbeats' send times are on.
    phaseStartedAt[label] = Date.now();
    const sent = await all<Extract<ChildEvent, { ev: 'sent' }>>(() => command, 'sent');
    const total = sent.reduce((n, s) => n + s.sent, 0);
    const sentAt = Math.min(...sent.filter((s) => s.sent > 0).map((s) => s.at));
    let reports: Extract<ChildEvent, { ev: 'plays' }>[] = [];
    const deadline = Date.now() + waitMs;
    do {
      await sleep(200);
      reports = await all(() => ({ cmd: 'plays-report' }), 'plays');
    } while (Date.now() < deadline && reports.some((r) => r.pending > 0));
    const el = await probe(server, { reset: true });
    report.serverGc ??= {};
    (report.serverGc as Record<string, unknown>)[label] = { gc: el.gc, longGc: el.longGc, stalls: el.stalls };
    console.log(`${label}: server GC ${Object.entries(el.gc ?? {}).map(([k, v]) => `${k} ${v.n}× ${v.totalMs} ms (max ${v.maxMs})`).join(', ')}; stalls ≥ 100 ms ${(el.stalls ?? []).map((x) => `${x.ms}@${x.atMs}${x.waitedMs === undefined ? '' : ` (waited for a core ${x.waitedMs})`}`).join(' ') || 'none'}; GC ≥ 20 ms ${(el.longGc ?? []).map((x) => `${x.kind} ${x.ms}@${x.atMs}`).join(' ') || 'none'}`);
    const acked = reports.reduce((n, r) => n + r.acked, 0);
    const lastAck = Math.max(...reports.map((r) => r.lastAckAt));
    const firstAck = Math.min(...reports.filter((r) => r.firstAckAt).map((r) => r.firstAckAt));
    const span = command.cmd === 'burst' ? lastAck - sentAt : Number(flags['steady-seconds']) * 1000;
    const row = {
      label, sent: total, acked, pending: reports.reduce((n, r) => n + r.pending, 0), playsPerSecond: round((acked / span) * 1000),
      ackMs: stats(reports.flatMap((r) => r.latencies)), endToEndMs: stats(reports.flatMap((r) => r.endToEnd)),
      busyRecords: reports.reduce((n, r) => n + r.busy, 0), busyReplies: reports.reduce((n, r) => n + r.busyReplies, 0),
      firstAckMs: round(firstAck - sentAt), eventLoop: el.eventLoop, serverCpuMs: round(el.cpuMs - cpuBefore), serverCpuByThreadMs: threadCpuDelta(threadsBefore, el.threadCpuMs), serverWaitByThreadMs: threadCpuDelta(waitsBefore, el.threadWaitMs ?? null), loopBusyMs: el.loopBusyMs,
    };
    console.log(`${label}: ${acked}/${total} acknowledged, ${row.playsPerSecond} plays/s, ack p50 ${row.ackMs.p50} p99 ${row.ackMs.p99} max ${row.ackMs.max} ms (of the send that was taken); ${row.busyReplies} busy answers (${row.busyRecords} records resent), first send to ack p50 ${row.endToEndMs.p50} p99 ${row.endToEndMs.p99} ms; event loop p99 ${el.eventLoop.p99} max ${el.eventLoop.max} ms; server CPU ${row.serverCpuMs} ms, loop busy ${row.loopBusyMs} ms`);
    const byThread = row.serverCpuByThreadMs;
    if (byThread) console.log(threadLine(byThread, row.serverWaitByThreadMs));
    return row;
  };
  if (!flags['skip-plays']) {
    const burst = await plays('plays-burst', { cmd: 'burst', records: Number(flags['burst-records']) }, 120_000);
    const steadyMs = Number(flags['steady-seconds']) * 1000;
    const steady = await plays('plays-steady', { cmd: 'steady', everyMs: 10_000, forMs: steadyMs }, 60_000);
    report.plays = { burst, steady };
  }

  await setPhase('end');
  const hbAll = await all<Extract<ChildEvent, { ev: 'heartbeats' }>>(() => ({ cmd: 'heartbeat-report' }), 'heartbeats');
  const hb = hbAll.slice(0, PROCS);
  const hbProbe = hbAll[PROCS];
  // Where a slow heartbeat ack waited: before the server handled it (up) or after (down: the ack, then the player process).
  const splitOf = (from: typeof hbAll) => {
    const merged = (key: 'up' | 'down') => {
      const byPhase: Record<string, number[]> = {};
      for (const h of from) for (const [k, v] of Object.entries(h[key])) (byPhase[k] ??= []).push(...v);
      return Object.fromEntries(Object.entries(byPhase).map(([k, v]) => [k, stats(v)]));
    };
    return { up: merged('up'), down: merged('down') };
  };
  const splitLine = ({ up, down }: ReturnType<typeof splitOf>) => Object.keys(up).map((k) => `${k} ${up[k]!.p99}/${down[k]?.p99}`).join('; ');
  if (hbProbe) {
    const probeSplit = splitOf([hbProbe]);
    report.probeHeartbeatMs = Object.fromEntries(Object.entries(hbProbe.byPhase).map(([k, v]) => [k, stats(v)]));
    report.probeHeartbeatSplitMs = probeSplit;
    report.probeLoopDelayMs = hbProbe.loopDelay;
    console.log(`probe players (${PROBES}, a heartbeat a second, no plays, a process of their own): heartbeat ack ms by phase: ${Object.entries(report.probeHeartbeatMs as Record<string, ReturnType<typeof stats>>).map(([k, s]) => `${k} p99 ${s.p99} max ${s.max} (n ${s.n})`).join('; ')}`);
    console.log(`probe split p99 (sent → server stamp / stamp → read by the probe): ${splitLine(probeSplit)}`);
    // When the slowest came: beside the server's GC and stalls above (same origin), or at the burst's start.
    const slowest = Object.fromEntries(Object.entries(hbProbe.slowest).map(([k, list]) => [k, list.map(([at, ms, upMs]) => ({ atMs: phaseStartedAt[k] === undefined ? null : at - phaseStartedAt[k], ms: round(ms), upMs }))]));
    report.probeSlowestHeartbeats = slowest;
    for (const k of Object.keys(phaseStartedAt)) {
      if (slowest[k]) console.log(`probe's slowest heartbeats in ${k}, ms@ms after the phase began: ${slowest[k].map((h) => `${h.ms}@${h.atMs} (up ${h.upMs})`).join(' ')}`);
    }
  }
  const byPhase: Record<string, number[]> = {};
  for (const h of hb) for (const [k, v] of Object.entries(h.byPhase)) (byPhase[k] ??= []).push(...v);
  report.heartbeatMs = Object.fromEntries(Object.entries(byPhase).map(([k, v]) => [k, stats(v)]));
  const heartbeatSplit = splitOf(hb);
  report.heartbeatSplitMs = heartbeatSplit;
  report.playerLoopDelayMs = hb.map((h) => h.loopDelay);
  report.healthzMs = Object.fromEntries(Object.entries(healthz).map(([k, v]) => [k, stats(v)]));
  report.dropped = hbAll.reduce((n, h) => n + h.dropped, 0);
  console.log(`heartbeat ack ms by phase: ${Object.entries(report.heartbeatMs as Record<string, ReturnType<typeof stats>>).map(([k, s]) => `${k} p99 ${s.p99} max ${s.max} (n ${s.n})`).join('; ')}`);
  console.log(`heartbeat split p99 (sent → server stamp / stamp → read by the player): ${splitLine(heartbeatSplit)}`);
  console.log(`player processes' event loop p99 ms by phase: ${Object.keys(hb[0]?.loopDelay ?? {}).map((k) => `${k} ${hb.map((h) => round(h.loopDelay[k]?.p99 ?? NaN)).join('/')}`).join('; ')}`);
  console.log(`/healthz ms by phase: ${Object.entries(report.healthzMs as Record<string, ReturnType<typeof stats>>).map(([k, s]) => `${k} p99 ${s.p99} max ${s.max}`).join('; ')}`);
  console.log(`dropped players: ${report.dropped}`);

  isSampling = false;
  await all(() => ({ cmd: 'stop' }), 'done');
  isStopping = true;
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  const serverLog = readFileSync(path.join(runDir, 'server.log'), 'utf8').split('\n');
  report.serverLog = { lines: serverLog.length, warnings: serverLog.filter((l) => /"level":40/.test(l)).length, errors: serverLog.filter((l) => /"level":5\d/.test(l)).length };
  if (!reuse) {
    rmSync(fleetDir, { recursive: true, force: true });
    mkdirSync(fleetDir, { recursive: true });
    cpSync(dataDir, path.join(fleetDir, 'data'), { recursive: true });
    cpSync(path.join(runDir, 'fleet.json'), path.join(fleetDir, 'fleet.json'));
  }
  writeFileSync(path.join(runDir, 'report.json'), JSON.stringify(report, null, 2));
  console.log(`report: ${path.join(runDir, 'report.json')} (server log ${report.serverLog ? JSON.stringify(report.serverLog) : ''})`);
}

/** Players say hello without a token in waves (at most 400 unclaimed at once); the admin claims each code over HTTP. */
async function provision(http: Http, procs: PlayerProc[], specs: PlayerSpec[]): Promise<PlayerSpec[]> {
  const WAVE = 400;
  const codes = new Map<number, { screenId: string; code: string }>();
  const tokens = new Map<number, { screenId: string; token: string }>();
  events.push((e) => {
    if (e.ev === 'code') codes.set(e.index, e);
    if (e.ev === 'paired') tokens.set(e.index, e);
  });
  // One site per township in the register: claims name a site (the screen's township follows from it).
  const siteOf = new Map<string, string>();
  for (let k = 0; k < TOWNSHIPS; k++) {
    const name = townshipOf(k);
    const township = (await http.post('/api/v1/register/townships', { name })) as { id: string };
    const village = (await http.post('/api/v1/register/villages', { townshipId: township.id, name: `${name}社区`, kind: 'community' })) as { id: string };
    siteOf.set(name, ((await http.post('/api/v1/register/sites', { villageId: village.id, name: `${name}广场`, type: '广场' })) as { id: string }).id);
  }
  const claimMs: number[] = [];
  /** Screens claimed per second in each wave (8 claims in flight): flat if a claim costs the same at any fleet size. */
  const waveRates: number[] = [];
  const started = now();
  for (let from = 0; from < specs.length; from += WAVE) {
    const wave = specs.slice(from, from + WAVE);
    const waveStarted = now();
    await Promise.all(procs.map((p, i) => p.ask({ cmd: 'connect', url: `ws://127.0.0.1:${flags.port}/ws/player`, players: wave.filter((_, k) => k % procs.length === i), concurrency: 50 }, 'connected')));
    let next = 0;
    const claimOne = async () => {
      while (next < wave.length) {
        const spec = wave[next++]!;
        const got = codes.get(spec.index);
        if (!got) continue;
        const at = now();
        await http.post('/api/v1/screens/claim', { code: got.code, name: `负载测试屏 ${spec.index}`, siteId: siteOf.get(townshipOf(spec.index)) });
        claimMs.push(now() - at);
      }
    };
    await Promise.all(Array.from({ length: 8 }, claimOne));
    await waitFor(() => wave.every((s) => tokens.has(s.index)), 30_000);
    const done = Math.min(from + WAVE, specs.length);
    waveRates.push(round((wave.length / (now() - waveStarted)) * 1000));
    console.log(`provisioned ${done}/${specs.length} (this wave: ${waveRates.at(-1)} claims/s, claim p50 ${round(quantile(claimMs.slice(-wave.length), 0.5))} ms with 8 in flight)`);
  }
  report.provision = { ms: round(now() - started), claimMs: stats(claimMs), firstWaveClaimP50: round(quantile(claimMs.slice(0, WAVE), 0.5)), lastWaveClaimP50: round(quantile(claimMs.slice(-WAVE), 0.5)), claimed: tokens.size, claimsPerSecondByWave: waveRates };
  return specs.map((s) => ({ ...s, screenId: tokens.get(s.index)?.screenId, token: tokens.get(s.index)?.token }));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    isStopping = true;
    // After an error too: the /healthz sampler's loop would keep the process alive.
    isSampling = false;
    clearTimeout(hardStop);
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  });
