// One child process of simulated players for `npm run loadtest`: real `ws` clients speaking protocol v1
// (hello, heartbeats, plays, manifest-applied, paired-ack), each bound to a 127.x.y.z source address.
// Driven by the orchestrator (run.ts) over IPC; reports times as `now()` (comparable across processes).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createAppliedAnswer } from '../../player/applied-answer.js';
import { retryDelay } from '../../player/backoff.js';
import { newRecordId } from '../../player/play-records.js';
import { CAPABILITY_COMPACT_MANIFEST, CAPABILITY_MANIFEST_PATCH, CAPABILITY_SHARED_MANIFEST, ManifestPatchMessageSchema, MAX_PLAYS_PER_BATCH, PROTOCOL_VERSION, type ServerMessage } from '../../player/protocol.js';
import { applyPatchFrame, type HeldManifest, type PatchOutcome } from '../../player/manifest-patching.js';
import { contentVersion } from '../../playlists/content-version.js';
import { diffManifest, type Json } from '../../playlists/manifest-patch.js';
import { parseWireManifest, type CompactManifest, type Manifest } from '../../playlists/manifest.schema.js';
import { createSlicedQueue } from '../../server/gateway/sliced-queue.js';
import type { ChildCommand, ChildEvent, PlayerSpec } from './messages.js';
import { createHeartbeatLedger, type PlayerHeartbeats } from './heartbeat-ledger.js';

const now = () => performance.timeOrigin + performance.now();
const send = (event: ChildEvent) => process.send!(event);

interface SimPlayer {
  spec: PlayerSpec;
  socket: WebSocket | null;
  screenId: string | null;
  token: string | null;
  manifestVersion: string | null;
  /** The compact manifest as received (or patched): what a `manifest-patch` applies to. */
  heldManifest: Held | null;
  item: { itemId: string; mediaId: string; hash: string } | null;
  isClosing: boolean;
  heartbeatTimer: NodeJS.Timeout | null;
  /** Its heartbeats awaiting their ack: when and in which phase each was sent. */
  heartbeats: PlayerHeartbeats;
  /** Plays frames awaiting their ack, by the frame's batch number (what the ack names), each carrying one or more batches. */
  inFlight: Map<number, Batch[]>;
  /** Batches refused busy (or made during a hold), sent again when the hold ends, as player/play-records.ts does. */
  held: Batch[];
  /** The server said busy: no plays frame goes out before this (its retryAfterMs plus the player's jitter). */
  holdUntil: number;
  holdTimer: NodeJS.Timeout | null;
  nextBatch: number;
  /** When it answers `manifest-applied`: at once, or spread as the server asks (the browser player's module). */
  appliedAnswer: ReturnType<typeof createAppliedAnswer>;
}

/** One burst or steady send's records: sent at `at` (last attempt), first sent at `firstAt`. */
interface Batch {
  at: number;
  firstAt: number;
  count: number;
  records: unknown[];
}

/** LOADTEST_HEARTBEAT_MS: a probe process (run.ts --probe-players): heartbeats at that interval, no plays. */
const probeHeartbeatMs = Number(process.env.LOADTEST_HEARTBEAT_MS ?? 0);

const players = new Map<number, SimPlayer>();
/** The `appliedSpreadMs` Crier last told a player of this process: the floor's clients spread their answers alike. */
let toldSpreadMs = 0;
let floorSockets: WebSocket[] = [];
let dropped = 0;
let phase = 'idle';
/** Arrival of the first message after a mark, per player index (Crier) or socket index (floor); `seen` outlives collects. */
let marked: { label: string; floor: boolean; arrivals: Map<number, number>; handled: Map<number, number>; seen: Set<number>; bytes: number; handlingMs: number; refusedLogged?: boolean } | null = null;
/**
 * Records the first frame since the mark that a player took: read at `readAt`, its handling started at
 * `handledFrom` (it waited in `deferFrame`'s queue between the two) and ends now.
 */
