// Presence across nodes: each node holds its own players' sockets (server/gateway/presence.ts) and
// tells the others what they need to show them: every second the sessions that changed go out on the
// bus and into this node's Redis hash, which expires with the node's heartbeat key. A node that dies
// stops refreshing both, and within NODE_TTL_MS its players disappear from every console.
// The wrapper keeps the local interface: reads (sessionsOf, latestOf, countOf) see the whole cluster,
// sends reach the node holding the socket, and allSessions() stays this node's (what it pushes to).
import type { PlayerSession, Presence } from '../gateway/presence.js';
import type { ClusterBus } from './cluster.bus.js';
import { RemoteSessionSchema, type RemoteSession } from './cluster.protocol.js';

export const PRESENCE_FLUSH_MS = 1000;
export const NODE_HEARTBEAT_MS = 5000;
/** A node not heard of for this long is gone: its players, leases and jobs are someone else's. */
export const NODE_TTL_MS = 15_000;

const summary = (s: PlayerSession): RemoteSession => ({
  sessionId: s.sessionId,
  screenId: s.screenId,
  connectedAt: s.connectedAt.toISOString(),
  playerVersion: s.playerVersion,
  mode: s.mode,
  screenSize: s.screenSize,
  display: s.display,
  lastHeartbeatAt: s.lastHeartbeatAt?.toISOString() ?? null,
  airing: s.airing,
  ...(s.volume ? { volume: s.volume } : {}),
  ...(s.soundBlocked !== undefined ? { soundBlocked: s.soundBlocked } : {}),
  ...(s.isAlertAiring !== undefined ? { isAlertAiring: s.isAlertAiring } : {}),
  sentManifestVersion: s.sentManifestVersion,
  appliedManifestVersion: s.appliedManifestVersion,
  acceptsSharedManifest: s.acceptsSharedManifest,
});

export type ClusterPresence = ReturnType<typeof createClusterPresence>;

