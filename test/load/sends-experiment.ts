// `npx tsx test/load/sends-experiment.ts [--sockets N] [--bytes B] [--rounds R] [--procs K] [--client-us U] [--port P] [--only a,b]`:
// what one send costs a server, the floor's way and Crier's way, on the same machine in the same minutes.
// This process holds N sockets on a bare `ws` server (the load test's floor) and N on a Fastify server with
// @fastify/websocket (Crier's stack), fed by K client processes that answer every frame with a small JSON
// after U µs of work (a lean simulated player takes ~100 µs a frame). Each round sends the same B bytes to
// every socket of one server in one of several ways, alternated, and reports this process's CPU
// (process.cpuUsage) from the first send until every answer is read, per socket; medians over the rounds.
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import WebSocket, { WebSocketServer } from 'ws';
import { median } from '../bench/stats.js';
import { createSendQueue, wireTextFrame } from '../../server/gateway/send-queue.js';

const { values: flags } = parseArgs({
  options: {
    sockets: { type: 'string', default: '3000' },
    bytes: { type: 'string', default: '14311' },
    rounds: { type: 'string', default: '6' },
    procs: { type: 'string', default: '2' },
    'client-us': { type: 'string', default: '100' },
    port: { type: 'string', default: '8143' },
    only: { type: 'string', default: '' },
    client: { type: 'boolean', default: false },
    /** Another send-queue.ts (e.g. main's: `git show main:server/gateway/send-queue.ts > /tmp/base-queue.ts`), as `base queue …`. */
    'base-queue': { type: 'string' },
  },
});

const SLICE_MS = 15;
const answer = Buffer.from(JSON.stringify({ type: 'manifest-applied', version: 'v'.repeat(40) }));

// ── a client process: K of these hold the sockets ───────────
if (flags.client) {
  const busyUs = Number(flags['client-us']);
  const sockets: WebSocket[] = [];
  const spin = () => {
    const until = performance.now() + busyUs / 1000;
    while (performance.now() < until);
  };
  process.on('message', async (m: { url: string; n: number } | { close: true }) => {
    if ('close' in m) return process.exit(0);
    const opened = Array.from({ length: m.n }, () => new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(m.url, { perMessageDeflate: false });
      socket.on('open', () => resolve());
      socket.on('error', reject);
      // What a lean player does with a frame, then its answer (`manifest-applied`).
      socket.on('message', () => (spin(), socket.send(answer)));
      sockets.push(socket);
    }));
    await Promise.all(opened);
    process.send!({ ready: m.n });
  });
} else await main();