function arrive(floor: boolean, index: number, readAt: number, handledFrom: number, bytes: number): void {
  if (!marked || marked.floor !== floor || marked.seen.has(index)) return;
  const at = now();
  marked.seen.add(index);
  marked.arrivals.set(index, readAt);
  marked.handled.set(index, at);
  marked.bytes = Math.max(marked.bytes, bytes);
  // This process's time on the frame (taken, answered): what the frames queued behind it wait for.
  marked.handlingMs += at - handledFrom;
}

/**
 * Manifest frames are taken after the read, in slices of at most 5 ms with the event loop turning between them,
 * in the order they were read (the server's own sliced queue). One process reads for thousands of simulated
 * players: taking each frame in the callback that read it made the frames behind it wait in the socket, so a
 * push's 5,000th frame in a process counted as arrived only after 4,999 validations, which no real player,
 * alone on its device, waits for. A frame's arrival is its read; when the simulated players had taken it is
 * reported beside it.
 */
const frameSlices = createSlicedQueue(5);
const deferFrame = (take: () => void) => frameSlices.push(take);
const isManifestFrame = (text: string) => text.startsWith('{"type":"manifest"') || text.startsWith(PATCH_PREFIX);
/** Heartbeat latencies by the phase each was sent in, split at the server's stamp (`serverTime`, same machine clock). */
const heartbeats = createHeartbeatLedger();
/** This process's own event-loop delay per phase: a player process busy reading manifests delays every message it reads. */
const loopDelay = new Map<string, { p50: number; p99: number; max: number }>();
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const closeLoopPhase = () => {
  if (loop.count) loopDelay.set(phase, { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 });
  loop.reset();
};
/** The latest manifest frame as received, so the floor can send the very same bytes. */
let lastManifestText = '';
let ackLatencies: number[] = [];
let endToEnd: number[] = [];
/** Records answered busy (each resend counted again), and how many such answers. */
let busy = 0;
let busyReplies = 0;
let acked = 0;
let firstAckAt = 0;
let lastAckAt = 0;
let steadyTimers: NodeJS.Timeout[] = [];

/**
 * LOADTEST_LEAN=1: a frame whose manifest version this process has parsed before is not parsed again
 * (Crier's and the floor's clients alike). One real player parses one manifest on its own device; 2,500
 * simulated ones parsing the same 26 KB each on one shared core measure the simulator, not the server.
 */
const isLean = process.env.LOADTEST_LEAN === '1';

// manifests helper's block: players say `compact-manifest` as the real player does, unless --full-manifests.
const isFull = process.env.LOADTEST_FULL_MANIFESTS === '1';
/** Whole manifests are validated as the browser player validates them (patched ones always are), unless LOADTEST_VALIDATE=0. */
const isValidating = process.env.LOADTEST_VALIDATE !== '0';
const validated = new WeakSet<object>();
const isPatching = !isFull && process.env.LOADTEST_NO_PATCHES !== '1';
const capabilities = ['text', 'image', 'video', 'audio', CAPABILITY_SHARED_MANIFEST, ...(isFull ? [] : [CAPABILITY_COMPACT_MANIFEST]), ...(isPatching ? [CAPABILITY_MANIFEST_PATCH] : [])];
/**
 * A patch frame as the browser player takes it: the frame checked against the protocol schema, applied to the
 * manifest held, the result validated and expanded as a whole manifest (player/manifest-patching.ts).
 * Lean players do it once per (held manifest, frame) in a process.
 */
