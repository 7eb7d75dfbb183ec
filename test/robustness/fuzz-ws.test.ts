// WebSocket fuzz of the player protocol (issue 13): malformed, oversized and wrong-type frames, before
// and after hello, each case on its own connection from a real `ws` client. The server answers each
// with an error frame or a close with a protocol code (never 1006/1011), logs nothing at error level,
// and keeps serving: a good player still gets its welcome and heartbeat answers afterwards.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import t from 'tap';
import WebSocket from 'ws';
import { PLAYER_WS_MAX_PAYLOAD } from '../../server/gateway/player.gateway.js';
import { helloMessage, helloPlayer, startTestServer } from '../helper.js';
import { draw, figure, HOSTILE_STRINGS, seed, size } from './driver.js';

/** Closes the server may answer a bad client with: invalid UTF-8, policy, too big, version, unauthorised, try later. */
const PROTOCOL_CLOSES = new Set([1000, 1007, 1008, 1009, 4001, 4003, 1013]);

const now = () => new Date().toISOString();
const record = () => ({ id: randomUUID(), itemId: 'item-1', mediaId: 'media-1', hash: 'a'.repeat(64), manifestVersion: 'v1', startedAt: now(), endedAt: now(), completed: true });
const heartbeat = () => ({ type: 'heartbeat', sentAt: now(), airing: null, manifestVersion: null, uptimeMs: 1000 });
const templates = (screenId: string): Record<string, () => Record<string, unknown>> => ({
  hello: () => helloMessage({ screenId }),
  heartbeat,
  plays: () => ({ type: 'plays', records: [record(), record()] }),
  'manifest-applied': () => ({ type: 'manifest-applied', version: 'v1' }),
  'command-ack': () => ({ type: 'command-ack', commandId: 'c-1' }),
  'paired-ack': () => ({ type: 'paired-ack', screenId }),
  airing: () => ({ type: 'airing', itemId: 'item-1', mediaId: 'media-1', startedAt: now(), isAlert: false }),
});

const hostile = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 30 }));
const wrongValue = fc.oneof(fc.constantFrom(null, true, -1, 1e308, 2 ** 53 + 1, [], {}, '', '2099-01-01T00:00:00Z', 'not-a-date'), hostile, fc.jsonValue({ maxDepth: 3 }));

type Frame = { text: string } | { binary: Buffer } | { invalidUtf8: Buffer };
interface Case {
  afterHello: boolean;
  frames: Frame[];
}

function caseArbitrary(screenId: string): fc.Arbitrary<Case> {
  const made = templates(screenId);
  // A valid message with one field given a wrong value, dropped, or an extra field added.
  const mutated = fc.tuple(fc.constantFrom(...Object.keys(made)), fc.nat(), fc.constantFrom('set', 'delete', 'extra', 'record'), wrongValue).map(([type, pick, how, value]): Frame => {
    const message = made[type]!();
    const keys = Object.keys(message).filter((k) => k !== 'type');
    const key = keys[pick % keys.length]!;
    if (how === 'set') message[key] = value;
    else if (how === 'delete') delete message[key];
    else if (how === 'extra') message[String(pick % 2 ? '__proto__' : 'extra')] = value;
    else if (Array.isArray(message.records)) (message.records as Record<string, unknown>[])[0]![Object.keys(record())[pick % 8]!] = value;
    return { text: JSON.stringify(message) };
  });
  const frame: fc.Arbitrary<Frame> = fc.oneof(
    { weight: 4, arbitrary: mutated },
    fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v) ?? 'null' })),
    hostile.map((s) => ({ text: s })),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ binary: Buffer.from(b) })),
    fc.constantFrom<Frame>(
      { text: '' },
      { text: 'null' },
      { text: '{"type":"hello"' },
      { text: `${'['.repeat(100_000)}${']'.repeat(100_000)}` },
      { text: JSON.stringify({ type: 'plays', records: Array.from({ length: 501 }, record) }) },
      { text: JSON.stringify({ ...helloMessage(), protocol: 2 }) },
      { text: JSON.stringify({ ...helloMessage(), protocol: '1' }) },
      { text: JSON.stringify({ ...helloMessage(), screenId: '__proto__' }) },
      { text: JSON.stringify({ ...helloMessage(), token: 'x'.repeat(150) }) },
      { text: 'x'.repeat(PLAYER_WS_MAX_PAYLOAD + 1) },
      { invalidUtf8: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) },
    ),
  );
  return fc.record({ afterHello: fc.boolean(), frames: fc.array(frame, { minLength: 1, maxLength: 3 }) });
}