async function main(): Promise<void> {
  const N = Number(flags.sockets);
  const K = Number(flags.procs);
  const port = Number(flags.port);
  const payload = Buffer.from(JSON.stringify({ type: 'floor', pad: 'x'.repeat(Math.max(0, Number(flags.bytes) - 30)) }));

  // Round bookkeeping: answers counted as they are read, the round ends with the last.
  let expected = 0;
  let answered = 0;
  let roundDone: () => void = () => undefined;
  const onAnswer = () => {
    if (++answered === expected) roundDone();
  };

  // The floor: a bare ws server, as test/load/floor-server.ts.
  const floor = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
  const floorSockets: WebSocket[] = [];
  floor.on('connection', (s) => {
    floorSockets.push(s);
    s.on('message', onAnswer);
  });

  // Crier's stack: Fastify with the options server/app.ts gives it, @fastify/websocket, a send queue per socket.
  const app = Fastify({ connectionTimeout: 30_000, keepAliveTimeout: 5_000 });
  await app.register(fastifyWebsocket, { options: { maxPayload: 1 << 20 } });
  type Queue = Pick<ReturnType<typeof createSendQueue>, 'sendLatest'>;
  const baseQueue = flags['base-queue'] ? ((await import(flags['base-queue'])) as { createSendQueue: (s: WebSocket) => Queue }).createSendQueue : null;
  const crier: { socket: WebSocket; queue: Queue; wired: Queue; base: Queue | null }[] = [];
  app.get('/ws', { websocket: true }, (socket: WebSocket, request) => {
    // `wired`: as the gateway makes it, with the upgrade request's TCP socket to write ready frames to.
    crier.push({ socket, queue: createSendQueue(socket), wired: createSendQueue(socket, undefined, undefined, request.raw.socket), base: baseQueue && baseQueue(socket) });
    socket.on('message', onAnswer);
  });
  await app.listen({ port: port + 1, host: '127.0.0.1' });

  const clients = Array.from({ length: K }, () => fork(import.meta.filename, ['--client', '--client-us', flags['client-us']!], { execArgv: ['--import', 'tsx'] }));
  const connect = (url: string) =>
    Promise.all(clients.map((c, i) => new Promise<void>((resolve) => {
      c.once('message', () => resolve());
      c.send({ url, n: Math.floor(N / K) + (i < N % K ? 1 : 0) });
    })));

  // What each stack leaves on its sockets (ws clears the timeout on upgrade; Fastify's connectionTimeout set one).
  const describe = (s: WebSocket) => {
    const raw = (s as unknown as { _socket: import('node:net').Socket })._socket;
    const timer = Object.getOwnPropertySymbols(raw).find((k) => k.description === 'timeout');
    const t = timer && (raw as unknown as Record<symbol, { _idleTimeout?: number } | null>)[timer];
    return { timeout: raw.timeout, timerIdleMs: t?._idleTimeout ?? null, writableHighWaterMark: raw.writableHighWaterMark, listeners: raw.eventNames().map(String).join(',') };
  };
  const loop = async (n: number, one: (i: number) => void) => {
    for (let i = 0; i < n; i++) one(i);
  };
  const sliced = async (n: number, one: (i: number) => void) => {
    let start = performance.now();
    for (let i = 0; i < n; i++) {
      if (performance.now() - start > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        start = performance.now();
      }
      one(i);
    }
  };
  const noop = () => undefined;
  // The whole frame (ws header and payload) made once: a server's frames are not masked, so every socket gets the same bytes.
  const wire = wireTextFrame(payload);
  const raw = (s: WebSocket) => (s as unknown as { _socket: import('node:net').Socket })._socket;
  const variants: Record<string, { n: () => number; run: () => Promise<void> }> = {
    'floor loop': { n: () => floorSockets.length, run: () => loop(floorSockets.length, (i) => floorSockets[i]!.send(payload)) },
    'floor sliced': { n: () => floorSockets.length, run: () => sliced(floorSockets.length, (i) => floorSockets[i]!.send(payload)) },
    'crier ws.send loop': { n: () => crier.length, run: () => loop(crier.length, (i) => crier[i]!.socket.send(payload, { binary: false })) },
    'crier queue loop': { n: () => crier.length, run: () => loop(crier.length, (i) => crier[i]!.queue.sendLatest(payload, noop)) },
    'crier raw loop': { n: () => crier.length, run: () => loop(crier.length, (i) => raw(crier[i]!.socket).write(wire, noop)) },
    'crier queue sliced': { n: () => crier.length, run: () => sliced(crier.length, (i) => crier[i]!.queue.sendLatest(payload, noop)) },
    'crier wired queue loop': { n: () => crier.length, run: () => loop(crier.length, (i) => crier[i]!.wired.sendLatest(payload, noop)) },
    'crier wired queue sliced': { n: () => crier.length, run: () => sliced(crier.length, (i) => crier[i]!.wired.sendLatest(payload, noop)) },
    'base queue loop': { n: () => crier.length, run: () => loop(crier.length, (i) => crier[i]!.base!.sendLatest(payload, noop)) },
    'base queue sliced': { n: () => crier.length, run: () => sliced(crier.length, (i) => crier[i]!.base!.sendLatest(payload, noop)) },
  };
  const only = flags.only ? flags.only.split(',') : Object.keys(variants);
  // Only the servers the chosen ways send from are connected (file descriptors: N of each in this process).
  if (only.some((v) => v.startsWith('floor'))) await connect(`ws://127.0.0.1:${port}`);
  if (only.some((v) => !v.startsWith('floor'))) await connect(`ws://127.0.0.1:${port + 1}/ws`);
  if (floorSockets[0]) console.log(`floor socket: ${JSON.stringify(describe(floorSockets[0]))}`);
  if (crier[0]) console.log(`crier socket: ${JSON.stringify(describe(crier[0].socket))}`);
  const results = new Map<string, { cpuUs: number[]; sendUs: number[]; wallMs: number[] }>();
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (let round = 0; round < Number(flags.rounds); round++) {
    for (const name of only) {
      const v = variants[name]!;
      await sleep(300);
      expected = v.n();
      answered = 0;
      const done = new Promise<void>((r) => (roundDone = r));
      const t0 = performance.now();
      const c0 = cpu();
      await v.run();
      const c1 = cpu();
      await done;
      const c2 = cpu();
      const r = results.get(name) ?? { cpuUs: [], sendUs: [], wallMs: [] };
      r.cpuUs.push((c2 - c0) / expected);
      r.sendUs.push((c1 - c0) / expected);
      r.wallMs.push(performance.now() - t0);
      results.set(name, r);
    }
  }
  console.log(`${N} sockets each, ${payload.length} B frames, ${flags.rounds} alternated rounds, clients ${K} processes × ${flags['client-us']} µs a frame`);
  for (const [name, r] of results) {
    const f = (xs: number[]) => median(xs).toFixed(1);
    console.log(`  ${name.padEnd(20)} CPU per socket (send + answer) ${f(r.cpuUs)} µs [${r.cpuUs.map((x) => x.toFixed(1)).join(' ')}]  send loop ${f(r.sendUs)} µs  wall ${f(r.wallMs)} ms`);
  }
  for (const c of clients) c.send({ close: true });
  floor.close();
  await app.close();
  process.exit(0);
}