const patchedByHeld = new WeakMap<object, Map<string, PatchOutcome>>();
function patched(held: HeldManifest | null, text: string, json: unknown): PatchOutcome {
  const cache = held && typeof held.wire === 'object' && held.wire ? (patchedByHeld.get(held.wire) ?? patchedByHeld.set(held.wire, new Map()).get(held.wire)!) : null;
  const cached = cache?.get(text);
  if (cached && isLean) return cached;
  const frame = ManifestPatchMessageSchema.safeParse(json);
  const outcome: PatchOutcome = frame.success ? applyPatchFrame(held, frame.data) : { ok: false, reason: 'does-not-fit' };
  // Every player does the work; the result is kept once per process (one real player holds one manifest on
  // its own device: thousands of equal copies in one heap would measure the simulator's garbage collector).
  if (cached?.ok && outcome.ok) return cached;
  cache?.set(text, outcome);
  return outcome;
}
/**
 * What a player holds for the next patch: a whole manifest's frame is held as its text, parsed when a patch
 * comes; a patched one as the result. A real player holds one parsed manifest on its own device; 5,000 simulated
 * ones held 5,000 different parsed manifests a process when rules all differ, object graphs its collector had to
 * go through (docs/scaling.md, fourteenth session). A patch after a whole frame costs the simulator one more
 * JSON.parse than it costs a player.
 */
type Held = HeldManifest | { version: string; text: string };
function parsedHeld(held: Held | null): HeldManifest | null {
  if (!held || !('text' in held)) return held;
  // Players that got the same frame parse it once between them, as they shared one parsed copy before.
  const wire = heldByText.get(held.text) ?? heldWire(held.text, (JSON.parse(held.text) as { manifest: Json }).manifest);
  return { version: held.version, wire };
}
/** Whole manifests held for patches, one object per frame text (as above: equal copies are not kept apart). */
const heldByText = new Map<string, Json>();
function heldWire(text: string, wire: Json): Json {
  const kept = heldByText.get(text);
  if (kept !== undefined) return kept;
  if (heldByText.size > 100) heldByText.clear();
  heldByText.set(text, wire);
  return wire;
}
/** The item airing when the manifest was built, from either form (not expanded: a player process reads thousands). */
function firstItem(m: Manifest | CompactManifest): Manifest['items'][number] | undefined {
  return 'itemsLoop' in m ? m.timeline.items[m.timeline.loops[m.itemsLoop]?.[0] ?? -1] : m.items[0];
}
// end of the manifests helper's block
type Taken = { ok: true; version: string; held: Held | null; first: Manifest['items'][number] | undefined } | { ok: false; reason: string };
/**
 * What a player does with a manifest or a patch frame before it answers `manifest-applied`, as the browser
 * player does (validated and expanded; a patch applied to the manifest held). Crier's clients and the floor's
 * clients both go through here, so a floor sending Crier's own frame costs its clients what Crier's frame costs.
 */
function takeManifest(held: Held | null, text: string, message: ServerMessage): Taken {
  if (message.type === 'manifest-patch') {
    const outcome = patched(parsedHeld(held), text, message);
    if (!outcome.ok) return { ok: false, reason: `patch refused (${outcome.reason})` };
    return { ok: true, version: outcome.held.version, held: outcome.held, first: outcome.manifest.items[0] };
  }
  if (message.type !== 'manifest') return { ok: false, reason: `not a manifest (${message.type})` };
  // Validated as the browser player does unless --parse-only (lean players: once per frame object).
  if (isValidating && !validated.has(message.manifest) && !parseWireManifest(message.manifest).success) return { ok: false, reason: 'invalid manifest' };
  if (isValidating && isLean) validated.add(message.manifest);
  const version = message.manifest.version;
  // The wire form as received (not expanded), kept as the frame's text: patches apply to it.
  return { ok: true, version, held: isPatching ? { version, text } : null, first: firstItem(message.manifest as Manifest | CompactManifest) };
}
/**
 * The frames each push's mark saw, counted by their digest (how many players got each; only the text of the one
 * ahead is kept, where every frame of a push to 10,000 different screens was kept whole), and the manifests held before patch
 * frames by version: the floor sends the commonest frame to clients holding what Crier's players held before it.
 */
