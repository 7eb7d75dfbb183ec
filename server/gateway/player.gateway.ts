// The player WebSocket (/ws/player): validates every frame, identifies the screen on hello,
// pushes manifests, stores heartbeats and play records (acknowledged only once durable).
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/websocket';
import type { RawData, WebSocket } from 'ws';
import {
  CAPABILITY_COMPACT_MANIFEST,
  CAPABILITY_MANIFEST_PATCH,
  CAPABILITY_SHARED_MANIFEST,
  CLOSE_POLICY_VIOLATION,
  CLOSE_PROTOCOL_VERSION,
  CLOSE_UNAUTHORISED,
  HeartbeatSchema,
  PlayerMessageSchema,
  PlaysBatchSchema,
  PlaysSchema,
  PROTOCOL_VERSION,
  type AiringFrame,
  type PlayerMessage,
  type ServerMessage,
} from '../../player/protocol.js';
import type { Clock } from '../clock.js';
import type { ManifestPublisher } from '../services/manifest.publisher.js';
import type { ScreensService } from '../services/screens.service.js';
import type { PairingService } from '../pairing/pairing.service.js';
import type { AiringLog } from '../storage/airing.store.js';
import { acceptCheckOf } from './accept-check.js';
import { createFaultLog } from './client-faults.js';
import { createHeartbeatPacer, createTokenBucket, FRAME_BURST, FRAMES_PER_SECOND } from './connection-limits.js';
import { createPlayLimits, type PlayLimitSettings } from './play-limits.js';
import type { Metrics } from '../ops/metrics.js';
import type { Presence, PlayerSession } from './presence.js';
import { createSendQueue, DEFAULT_SEND_LIMITS, type SendQueue } from './send-queue.js';
import { isDiskFull } from '../storage/disk-space.js';
import type { EventLoopWatch } from '../ops/event-loop.js';
import { CONNECT_RETRY_AFTER_SECONDS, createOverload } from './overload.js';
import { createPlaysAdmission, type PlaysAdmissionLimits } from './plays-admission.js';
import { createPlaysIntake, type PlaysConnection, type PlaysIntake } from './plays-intake.js';
import { createFrameQueue, DEFAULT_FRAME_QUEUE, type FrameLane, type FrameQueue, type FrameQueueLimits } from './frame-queue.js';
import { createSlicedQueue } from './sliced-queue.js';
import { appliedSpreadFor, SPREAD_RETELL_MS } from './applied-spread.js';

/** Violations tolerated per connection before it is closed with a policy code. */
export const MAX_VIOLATIONS = 5;
export const HELLO_TIMEOUT_MS = 10_000;
/** Largest frame accepted: a full batch of play records fits with room to spare. */
export const PLAYER_WS_MAX_PAYLOAD = 1 << 20;
/** A connection nothing was heard from for this long is pinged, and ended when the next tick finds it still silent. */
export const PING_INTERVAL_MS = 30_000;

export interface PlayerGatewayDeps {
  presence: Presence;
  screens: ScreensService;
  pairing: PairingService;
  publisher: ManifestPublisher;
  airingLog: AiringLog;
  clock: Clock;
  heartbeatIntervalMs: number;
  /** PING_INTERVAL_MS unless given (tests). */
  pingIntervalMs?: number;
  timeZone: string;
  /** What unclaimed players show (CRIER_UNCLAIMED_DISPLAY), told in their welcome. */
  unclaimedDisplay: 'campaign' | 'code-only';
  /** Told when what the console shows changed: a screen came or went, or plays were stored. */
  onActivity?: (topic: 'screens' | 'plays') => void;
  /** Told when an item goes on air at a player (the `airing` frame). */
  onAiring?: (screenId: string, frame: AiringFrame) => void;
  /** How many play records a screen may store (docs/protocol.md, Limits). */
  playLimits: PlayLimitSettings;
  /** Counts manifests pushed, plays acknowledged and work refused for /metrics. */
  metrics?: Pick<Metrics, 'manifestPushed' | 'playsAcknowledged' | 'shed'>;
  /** When to refuse new work (server/gateway/overload.ts): after a stall of lagMs, or past the plays bound. */
  shedding: { lagMs: number; plays: PlaysAdmissionLimits };
  /** Which frames wait their turn and how long a turn is (server/gateway/frame-queue.ts). */
  frameQueue?: FrameQueueLimits;
  eventLoop?: Pick<EventLoopWatch, 'stalledWithin'>;
  /** Players spread their answers to a push over this many ms per connected player (applied-spread.ts; default 0.15). */
  appliedSpreadMsPerPlayer?: number;
}

