// One child process of simulated players for `npm run loadtest`: real `ws` clients speaking protocol v1
// (hello, heartbeats, plays, manifest-applied, paired-ack), each bound to a 127.x.y.z source address.
// Driven by the orchestrator (run.ts) over IPC; reports times as `now()` (comparable across processes).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { CAPABILITY_SHARED_MANIFEST, PROTOCOL_VERSION, type ServerMessage } from '../../player/protocol.js';
import type { ChildCommand, ChildEvent, PlayerSpec } from './messages.js';

const now = () => performance.timeOrigin + performance.now();
const send = (event: ChildEvent) => process.send!(event);

interface SimPlayer {
  spec: PlayerSpec;
  socket: WebSocket | null;
  screenId: string | null;
  token: string | null;
  manifestVersion: string | null;
  item: { itemId: string; mediaId: string; hash: string } | null;
  isClosing: boolean;
  heartbeatTimer: NodeJS.Timeout | null;
  /** sentAt of heartbeats awaiting their ack. */
  heartbeats: Map<string, number>;
  /** send time of each plays batch, by its first record id. */
  batches: Map<string, { at: number; count: number }>;
}

const players = new Map<number, SimPlayer>();
let floorSockets: WebSocket[] = [];
let dropped = 0;
let phase = 'idle';
/** Arrival of the first message after a mark, per player index (Crier) or socket index (floor); `seen` outlives collects. */
let marked: { label: string; floor: boolean; arrivals: Map<number, number>; seen: Set<number>; bytes: number } | null = null;
/** Records the first arrival since the mark; returns whether this was it. */
function arrive(floor: boolean, index: number, at: number, bytes: number): void {
  if (!marked || marked.floor !== floor || marked.seen.has(index)) return;
  marked.seen.add(index);
  marked.arrivals.set(index, at);
  marked.bytes = Math.max(marked.bytes, bytes);
}
const heartbeatLatencies = new Map<string, number[]>();
let ackLatencies: number[] = [];
let acked = 0;
let firstAckAt = 0;
let lastAckAt = 0;
let steadyTimers: NodeJS.Timeout[] = [];

function onServerMessage(p: SimPlayer, raw: WebSocket.RawData): void {
  const at = now();
  const text = raw.toString();
  const message = JSON.parse(text) as ServerMessage;
  switch (message.type) {
    case 'welcome':
      p.screenId = message.screenId;
      if (message.pairingCode) send({ ev: 'code', index: p.spec.index, screenId: message.screenId, code: message.pairingCode });
      else send({ ev: 'ready', index: p.spec.index });
      startHeartbeats(p, message.heartbeatIntervalMs);
      return;
    case 'paired':
      p.token = message.token;
      p.socket?.send(JSON.stringify({ type: 'paired-ack', screenId: message.screenId }));
      send({ ev: 'paired', index: p.spec.index, screenId: message.screenId, token: message.token });
      return;
    case 'manifest': {
      const first = message.manifest.items[0];
      p.manifestVersion = message.manifest.version;
      if (first) p.item = { itemId: first.id, mediaId: first.mediaId, hash: first.hash };
      arrive(false, p.spec.index, at, text.length);
      p.socket?.send(JSON.stringify({ type: 'manifest-applied', version: message.manifest.version }));
      return;
    }
    case 'heartbeat-ack': {
      const sentAt = message.echo && p.heartbeats.get(message.echo);
      if (sentAt) {
        p.heartbeats.delete(message.echo!);
        const list = heartbeatLatencies.get(phase) ?? [];
        list.push(at - sentAt);
        heartbeatLatencies.set(phase, list);
      }
      return;
    }
    case 'plays-ack': {
      const batch = message.ids[0] ? p.batches.get(message.ids[0]) : undefined;
      if (batch) {
        p.batches.delete(message.ids[0]!);
        ackLatencies.push(at - batch.at);
        acked += batch.count;
        firstAckAt ||= at;
        lastAckAt = at;
      }
      return;
    }
    case 'error':
      send({ ev: 'log', text: `player ${p.spec.index}: error ${message.reason}: ${message.message}` });
      return;
    case 'unauthorised':
      send({ ev: 'log', text: `player ${p.spec.index}: unauthorised ${message.reason}` });
      return;
    default:
      return;
  }
}

function startHeartbeats(p: SimPlayer, intervalMs: number): void {
  if (p.heartbeatTimer) clearInterval(p.heartbeatTimer);
  const beat = () => {
    if (p.socket?.readyState !== WebSocket.OPEN) return;
    const sentAt = new Date().toISOString();
    // One per millisecond per player at most: the echo pairs the ack with its send time.
    p.heartbeats.set(sentAt, now());
    p.socket.send(JSON.stringify({ type: 'heartbeat', sentAt, airing: null, manifestVersion: p.manifestVersion, uptimeMs: Math.round(performance.now()), playerVersion: 'loadtest' }));
  };
  // A random phase, as a real fleet's heartbeats spread over the interval.
  p.heartbeatTimer = setTimeout(() => {
    beat();
    p.heartbeatTimer = setInterval(beat, intervalMs);
  }, Math.random() * intervalMs);
}