const pushFrames = new Map<string, { counts: Map<string, number>; leader: { text: string; count: number }; bases: Map<string, Held> }>();
const PATCH_PREFIX = '{"type":"manifest-patch"';
function notePushFrame(label: string, text: string, held: Held | null): void {
  const seen = pushFrames.get(label) ?? pushFrames.set(label, { counts: new Map(), leader: { text: '', count: 0 }, bases: new Map() }).get(label)!;
  const digest = contentVersion(text);
  const count = (seen.counts.get(digest) ?? 0) + 1;
  seen.counts.set(digest, count);
  if (count > seen.leader.count) seen.leader = { text, count };
  if (held && text.startsWith(PATCH_PREFIX) && !seen.bases.has(held.version)) seen.bases.set(held.version, held);
}
/** What each floor socket holds (a patch applies to it), as a Crier player holds its manifest. */
let floorHeld: (Held | null)[] = [];
let isWarm = false;
/**
 * Runs this process's frame handling a few hundred times on the manifest its players got (and on a patch of it)
 * before anything is measured: otherwise the first push pays the JIT's warm-up of thousands of simulated players
 * (one real player pays it once, for one frame) and the floor's rounds, which come later, do not.
 */
function warmUp(): void {
  if (isWarm || !lastManifestText) return;
  isWarm = true;
  const whole = (JSON.parse(lastManifestText) as { manifest: Record<string, Json> & { version: string } }).manifest;
  const held: HeldManifest = { version: whole.version, wire: whole };
  const patch = diffManifest(whole, { ...whole, version: `${whole.version}-warm` });
  const text = JSON.stringify({ type: 'manifest-patch', base: whole.version, patch });
  for (let k = 0; k < 300; k++) {
    takeManifest(null, lastManifestText, JSON.parse(lastManifestText) as ServerMessage);
    applyPatchFrame(held, ManifestPatchMessageSchema.parse(JSON.parse(text)));
  }
}
const MANIFEST_PREFIX = '{"type":"manifest","manifest":{"version":"';
const parsedByVersion = new Map<string, unknown>();
function parseFrame(text: string): unknown {
  if (!isLean || !text.startsWith(MANIFEST_PREFIX)) return JSON.parse(text);
  const version = text.slice(MANIFEST_PREFIX.length, text.indexOf('"', MANIFEST_PREFIX.length));
  let parsed = parsedByVersion.get(version);
  if (parsed === undefined) {
    if (parsedByVersion.size > 100) parsedByVersion.clear();
    parsedByVersion.set(version, (parsed = JSON.parse(text)));
  }
  return parsed;
}

/** A manifest or patch frame read at `readAt`, taken as the browser player takes it (parsed here unless `parsed`). */
function takeManifestFrame(p: SimPlayer, text: string, parsed: ServerMessage | null, readAt: number): void {
  const handledFrom = parsed ? readAt : now();
  const message = parsed ?? (parseFrame(text) as ServerMessage);
  if (message.type !== 'manifest' && message.type !== 'manifest-patch') return;
  if (marked && !marked.floor) notePushFrame(marked.label, text, p.heldManifest);
  const taken = takeManifest(p.heldManifest, text, message);
  if (!taken.ok) {
    send({ ev: 'log', text: `player ${p.spec.index}: ${taken.reason}, asking for the whole manifest` });
    if (taken.reason !== 'invalid manifest') p.socket?.send(JSON.stringify({ type: 'manifest-wanted', version: p.manifestVersion }));
    return;
  }
  if (message.type === 'manifest') lastManifestText = text;
  p.heldManifest = taken.held;
  p.manifestVersion = taken.version;
  if (taken.first) p.item = { itemId: taken.first.id, mediaId: taken.first.mediaId, hash: taken.first.hash };
  p.appliedAnswer.applied(taken.version);
  arrive(false, p.spec.index, readAt, handledFrom, text.length);
}