/**
 * The frequent frames (plays, heartbeats) that zod would take as they are skip it: the same checks, read from
 * the schemas, without zod's cost (accept-check.ts); anything else, and every error message, is zod's.
 */
const isPlaysAsIs = acceptCheckOf(PlaysSchema, 'plays');
const isHeartbeatAsIs = acceptCheckOf(HeartbeatSchema, 'heartbeat');
const isTakenAsIs = (json: unknown): json is PlayerMessage => {
  const type = (json as { type?: unknown } | null)?.type;
  return type === 'plays' ? isPlaysAsIs(json) : type === 'heartbeat' && isHeartbeatAsIs(json);
};

const byteLength = (data: RawData) => (Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength);

let nextSessionId = 1;

export function registerPlayerGateway(app: FastifyInstance, deps: PlayerGatewayDeps): void {
  const { presence, screens, airingLog, clock } = deps;
  const playLimits = createPlayLimits({ airingLog, settings: deps.playLimits });
  // Every screen's last play read once before the first connection, not one read per screen in a burst.
  app.addHook('onReady', () => playLimits.preload(screens.list().map((s) => s.id)));
  const heartbeats = createHeartbeatPacer(deps.heartbeatIntervalMs);
  const appliedSpread = () => appliedSpreadFor(presence.connectedScreens, deps.appliedSpreadMsPerPlayer);
  // One queue for the whole gateway: a burst from thousands of players is read in slices, not in one stall.
  // One turn's slice for the frames and the acks, acks first (bursts helper's lines).
  const turns = createSlicedQueue((deps.frameQueue ?? DEFAULT_FRAME_QUEUE).sliceMs);
  const frameQueue = createFrameQueue(deps.frameQueue ?? DEFAULT_FRAME_QUEUE, undefined, turns);
  const admission = createPlaysAdmission(deps.shedding.plays);
  const overload = createOverload({ eventLoop: deps.eventLoop, lagMs: deps.shedding.lagMs, plays: admission, log: app.log, onRefused: deps.metrics?.shed });
  const acks = { push: (task: () => void) => turns.push(task, true) };
  const plays = createPlaysIntake({ screens, airingLog, clock, playLimits, admission, overload, metrics: deps.metrics, onActivity: deps.onActivity, acks });

  // Behind: a new connection is refused before the upgrade (the player backs off and returns), not queued behind the stall.
  const refuseWhenBehind = async (_request: unknown, reply: FastifyReply) => {
    const reason = overload.reason();
    if (!reason) return;
    overload.refused('connection', 1, reason);
    return reply
      .code(503)
      .header('retry-after', String(CONNECT_RETRY_AFTER_SECONDS))
      .send({ statusCode: 503, reason: 'server-busy', message: `服务器繁忙，请 ${CONNECT_RETRY_AFTER_SECONDS} 秒后重连 / server busy: reconnect in ${CONNECT_RETRY_AFTER_SECONDS} s` });
  };

  const gateway: Gateway = { deps, heartbeats, frameQueue, plays, appliedSpread };
  app.get('/ws/player', { websocket: true, schema: { hide: true }, onRequest: refuseWhenBehind }, (socket: WebSocket, request) => {
    new PlayerConnection(socket, request, gateway);
  });

  app.addHook('onClose', async () => {
    for (const s of presence.allSessions()) s.send({ type: 'error', reason: 'server-shutdown', message: 'server is restarting' });
  });
}

/** What every connection of the gateway shares. */
interface Gateway {
  readonly deps: PlayerGatewayDeps;
  readonly heartbeats: ReturnType<typeof createHeartbeatPacer>;
  readonly frameQueue: FrameQueue;
  readonly plays: PlaysIntake;
  /** The `appliedSpreadMs` players are told now (0: answer at once). */
  appliedSpread(): number;
}

/**
 * One player's connection: its state and what it does with each frame. A class rather than closures made per
 * connection: under tsx (esbuild's `keepNames`) every named function made per connection carried a property
 * dictionary of its own, ~250 B each and ~3 KB a player (docs/scaling.md, eleventh session). It is the plays
 * intake's connection too: a plays batch makes no object of its own.
 */
