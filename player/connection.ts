// The player's WebSocket: hello on open, validated frames routed to the app, heartbeats on the
// server's interval, and reconnection with jittered backoff for as long as the page lives.
import { createBackoff, type Backoff } from './backoff.js';
import { PlayerMessageSchema, ServerMessageSchema, type PlayerMessage, type ServerMessage } from './protocol.js';

/** A connection that lasted this long was healthy: the next outage starts from the base delay. */
const STABLE_MS = 10_000;
/** A socket stuck connecting (dropped SYNs on a flaky link) is abandoned after this. */
const CONNECT_TIMEOUT_MS = 15_000;
/** Heartbeat intervals without any frame from the server before the socket is presumed dead. */
const SILENT_INTERVALS = 2.5;

export interface ConnectionOptions {
  url: string;
  hello: () => PlayerMessage;
  heartbeat: () => PlayerMessage;
  /** `json`: the frame as received (a compact manifest before expansion: what a patch applies to). */
  onMessage: (message: ServerMessage, json: unknown) => void;
  /** A frame that fails its schema (it is otherwise ignored): a malformed manifest patch must be answered. */
  onInvalid?: (json: unknown) => void;
  /** True once the server welcomed us, false when the socket is gone. */
  onOnline: (isOnline: boolean) => void;
  onClose?: (code: number) => void;
  backoff?: Backoff;
}

export function playerSocketUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/player`;
}

export function createConnection(options: ConnectionOptions) {
  const backoff = options.backoff ?? createBackoff();
  let socket: WebSocket | null = null;
  let openedAt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  let isStopped = false;
  let lastHeardAt = 0;

  function connect(): void {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    if (isStopped || socket) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(options.url);
    } catch (error) {
      console.warn('crier: cannot open the socket', error);
      scheduleReconnect();
      return;
    }
    socket = ws;
    connectTimer = setTimeout(() => ws.close(), CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(connectTimer);
      openedAt = Date.now();
      send(options.hello());
    };
    ws.onmessage = (event) => receive(event.data);
    ws.onclose = (event) => {
      clearTimeout(connectTimer);
      clearInterval(heartbeatTimer);
      if (socket !== ws) return;
      socket = null;
      if (openedAt && Date.now() - openedAt >= STABLE_MS) backoff.reset();
      openedAt = 0;
      options.onOnline(false);
      options.onClose?.(event.code);
      scheduleReconnect();
    };
    // An error is always followed by close, which does the work.
    ws.onerror = () => {};
  }

  function scheduleReconnect(): void {
    if (isStopped || reconnectTimer) return;
    reconnectTimer = setTimeout(connect, backoff.next());
  }

  function receive(data: unknown): void {
    lastHeardAt = Date.now();
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      console.warn('crier: ignoring a frame that is not JSON');
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      console.warn('crier: ignoring an invalid frame', parsed.error.issues);
      options.onInvalid?.(json);
      return;
    }
    const message = parsed.data;
    if (message.type === 'welcome') {
      options.onOnline(true);
      startHeartbeat(message.heartbeatIntervalMs);
    }
    options.onMessage(message, json);
  }

  function startHeartbeat(intervalMs: number): void {
    clearInterval(heartbeatTimer);
    // Defers the first beat one tick so the app has handled the welcome (screen id, clock) first.
    setTimeout(() => send(options.heartbeat()), 0);
    const every = Math.max(1000, intervalMs);
    heartbeatTimer = setInterval(() => {
      // The server answers every heartbeat; a socket that stays silent is dead even if the OS has not noticed.
      if (Date.now() - lastHeardAt > every * SILENT_INTERVALS) {
        console.warn('crier: no answer from the server, reconnecting');
        socket?.close();
        return;
      }
      send(options.heartbeat());
    }, every);
  }

  /** Sends when the socket is open; otherwise returns false and the caller keeps its data. */
  function send(message: PlayerMessage): boolean {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    const checked = PlayerMessageSchema.safeParse(message);
    if (!checked.success) {
      console.error('crier: refusing to send an invalid frame', message.type, checked.error.issues);
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }

  // The OS knows when the network returns before our backoff timer does.
  const onNetworkBack = () => {
    if (!socket && reconnectTimer) connect();
  };

  return {
    start(): void {
      isStopped = false;
      globalThis.addEventListener?.('online', onNetworkBack);
      connect();
    },
    stop(): void {
      isStopped = true;
      globalThis.removeEventListener?.('online', onNetworkBack);
      clearTimeout(reconnectTimer);
      clearInterval(heartbeatTimer);
      socket?.close();
      socket = null;
    },
    send,
    /** Bytes the browser still has to write, so a reload can wait for its ack to leave. */
    get bufferedAmount(): number {
      return socket?.bufferedAmount ?? 0;
    },
  };
}
export type Connection = ReturnType<typeof createConnection>;