function onServerMessage(p: SimPlayer, raw: WebSocket.RawData): void {
  const at = now();
  const text = raw.toString();
  if (isManifestFrame(text)) return deferFrame(() => takeManifestFrame(p, text, null, at));
  const message = parseFrame(text) as ServerMessage;
  switch (message.type) {
    case 'welcome':
      // Answers to a push spread as the server asks, as the browser player does (player/applied-answer.ts).
      p.appliedAnswer.told(message.appliedSpreadMs, true);
      toldSpreadMs = p.appliedAnswer.spreadMs;
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
    case 'manifest-patch':
    case 'manifest':
      return takeManifestFrame(p, text, message, at);
    case 'heartbeat-ack': {
      p.appliedAnswer.told(message.appliedSpreadMs);
      toldSpreadMs = p.appliedAnswer.spreadMs;
      if (message.echo) p.heartbeats.acked(message.echo, at, message.serverTime);
      return;
    }
    case 'plays-ack': {
      // The frame the ack names (the oldest in flight for a server that names none).
      const number = message.batch ?? p.inFlight.keys().next().value;
      const frame = number === undefined ? undefined : p.inFlight.get(number);
      if (!frame) return;
      p.inFlight.delete(number!);
      if (message.busy) {
        // As player/play-records.ts: nothing goes out before retryAfterMs plus up to a quarter more at random, then it is resent.
        for (const b of frame) busy += b.count;
        busyReplies++;
        p.held.push(...frame);
        hold(p, now() + retryDelay(message.retryAfterMs ?? 30_000));
        return;
      }
      for (const b of frame) {
        ackLatencies.push(at - b.at);
        endToEnd.push(at - b.firstAt);
        acked += b.count;
      }
      firstAckAt ||= at;
      lastAckAt = at;
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
  if (probeHeartbeatMs) intervalMs = probeHeartbeatMs;
  const beat = () => {
    if (p.socket?.readyState !== WebSocket.OPEN) return;
    const sentAt = new Date().toISOString();
    // One per millisecond per player at most: the echo pairs the ack with its send time.
    p.heartbeats.sent(sentAt, now(), phase);
    p.socket.send(JSON.stringify({ type: 'heartbeat', sentAt, airing: null, manifestVersion: p.manifestVersion, uptimeMs: Math.round(performance.now()), playerVersion: 'loadtest' }));
  };
  // A random phase, as a real fleet's heartbeats spread over the interval.
  p.heartbeatTimer = setTimeout(() => {
    beat();
    p.heartbeatTimer = setInterval(beat, intervalMs);
  }, Math.random() * intervalMs);
}

type Outcome = 'ok' | 'failed' | 'refused';
/**
 * An upgrade that gets no answer fails after this (ws waits forever by default). A run once hung in the floor
 * phase for minutes (cause not found; a socket that neither opens nor fails is one way to get there).
 */
const HANDSHAKE_TIMEOUT_MS = 60_000;

function connect(p: SimPlayer, url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { localAddress: p.spec.localAddress, perMessageDeflate: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    // The server is behind (503): not a failure, a later attempt is expected to succeed.
    socket.on('unexpected-response', (_request, response) => {
      response.resume();
      resolve(response.statusCode === 503 ? 'refused' : 'failed');
      socket.terminate();
    });
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
          capabilities,
          screen: { width: 1920, height: 1080, pixelRatio: 1 },
          manifestVersion: p.manifestVersion,
        }),
      );
    });
    socket.on('message', (raw) => {
      onServerMessage(p, raw);
      resolve('ok');
    });
    socket.on('error', (error) => {
      if (!isOpen && !/Unexpected server response: 503/.test(error.message)) {
        send({ ev: 'log', text: `player ${p.spec.index}: ${error.message}` });
        resolve('failed');
      }
    });
    socket.on('close', (code) => {
      if (p.heartbeatTimer) clearTimeout(p.heartbeatTimer);
      if (!p.isClosing && isOpen) {
        dropped++;
        send({ ev: 'log', text: `player ${p.spec.index} dropped (close ${code})` });
      }
      resolve('failed');
    });
  });
}