function connect(p: SimPlayer, url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { localAddress: p.spec.localAddress, perMessageDeflate: false });
    p.socket = socket;
    p.isClosing = false;
    let isOpen = false;
    socket.on('open', () => {
      isOpen = true;
      socket.send(
        JSON.stringify({
          type: 'hello',
          protocol: PROTOCOL_VERSION,
          ...(p.screenId ? { screenId: p.screenId } : {}),
          ...(p.token ? { token: p.token } : {}),
          playerVersion: 'loadtest',
          mode: 'screen',
          capabilities: ['text', 'image', 'video', 'audio', CAPABILITY_SHARED_MANIFEST],
          screen: { width: 1920, height: 1080, pixelRatio: 1 },
          manifestVersion: p.manifestVersion,
        }),
      );
    });
    socket.on('message', (raw) => {
      onServerMessage(p, raw);
      resolve(true);
    });
    socket.on('error', (error) => {
      if (!isOpen) {
        send({ ev: 'log', text: `player ${p.spec.index}: ${error.message}` });
        resolve(false);
      }
    });
    socket.on('close', (code) => {
      if (p.heartbeatTimer) clearTimeout(p.heartbeatTimer);
      if (!p.isClosing && isOpen) {
        dropped++;
        send({ ev: 'log', text: `player ${p.spec.index} dropped (close ${code})` });
      }
      resolve(false);
    });
  });
}

/** Opens sockets `concurrency` at a time; resolves with how many got a first answer. */
async function connectAll(specs: PlayerSpec[], url: string, concurrency: number): Promise<{ ok: number; failed: number }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      let p = players.get(spec.index);
      if (!p) {
        p = { spec, socket: null, screenId: spec.screenId ?? null, token: spec.token ?? null, manifestVersion: null, item: null, isClosing: false, heartbeatTimer: null, heartbeats: new Map(), batches: new Map() };
        players.set(spec.index, p);
      }
      if (await connect(p, url)) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, failed };
}

function sendPlays(p: SimPlayer, count: number): boolean {
  if (!p.item || !p.manifestVersion || p.socket?.readyState !== WebSocket.OPEN) return false;
  const end = Date.now();
  const records = Array.from({ length: count }, () => ({
    id: randomUUID(),
    ...p.item!,
    manifestVersion: p.manifestVersion!,
    startedAt: new Date(end - 10_000).toISOString(),
    endedAt: new Date(end).toISOString(),
    completed: true,
  }));
  p.batches.set(records[0]!.id, { at: now(), count });
  p.socket.send(JSON.stringify({ type: 'plays', records }));
  return true;
}

function closeAll(): void {
  for (const p of players.values()) {
    p.isClosing = true;
    if (p.heartbeatTimer) clearTimeout(p.heartbeatTimer);
    p.socket?.close();
  }
  for (const s of floorSockets) s.close();
}

process.on('message', async (command: ChildCommand) => {
  switch (command.cmd) {
    case 'connect': {
      const started = now();
      const result = await connectAll(command.players, command.url, command.concurrency);
      return send({ ev: 'connected', ...result, ms: now() - started });
    }
    case 'connect-floor': {
      const started = now();
      let failed = 0;
      floorSockets = [];
      await Promise.all(
        command.localAddresses.map(
          (localAddress, i) =>
            new Promise<void>((resolve) => {
              const socket = new WebSocket(command.url, { localAddress, perMessageDeflate: false });
              socket.on('open', () => resolve());
              socket.on('error', () => (failed++, resolve()));
              socket.on('message', (raw) => {
                const at = now();
                // Parsed as a player parses a manifest, so the floor's clients do the same work as Crier's.
                JSON.parse((raw as Buffer).toString());
                arrive(true, i, at, (raw as Buffer).length);
              });
              floorSockets.push(socket);
            }),
        ),
      );
      return send({ ev: 'connected', ok: floorSockets.length - failed, failed, ms: now() - started });
    }
    case 'close-floor':
      for (const s of floorSockets) s.close();
      floorSockets = [];
      return send({ ev: 'done' });
    case 'phase':
      phase = command.phase;
      return send({ ev: 'done' });
    case 'mark':
      marked = { label: command.label, floor: command.floor, arrivals: new Map(), seen: new Set(), bytes: 0 };
      return send({ ev: 'done' });
    case 'collect': {
      // Arrivals so far are handed over; the mark stays, so nothing arriving meanwhile is missed.
      const arrivals = marked ? [...marked.arrivals] : [];
      const bytes = marked?.bytes ?? 0;
      marked?.arrivals.clear();
      return send({ ev: 'arrivals', arrivals, bytes });
    }
    case 'burst': {
      ackLatencies = [];
      acked = 0;
      firstAckAt = 0;
      let sent = 0;
      for (const p of players.values()) if (sendPlays(p, command.records)) sent += command.records;
      return send({ ev: 'sent', sent, at: now() });
    }
    case 'steady': {
      ackLatencies = [];
      acked = 0;
      firstAckAt = 0;
      let sent = 0;
      for (const p of players.values()) {
        const timer = setTimeout(() => {
          if (sendPlays(p, 1)) sent++;
          const again = setInterval(() => sendPlays(p, 1) && sent++, command.everyMs);
          steadyTimers.push(again);
        }, Math.random() * command.everyMs);
        steadyTimers.push(timer);
      }
      setTimeout(() => {
        for (const t of steadyTimers) clearTimeout(t);
        steadyTimers = [];
        send({ ev: 'sent', sent, at: now() });
      }, command.forMs);
      return;
    }
    case 'plays-report': {
      let pending = 0;
      for (const p of players.values()) pending += [...p.batches.values()].reduce((n, b) => n + b.count, 0);
      return send({ ev: 'plays', acked, pending, latencies: ackLatencies, firstAckAt, lastAckAt });
    }
    case 'heartbeat-report': {
      const report = Object.fromEntries(heartbeatLatencies);
      heartbeatLatencies.clear();
      return send({ ev: 'heartbeats', byPhase: report, dropped });
    }
    case 'stop':
      closeAll();
      setTimeout(() => process.exit(0), 500).unref();
      return send({ ev: 'done' });
  }
});

// Bounded in time whatever happens to the orchestrator.
setTimeout(() => process.exit(2), Number(process.env.LOADTEST_MAX_MS ?? 1_800_000)).unref();
process.on('disconnect', () => process.exit(0));