export function createClusterPresence(local: Presence, bus: ClusterBus, log: { warn(obj: object, msg: string): void }) {
  const { redis, key, nodeId } = bus;
  const nodeKey = (id: string) => key(`node:${id}`);
  const hashKey = (id: string) => key(`presence:${id}`);
  /** Other nodes' sessions, by node then screen. */
  const remote = new Map<string, Map<string, RemoteSession[]>>();
  /** What this node last told the others, per screen (JSON), to send only changes. */
  let told = new Map<string, string>();
  /** The first flush after a start voids what a previous run under the same node id told (it may have died). */
  let isFirstFlush = true;

  const asSession = (r: RemoteSession): PlayerSession => ({
    ...r,
    connectedAt: new Date(r.connectedAt),
    lastHeartbeatAt: r.lastHeartbeatAt ? new Date(r.lastHeartbeatAt) : null,
    airing: r.airing as PlayerSession['airing'],
    volume: r.volume as PlayerSession['volume'],
    send: (message) => bus.publish({ type: 'to-screen', screenId: r.screenId, message }),
    // Manifests are built by the node that holds the socket, never sent from here.
    sendManifest: () => undefined,
    close: (code, reason) => bus.publish({ type: 'close-screen', screenId: r.screenId, code, reason }),
  });
  const remoteOf = (screenId: string): RemoteSession[] => [...remote.values()].flatMap((byScreen) => byScreen.get(screenId) ?? []);

  bus.on('presence', ({ upsert, gone, reset }, from) => {
    let byScreen = remote.get(from);
    if (!byScreen || reset) remote.set(from, (byScreen = new Map()));
    for (const [screenId, sessions] of Object.entries(upsert)) byScreen.set(screenId, sessions);
    for (const screenId of gone) byScreen.delete(screenId);
  });
  bus.on('to-screen', ({ screenId, message }) => void local.sendToScreen(screenId, message));
  bus.on('close-screen', ({ screenId, code, reason }) => {
    for (const s of local.sessionsOf(screenId)) s.close(code, reason);
  });

  /** Sends the others what changed since the last flush, and keeps the hash a joining node reads. */
  async function flush(): Promise<void> {
    const now = new Map<string, RemoteSession[]>();
    for (const s of local.allSessions()) {
      const list = now.get(s.screenId) ?? [];
      list.push(summary(s));
      now.set(s.screenId, list);
    }
    const next = new Map<string, string>();
    const upsert: Record<string, RemoteSession[]> = {};
    for (const [screenId, sessions] of now) {
      const json = JSON.stringify(sessions);
      next.set(screenId, json);
      if (told.get(screenId) !== json) upsert[screenId] = sessions;
    }
    const gone = [...told.keys()].filter((id) => !next.has(id));
    told = next;
    const reset = isFirstFlush;
    isFirstFlush = false;
    if (!reset && Object.keys(upsert).length === 0 && gone.length === 0) return;
    bus.publish({ type: 'presence', upsert, gone, ...(reset ? { reset } : {}) });
    const tx = redis.multi();
    if (reset) tx.del(hashKey(nodeId));
    const fields = Object.entries(upsert).flatMap(([id, sessions]) => [id, JSON.stringify(sessions)]);
    if (fields.length) tx.hset(hashKey(nodeId), ...fields);
    if (gone.length) tx.hdel(hashKey(nodeId), ...gone);
    tx.pexpire(hashKey(nodeId), NODE_TTL_MS);
    await tx.exec();
  }

  /** Refreshes this node's heartbeat, forgets nodes that stopped theirs, reads nodes it has not heard yet. */
  async function beat(): Promise<void> {
    await redis.multi().set(nodeKey(nodeId), String(Date.now()), 'PX', NODE_TTL_MS).sadd(key('nodes'), nodeId).pexpire(hashKey(nodeId), NODE_TTL_MS).exec();
    const nodes = (await redis.smembers(key('nodes'))).filter((id) => id !== nodeId);
    const alive = nodes.length ? await redis.mget(...nodes.map(nodeKey)) : [];
    for (const [i, id] of nodes.entries()) {
      if (alive[i] === null) {
        remote.delete(id);
        await redis.srem(key('nodes'), id);
      } else if (!remote.has(id)) {
        const stored = await redis.hgetall(hashKey(id));
        const byScreen = new Map<string, RemoteSession[]>();
        for (const [screenId, json] of Object.entries(stored)) {
          const parsed = RemoteSessionSchema.array().safeParse(JSON.parse(json));
          if (parsed.success) byScreen.set(screenId, parsed.data);
        }
        remote.set(id, byScreen);
      }
    }
  }

  const guard = (what: string, run: () => Promise<void>) => () => void run().catch((err: unknown) => log.warn({ err: (err as Error).message }, `集群在线状态${what}失败 / cluster presence ${what} failed`));
  const flushTimer = setInterval(guard('flush', flush), PRESENCE_FLUSH_MS);
  const beatTimer = setInterval(guard('heartbeat', beat), NODE_HEARTBEAT_MS);

  const presence: Presence = {
    add: (session) => local.add(session),
    remove: (session) => local.remove(session),
    sessionsOf: (screenId) => [...local.sessionsOf(screenId), ...remoteOf(screenId).map(asSession)],
    countOf: (screenId) => local.countOf(screenId) + remoteOf(screenId).length,
    latestOf(screenId) {
      let best = local.latestOf(screenId);
      const heard = (s: { lastHeartbeatAt: Date | null; connectedAt: Date }) => (s.lastHeartbeatAt ?? s.connectedAt).getTime();
      for (const r of remoteOf(screenId)) {
        const s = asSession(r);
        if (!best || heard(s) > heard(best)) best = s;
      }
      return best;
    },
    /** This node's sessions only: what it pushes manifests to. */
    allSessions: () => local.allSessions(),
    get connectedScreens() {
      return local.connectedScreens;
    },
    sendToScreen(screenId, message) {
      const remoteCount = remoteOf(screenId).length;
      if (remoteCount) bus.publish({ type: 'to-screen', screenId, message });
      return local.sendToScreen(screenId, message) + remoteCount;
    },
  };

  return {
    presence,
    /** Every node's sessions (for /metrics): this node's, then the others' as last told. */
    *everywhere(): Iterable<{ mode: string; screenId: string }> {
      yield* local.allSessions();
      for (const byScreen of remote.values()) for (const sessions of byScreen.values()) yield* sessions;
    },
    /** Node ids alive now, this one included. */
    nodes: () => [nodeId, ...remote.keys()],
    /** Now, not on the next tick: at start-up, and in tests. */
    flush,
    beat,
    async close(): Promise<void> {
      clearInterval(flushTimer);
      clearInterval(beatTimer);
      // Leaving cleanly: the others forget this node's players at once rather than after NODE_TTL_MS.
      await redis.multi().del(nodeKey(nodeId), hashKey(nodeId)).srem(key('nodes'), nodeId).exec().catch(() => undefined);
      if (told.size) bus.publish({ type: 'presence', upsert: {}, gone: [...told.keys()] });
    },
  };
}