class PlayerConnection implements PlaysConnection {
  private session: PlayerSession | null = null;
  private isHelloPending = false;
  private violations = 0;
  /** A frame or a pong came since the last ping tick; a ping went out and nothing was heard since. */
  private isHeard = true;
  private isPinged = false;
  /** The `appliedSpreadMs` this player was told last (0: none, it answers at once). */
  private toldSpreadMs = 0;
  private readonly log: FastifyBaseLogger;
  private faultLog: ReturnType<typeof createFaultLog> | null = null;
  private readonly queue: SendQueue;
  private readonly frames = createTokenBucket(FRAME_BURST, FRAMES_PER_SECOND, Date.now);
  private readonly lane: FrameLane;
  private readonly helloTimer: NodeJS.Timeout;
  private readonly pingTimer: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly request: FastifyRequest,
    private readonly gateway: Gateway,
  ) {
    this.log = request.log.child({ ws: 'player' });
    // The upgrade request's TCP socket: a shared manifest is written to it as one ready frame (send-queue.ts),
    // only when it is the very stream ws writes to (ws's own field; otherwise everything goes through ws).
    const wire = (socket as unknown as { _socket?: unknown })._socket === request.raw.socket ? request.raw.socket : undefined;
    this.queue = createSendQueue(
      socket,
      DEFAULT_SEND_LIMITS,
      (bufferedBytes) => this.log.warn({ screenId: this.session?.screenId, bufferedBytes }, '播放器读取过慢，断开连接 / player not reading: connection ended'),
      wire,
    );
    this.lane = gateway.frameQueue.lane(() => socket.pause(), () => socket.resume());
    this.helloTimer = setTimeout(() => {
      if (!this.session) socket.close(CLOSE_POLICY_VIOLATION, 'hello expected');
    }, HELLO_TIMEOUT_MS);
    // Only a silent connection is pinged: players heartbeat about as often as the tick, and pinging every
    // one of 10,000 players each tick was 333 more sends and pong reads a second (a few % of the main
    // thread at idle and in bursts: docs/scaling.md, eighteenth session). A dead link is still ended
    // within three ticks of its last frame.
    this.pingTimer = setInterval(() => {
      if (this.isHeard) {
        this.isHeard = this.isPinged = false;
        return;
      }
      if (this.isPinged) return socket.terminate();
      this.isPinged = true;
      socket.ping();
    }, gateway.deps.pingIntervalMs ?? PING_INTERVAL_MS);
    socket.on('pong', () => (this.isHeard = true));
    socket.on('close', () => this.closed());
    // Attached synchronously, before any await, so no early frame is missed. Large frames wait their turn.
    socket.on('message', (data, isBinary) => this.received(data, isBinary));
  }

  /** The screen whose plays this connection carries (plays are taken only after its hello). */
  get screenId(): string {
    return this.session!.screenId;
  }

  send(message: ServerMessage): void {
    this.queue.send(JSON.stringify(message));
    if (message.type === 'manifest') this.gateway.deps.metrics?.manifestPushed();
  }

  /** A client fault, logged once per connection and kind (the log of them made at the first: most players make none). */
  fault(kind: string, details?: Record<string, unknown>): void {
    (this.faultLog ??= createFaultLog(this.log))(kind, details);
  }

  /** The screen was revoked since its hello. */
  revoked(): void {
    this.send({ type: 'unauthorised', reason: 'revoked', message: '此屏幕的授权已被吊销 / this screen\'s authorisation was revoked' });
    this.socket.close(CLOSE_UNAUTHORISED, 'revoked');
  }

  private violation(reason: string, message: string): void {
    this.violations++;
    this.fault(reason, { message });
    this.send({ type: 'error', reason, message });
    if (this.violations >= MAX_VIOLATIONS) {
      this.log.info({ reason, violations: this.violations }, 'closing player connection after repeated protocol violations');
      this.socket.close(CLOSE_POLICY_VIOLATION, 'too many protocol violations');
    }
  }

  private closed(): void {
    this.lane.isClosed = true;
    clearTimeout(this.helloTimer);
    clearInterval(this.pingTimer);
    this.queue.close();
    const { session } = this;
    if (!session) return;
    this.gateway.deps.presence.remove(session);
    this.gateway.deps.onActivity?.('screens');
    this.log.info({ screenId: session.screenId }, 'player disconnected');
  }

  private received(data: RawData, isBinary: boolean): void {
    this.isHeard = true;
    if (!this.frames.take()) return this.violation('too-many-frames', `每秒最多 ${FRAMES_PER_SECOND} 帧 / at most ${FRAMES_PER_SECOND} frames a second`);
    if (isBinary) return this.violation('binary-frame', 'frames must be JSON text');
    this.gateway.frameQueue.take(this.lane, byteLength(data), (waitedMs) => this.onFrame(data, waitedMs));
  }

  /** One text frame, parsed and validated; `waitedMs`: how long it waited to be read (counts against a plays batch's wait). */
  private onFrame(data: RawData, waitedMs: number): void {
    const { plays } = this.gateway;
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return this.violation('invalid-json', 'frame is not valid JSON');
    }
    // Another version is a number other than ours; a hello without one (or with "1") is malformed (docs/protocol.md).
    const protocol = (json as { protocol?: unknown } | null)?.protocol;
    if ((json as { type?: unknown })?.type === 'hello' && typeof protocol === 'number' && protocol !== PROTOCOL_VERSION) {
      this.send({ type: 'error', reason: 'unsupported-protocol', message: `this server speaks protocol ${PROTOCOL_VERSION}` });
      return this.socket.close(CLOSE_PROTOCOL_VERSION, 'unsupported protocol version');
    }
    // Behind: a plays batch is refused before it costs a validation (nothing of it is stored, so nothing needs checking).
    const records = (json as { type?: unknown } | null)?.type === 'plays' ? (json as { records?: unknown }).records : undefined;
    if (this.session && Array.isArray(records) && plays.isFull(records.length, waitedMs)) {
      const batch = PlaysBatchSchema.safeParse((json as { batch?: unknown }).batch);
      return plays.refuseBusy(this, records.length, batch.success ? batch.data : undefined, waitedMs);
    }
    const parsed = isTakenAsIs(json) ? { success: true as const, data: json } : PlayerMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.violation('invalid-message', `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`);
    }
    // The answers to a push come 10,000 at once: handled here, without an async call's promises each.
    if (parsed.data.type === 'manifest-applied' && this.session) return this.applied(this.session, parsed.data.version);
    this.handle(parsed.data, waitedMs).catch((error: unknown) => this.failed(error));
  }

  private failed(error: unknown): void {
    // A full disk is the server's to fix; the player keeps its records and resends them (nothing is acknowledged).
    if (isDiskFull(error)) {
      this.log.warn({ err: error }, '磁盘已满，播放记录待重发 / disk full: plays wait for a resend');
      return this.send({ type: 'error', reason: 'disk-full', message: '服务器磁盘已满，记录会在重发时保存 / the server\'s disk is full: the records will be stored when resent' });
    }
    this.log.error({ err: error }, 'player message failed');
    this.send({ type: 'error', reason: 'internal', message: 'the server could not process this message; it will be accepted when resent' });
  }

  private applied(player: PlayerSession, version: string): void {
    this.gateway.deps.publisher.applied(player, version);
    // Debug only: 10,000 players applying a change would write 10,000 lines.
    this.log.debug({ screenId: player.screenId, version }, 'manifest applied');
  }

  private async handle(message: PlayerMessage, waitedMs: number): Promise<void> {
    if (message.type === 'hello') return this.hello(message);
    const { session } = this;
    if (!session) return this.violation('hello-required', 'send hello first');
    const { deps } = this.gateway;
    switch (message.type) {
      case 'heartbeat':
        return this.heartbeat(session, message);
      case 'plays':
        return this.gateway.plays.take(this, message, waitedMs);
      case 'airing': {
        // What just went on air: shown by consoles at once (coalesced per screen by the hub).
        const { itemId, mediaId, startedAt, isAlert } = message;
        session.airing = { itemId, mediaId, startedAt };
        session.isAlertAiring = isAlert;
        deps.onAiring?.(session.screenId, message);
        return;
      }
      case 'manifest-applied':
        return this.applied(session, message.version);
      case 'manifest-wanted':
        // A patch it could not use: once per connection in the log, the whole manifest every time.
        this.fault('manifest-wanted', { version: message.version });
        deps.publisher.resendWhole(session);
        return;
      case 'paired-ack':
        if (message.screenId === session.screenId) await deps.pairing.confirmPaired(session.screenId);
        return;
      case 'command-ack':
        this.log.info({ screenId: session.screenId, commandId: message.commandId }, 'command acknowledged');
        return;
    }
  }

  private async hello(message: Extract<PlayerMessage, { type: 'hello' }>): Promise<void> {
    if (this.session || this.isHelloPending) return this.violation('duplicate-hello', 'hello was already received on this connection');
    this.isHelloPending = true;
    const { deps } = this.gateway;
    const admission = await deps.pairing.admit(message, this.request.ip);
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (!admission.admitted) {
      this.log.info({ screenId: message.screenId, reason: admission.frame.reason }, 'player refused');
      this.send(admission.frame);
      return this.socket.close(admission.closeCode, admission.frame.reason);
    }
    const { screen } = admission;
    const session = (this.session = this.sessionOf(screen.id, message));
    deps.presence.add(session);
    deps.onActivity?.('screens');
    clearTimeout(this.helloTimer);
    this.log.info({ screenId: screen.id, playerVersion: message.playerVersion, mode: message.mode }, 'player connected');
    this.toldSpreadMs = this.gateway.appliedSpread();
    this.send({
      type: 'welcome',
      screenId: screen.id,
      screenName: screen.name,
      isProvisional: screen.isProvisional,
      serverTime: deps.clock.now().toISOString(),
      heartbeatIntervalMs: deps.heartbeatIntervalMs,
      timeZone: screen.timeZone ?? deps.timeZone,
      ...(screen.isProvisional && screen.pairingCode ? { pairingCode: screen.pairingCode, unclaimedDisplay: deps.unclaimedDisplay } : {}),
      ...(this.toldSpreadMs ? { appliedSpreadMs: this.toldSpreadMs } : {}),
    });
    // Claimed while the player was away: the token travels now, and is kept until paired-ack.
    if (admission.pendingToken) this.send({ type: 'paired', screenId: screen.id, screenName: screen.name, token: admission.pendingToken });
    deps.publisher.offerCurrent(session);
    // Kept on the screen so previews, the station list and sound defaults know a station while it is off.
    if (screen.mode !== message.mode) await deps.screens.noteMode(screen.id, message.mode);
  }

  /** What presence and the publisher know of this player. Its functions are methods (no property dictionary each under tsx). */
  private sessionOf(screenId: string, message: Extract<PlayerMessage, { type: 'hello' }>): PlayerSession {
    const connection = this;
    const { metrics } = this.gateway.deps;
    return {
      sessionId: nextSessionId++,
      screenId,
      connectedAt: this.gateway.deps.clock.now(),
      playerVersion: message.playerVersion,
      mode: message.mode,
      screenSize: { width: message.screen.width, height: message.screen.height },
      display: {
        width: Math.round(message.screen.width * message.screen.pixelRatio),
        height: Math.round(message.screen.height * message.screen.pixelRatio),
      },
      lastHeartbeatAt: null,
      airing: null,
      sentManifestVersion: message.manifestVersion,
      appliedManifestVersion: message.manifestVersion,
      acceptsSharedManifest: message.capabilities.includes(CAPABILITY_SHARED_MANIFEST),
      acceptsCompactManifest: message.capabilities.includes(CAPABILITY_COMPACT_MANIFEST),
      acceptsManifestPatch: message.capabilities.includes(CAPABILITY_MANIFEST_PATCH),
      send(frame) {
        connection.send(frame);
      },
      sendManifest(frame, onWritten) {
        connection.queue.sendLatest(frame, onWritten);
        metrics?.manifestPushed();
      },
      close(code, reason) {
        connection.socket.close(code, reason);
      },
    };
  }

  private heartbeat(session: PlayerSession, message: Extract<PlayerMessage, { type: 'heartbeat' }>): void {
    const { deps, heartbeats } = this.gateway;
    const now = deps.clock.now();
    session.lastHeartbeatAt = now;
    session.airing = message.airing;
    if (message.volume) session.volume = message.volume;
    if ((message.soundBlocked ?? false) !== (session.soundBlocked ?? false)) {
      session.soundBlocked = message.soundBlocked ?? false;
      deps.onActivity?.('screens');
    }
    if (message.manifestVersion) session.appliedManifestVersion = message.manifestVersion;
    deps.screens.noteHeartbeat(session.screenId, now, message);
    // More than a player sends is answered and shown (memory) but not stored.
    if (heartbeats.shouldStore(session.screenId, now.getTime())) deps.airingLog.recordHeartbeat(session.screenId, message, now);
    else this.fault('too-many-heartbeats');
    // The fleet grew or shrank since this player was told how long to spread its answers: told again.
    const spread = this.gateway.appliedSpread();
    const retold = Math.abs(spread - this.toldSpreadMs) >= SPREAD_RETELL_MS || (spread === 0) !== (this.toldSpreadMs === 0);
    if (retold) this.toldSpreadMs = spread;
    this.send({ type: 'heartbeat-ack', serverTime: now.toISOString(), echo: message.sentAt, ...(retold ? { appliedSpreadMs: spread } : {}) });
  }
}