type Outcome = { answered: boolean; close: number | null };

/** Runs one case on its own connection: frames, then a probe (hello or heartbeat) that must be answered or the socket closed properly. */
function runCase(wsUrl: string, screenId: string, c: Case): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl);
    let phase: 'hello' | 'fuzz' | 'probe' = c.afterHello ? 'hello' : 'fuzz';
    let answered = false;
    const done = (close: number | null) => (clearTimeout(timer), resolve({ answered, close }));
    const timer = setTimeout(() => (socket.terminate(), done(null)), 15_000);
    const fuzz = () => {
      phase = 'fuzz';
      for (const f of c.frames) {
        if ('text' in f) socket.send(f.text);
        else if ('binary' in f) socket.send(f.binary, { binary: true });
        else socket.send(f.invalidUtf8, { binary: false });
      }
      phase = 'probe';
      socket.send(JSON.stringify(c.afterHello ? heartbeat() : helloMessage({ screenId })));
    };
    socket.on('open', () => (c.afterHello ? socket.send(JSON.stringify(helloMessage({ screenId }))) : fuzz()));
    socket.on('message', (data) => {
      const type = (JSON.parse(data.toString()) as { type: string }).type;
      if (phase === 'hello' && type === 'welcome') return fuzz();
      if (phase === 'probe' && (type === 'heartbeat-ack' || type === 'welcome' || type === 'error')) {
        answered = true;
        socket.close();
      }
    });
    socket.on('close', (code) => done(answered ? null : code));
    socket.on('error', () => undefined);
  });
}

t.test('fuzzed player frames crash nothing, are refused with protocol codes, and the server keeps serving', async (t) => {
  const lines: { level: number; msg: string }[] = [];
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
  });
  const { app, wsUrl } = await startTestServer(t, { logLevel: 'info', newScreensPerIpPerMinute: 100_000 }, { logger: true, logStream });
  const { welcome } = await helloPlayer(t, wsUrl);
  const cases = draw(caseArbitrary(welcome.screenId), size(60, 1000), 7);
  const failures: string[] = [];
  const closes = new Map<string, number>();
  const began = Date.now();
  // A few connections at a time, as a small fleet would.
  for (let i = 0; i < cases.length; i += 10) {
    const outcomes = await Promise.all(cases.slice(i, i + 10).map((c) => runCase(wsUrl, welcome.screenId, c)));
    outcomes.forEach((o, j) => {
      const key = o.answered ? 'answered' : `close ${o.close ?? 'none'}`;
      closes.set(key, (closes.get(key) ?? 0) + 1);
      if (!o.answered && (o.close === null || !PROTOCOL_CLOSES.has(o.close))) {
        failures.push(`${key}: ${JSON.stringify(cases[i + j]).slice(0, 300)}`);
      }
    });
  }
  t.same(failures.slice(0, 10), [], 'every case answered, or closed with a protocol code');
  const errors = lines.filter((l) => l.level >= 50);
  t.same(errors.slice(0, 5), [], 'nothing logged at error level');

  const after = await helloPlayer(t, wsUrl);
  after.player.send(heartbeat());
  t.ok(await after.player.next('heartbeat-ack'), 'a good player is still welcomed and answered');
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'and the server is healthy');
  const spread = [...closes].map(([k, n]) => `${k}×${n}`).join(', ');
  figure(t, `WebSocket fuzz: ${cases.length} cases (${cases.reduce((n, c) => n + c.frames.length, 0)} frames) in ${((Date.now() - began) / 1000).toFixed(1)} s (seed ${seed}), ${failures.length} failures, ${errors.length} error-level log lines; ${spread}`);
});
