// A player as the cluster tests need it: a real `ws` client that keeps every play record until the
// server acknowledges it, sends plays while it runs, and when its node goes away reconnects to the next
// node in its list (what a load balancer does for it in production) and resends what is unacknowledged.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { CAPABILITY_SHARED_MANIFEST, PROTOCOL_VERSION, type PlayRecord, type ServerMessage } from '../../player/protocol.js';

export interface SimPlayer {
  readonly screenId: string | null;
  /** Acknowledged ids (the server said they are stored) and ids still waiting. */
  readonly acked: Set<string>;
  readonly pending: Map<string, PlayRecord>;
  /** Which node URL each connection went to, in order. */
  readonly connections: string[];
  readonly manifests: { version: string; itemCount: number; titles: string[] }[];
  /** Makes `count` new records and sends them (now, or after the next welcome). */
  play(count: number): void;
  /** Resolves when nothing is pending. */
  settled(): Promise<void>;
  /** Resolves with the next manifest that `match` accepts (earlier ones count). */
  manifest(match: (m: { version: string; titles: string[] }) => boolean): Promise<void>;
  close(): void;
}

export function simPlayer(urls: string[], options: { reconnectMs?: number } = {}): Promise<SimPlayer> {
  let screenId: string | null = null;
  let item: { itemId: string; mediaId: string; hash: string; manifestVersion: string } | null = null;
  let socket: WebSocket | null = null;
  let isClosed = false;
  let urlIndex = 0;
  const acked = new Set<string>();
  const pending = new Map<string, PlayRecord>();
  const connections: string[] = [];
  const manifests: SimPlayer['manifests'] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  let welcomed: () => void = () => undefined;
  const firstWelcome = new Promise<void>((resolve) => (welcomed = resolve));

  const send = (records: PlayRecord[]) => {
    if (socket?.readyState !== WebSocket.OPEN || !screenId) return;
    // Batches as the real player sends them (docs/protocol.md): at most 500 records a frame.
    for (let i = 0; i < records.length; i += 500) socket.send(JSON.stringify({ type: 'plays', records: records.slice(i, i + 500) }));
  };
  const resend = () => send([...pending.values()]);

  function connect(): void {
    const url = urls[urlIndex % urls.length]!;
    connections.push(url);
    const ws = new WebSocket(url);
    socket = ws;
    ws.on('open', () =>
      ws.send(
        JSON.stringify({
          type: 'hello',
          protocol: PROTOCOL_VERSION,
          ...(screenId ? { screenId } : {}),
          playerVersion: 'cluster-test',
          mode: 'screen',
          capabilities: ['text', 'image', 'video', 'audio', CAPABILITY_SHARED_MANIFEST],
          screen: { width: 1920, height: 1080, pixelRatio: 1 },
          manifestVersion: item?.manifestVersion ?? null,
        }),
      ),
    );
    ws.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as ServerMessage;
      if (message.type === 'welcome') {
        screenId = message.screenId;
        welcomed();
        resend();
      } else if (message.type === 'manifest') {
        const first = message.manifest.items[0];
        if (first) item = { itemId: first.id, mediaId: first.mediaId, hash: first.hash, manifestVersion: message.manifest.version };
        manifests.push({ version: message.manifest.version, itemCount: message.manifest.items.length, titles: message.manifest.items.map((i) => i.title) });
        ws.send(JSON.stringify({ type: 'manifest-applied', version: message.manifest.version }));
        wake();
      } else if (message.type === 'plays-ack') {
        for (const id of message.ids) if (pending.delete(id)) acked.add(id);
        wake();
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (isClosed) return;
      // Gone (killed node, refused connection): the next node in the list, as a balancer would choose.
      urlIndex++;
      setTimeout(connect, options.reconnectMs ?? 200);
    });
  }

  const player: SimPlayer = {
    get screenId() {
      return screenId;
    },
    acked,
    pending,
    connections,
    manifests,
    play(count) {
      if (!item) throw new Error('no manifest yet: nothing to play');
      const end = Date.now();
      const records = Array.from({ length: count }, (): PlayRecord => ({ id: randomUUID(), ...item!, startedAt: new Date(end - 10_000).toISOString(), endedAt: new Date(end).toISOString(), completed: true }));
      for (const r of records) pending.set(r.id, r);
      send(records);
    },
    async settled() {
      while (pending.size) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    async manifest(match) {
      while (!manifests.some(match)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close() {
      isClosed = true;
      socket?.close();
      wake();
    },
  };
  connect();
  return firstWelcome.then(() => player.manifest(() => true)).then(() => player);
}