/** Opens sockets `concurrency` at a time; resolves with how many got a first answer. Refused ones retry as the browser player does (full-jitter backoff). */
async function connectAll(specs: PlayerSpec[], url: string, concurrency: number): Promise<{ ok: number; failed: number; refused: number }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let refused = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      let p = players.get(spec.index);
      if (!p) {
        const appliedAnswer = createAppliedAnswer({ send: (version) => players.get(spec.index)?.socket?.send(JSON.stringify({ type: 'manifest-applied', version })) });
        p = { spec, socket: null, screenId: spec.screenId ?? null, token: spec.token ?? null, manifestVersion: null, heldManifest: null, item: null, isClosing: false, heartbeatTimer: null, heartbeats: heartbeats.player(), inFlight: new Map(), held: [], holdUntil: -Infinity, holdTimer: null, nextBatch: 1, appliedAnswer };
        players.set(spec.index, p);
      }
      let outcome = await connect(p, url);
      for (let attempt = 0; outcome === 'refused' && attempt < 8; attempt++) {
        refused++;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(30_000, 1000 * 2 ** attempt)));
        outcome = await connect(p, url);
      }
      if (outcome === 'ok') ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, failed, refused };
}

/** One plays frame carrying `batches`, numbered as the real player numbers its frames (a resend is a new number). */
function sendFrame(p: SimPlayer, batches: Batch[]): void {
  const number = p.nextBatch++;
  const at = now();
  for (const b of batches) b.at = at;
  p.inFlight.set(number, batches);
  p.socket!.send(JSON.stringify({ type: 'plays', batch: number, records: batches.flatMap((b) => b.records) }));
}

/** Holds plays until `until` (the latest hold wins), then sends what is held in frames of at most MAX_PLAYS_PER_BATCH records. */
function hold(p: SimPlayer, until: number): void {
  p.holdUntil = Math.max(p.holdUntil, until);
  if (p.holdTimer) return;
  const wake = () => {
    p.holdTimer = null;
    if (now() < p.holdUntil) return void (p.holdTimer = setTimeout(wake, p.holdUntil - now() + 1));
    if (p.socket?.readyState !== WebSocket.OPEN) return;
    let frame: Batch[] = [];
    let records = 0;
    for (const b of p.held.splice(0)) {
      if (records + b.count > MAX_PLAYS_PER_BATCH && frame.length) (sendFrame(p, frame), (frame = []), (records = 0));
      frame.push(b);
      records += b.count;
    }
    if (frame.length) sendFrame(p, frame);
  };
  p.holdTimer = setTimeout(wake, p.holdUntil - now() + 1);
}

function sendPlays(p: SimPlayer, count: number): boolean {
  if (probeHeartbeatMs || !p.item || !p.manifestVersion || p.socket?.readyState !== WebSocket.OPEN) return false;
  const end = Date.now();
  const records = Array.from({ length: count }, () => ({
    // The player's own ids (time-ordered), as a real player's records carry.
    id: newRecordId(),
    ...p.item!,
    manifestVersion: p.manifestVersion!,
    startedAt: new Date(end - 10_000).toISOString(),
    endedAt: new Date(end).toISOString(),
    completed: true,
  }));
  const at = now();
  const batch: Batch = { at, firstAt: at, count, records };
  // Held by an earlier busy answer: it goes with the held ones when the hold ends.
  if (at < p.holdUntil) p.held.push(batch);
  else sendFrame(p, [batch]);
  return true;
}

function closeAll(): void {
  for (const p of players.values()) {
    p.isClosing = true;
    if (p.heartbeatTimer) clearTimeout(p.heartbeatTimer);
    if (p.holdTimer) clearTimeout(p.holdTimer);
    p.socket?.close();
  }
  for (const s of floorSockets) s.close();
}

process.on('message', async (command: ChildCommand) => {
  switch (command.cmd) {
    case 'connect': {
      const started = now();
      const result = await connectAll(command.players, command.url, command.concurrency);
      warmUp();
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
              const socket = new WebSocket(command.url, { localAddress, perMessageDeflate: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
              const floorAnswer = createAppliedAnswer({ send: (version) => socket.send(JSON.stringify({ type: 'manifest-applied', version })) });
              socket.on('open', () => resolve());
              socket.on('error', () => (failed++, resolve()));
              socket.on('message', (raw) => {
                const at = now();
                // Parsed as a player parses a manifest; Crier's own frames are taken and answered as Crier's clients
                // take and answer them, so the floor's clients do the same work (padding is only parsed), after the
                // read as theirs are.
                const text = (raw as Buffer).toString();
                const bytes = (raw as Buffer).length;
                deferFrame(() => {
                  const handledFrom = now();
                  const message = parseFrame(text) as ServerMessage;
                  if (message.type === 'manifest' || message.type === 'manifest-patch') {
                    const taken = takeManifest(floorHeld[i] ?? null, text, message);
                    if (taken.ok) {
                      floorHeld[i] = taken.held;
                      // Spread as this process's Crier players were told: the same client work as theirs.
                      floorAnswer.told(toldSpreadMs);
                      floorAnswer.applied(taken.version);
                    } else if (marked && !marked.refusedLogged) {
                      // The floor's clients would then do less than Crier's: said, not hidden.
                      marked.refusedLogged = true;
                      send({ ev: 'log', text: `floor client ${i}: ${taken.reason} (the floor's clients do less than Crier's this round)` });
                    }
                  }
                  arrive(true, i, at, handledFrom, bytes);
                });
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
      closeLoopPhase();
      phase = command.phase;
      return send({ ev: 'done' });
    case 'sample':
    {
      const { text, count } = command.label ? (pushFrames.get(command.label)?.leader ?? { text: '', count: 0 }) : { text: lastManifestText, count: 1 };
      return send({ ev: 'sample', text, count });
    }
    case 'mark':
      marked = { label: command.label, floor: command.floor, arrivals: new Map(), handled: new Map(), seen: new Set(), bytes: 0, handlingMs: 0 };
      // A floor sending a push's own frame: every floor socket holds what Crier's players held before that push.
      if (command.floor) floorHeld = floorSockets.map(() => (command.base ? (pushFrames.get(command.base.label)?.bases.get(command.base.version) ?? null) : null));
      return send({ ev: 'done' });
    case 'collect': {
      // Arrivals so far are handed over; the mark stays, so nothing arriving meanwhile is missed.
      const arrivals = marked ? [...marked.arrivals] : [];
      const handled = marked ? [...marked.handled] : [];
      const bytes = marked?.bytes ?? 0;
      marked?.arrivals.clear();
      marked?.handled.clear();
      return send({ ev: 'arrivals', arrivals, handled, bytes, handlingMs: Math.round(marked?.handlingMs ?? 0) });
    }
    case 'burst': {
      ackLatencies = [];
      endToEnd = [];
      busy = busyReplies = 0;
      acked = 0;
      firstAckAt = 0;
      // Sent a hundred players at a time, the loop turning between: in one synchronous pass this process
      // stalled 0.6-1.6 s (ids, JSON, 2,500 sends), and every heartbeat ack read meanwhile counted that
      // stall as the server's. A real fleet's players each send their own on their own device.
      const at = now();
      const all = [...players.values()];
      let sent = 0;
      for (let i = 0; i < all.length; i += 100) {
        for (const p of all.slice(i, i + 100)) if (sendPlays(p, command.records)) sent += command.records;
        await new Promise((r) => setImmediate(r));
      }
      return send({ ev: 'sent', sent, at });
    }
    case 'steady': {
      ackLatencies = [];
      endToEnd = [];
      busy = busyReplies = 0;
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
      for (const p of players.values()) for (const b of [...[...p.inFlight.values()].flat(), ...p.held]) pending += b.count;
      return send({ ev: 'plays', acked, pending, latencies: ackLatencies, endToEnd, busy, busyReplies, firstAckAt, lastAckAt });
    }
    case 'heartbeat-report': {
      closeLoopPhase();
      return send({ ev: 'heartbeats', ...heartbeats.report(), loopDelay: Object.fromEntries(loopDelay), dropped });
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
