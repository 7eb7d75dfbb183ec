// Presence across nodes: each node holds its own players' sockets (server/gateway/presence.ts) and
// tells the others what they need to show them: every second the sessions that changed go out on the
// bus and into this node's Redis hash, which expires with the node's heartbeat key. A node that dies
// stops refreshing both, and within NODE_TTL_MS its players disappear from every console.
// The wrapper keeps the local interface: reads (sessionsOf, latestOf, countOf) see the whole cluster,
// sends reach the node holding the socket, and allSessions() stays this node's (what it pushes to).
// A session's summary carries its screen's live status too (last heartbeat, health report), so the
// screens list, the dashboard and a screen's page agree on every node; a node keeps what it was told
// (like its own players' reports) after the other node is gone.
import type { PlayerHealth } from '../api.schema.js';
import type { PlayerSession, Presence } from '../gateway/presence.js';
import type { ClusterBus } from './cluster.bus.js';
import { ClusterNodeSchema, RemoteSessionSchema, type ClusterNode, type RemoteSession } from './cluster.protocol.js';

export const PRESENCE_FLUSH_MS = 1000;
/** Screens per presence message (a summary with its health report is about 0.9 KB). */
const PRESENCE_CHUNK = 500;
export const NODE_HEARTBEAT_MS = 5000;
/** A node not heard of for this long is gone: its players, leases and jobs are someone else's. */
export const NODE_TTL_MS = 15_000;

/** The screens service's side of a screen's live status: this node's reports out, the others' in. */
export interface SharedScreenStatus {
  healthOf(screenId: string): PlayerHealth | undefined;
  /** Another node's player was heard at `lastHeartbeatAt` (kept unless this node knows a later one). */
  noteRemote(screenId: string, lastHeartbeatAt: string, health: PlayerHealth | null): void;
}

const summary = (s: PlayerSession, health: PlayerHealth | undefined): RemoteSession => ({
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
  health: health ?? null,
});

/** What a console's screen list shows beyond times: which sessions, their mode and whether sound is blocked. */
const isShownDifferently = (before: RemoteSession[] | undefined, after: RemoteSession[]) =>
  !before || before.length !== after.length || after.some((s, i) => s.sessionId !== before[i]!.sessionId || s.soundBlocked !== before[i]!.soundBlocked || s.mode !== before[i]!.mode);

/** A heartbeat key's value; null when unreadable (a node of an earlier version wrote only its time). */
function parseNode(id: string, value: string): ClusterNode | null {
  try {
    const parsed = ClusterNodeSchema.safeParse(JSON.parse(value));
    return parsed.success && parsed.data.id === id ? parsed.data : null;
  } catch {
    return null;
  }
}

export type ClusterPresence = ReturnType<typeof createClusterPresence>;

export function createClusterPresence(local: Presence, bus: ClusterBus, log: { warn(obj: object, msg: string): void }) {
  const { redis, key, nodeId } = bus;
  const nodeKey = (id: string) => key(`node:${id}`);
  const hashKey = (id: string) => key(`presence:${id}`);
  /** Other nodes' sessions, by node then screen. */
  const remote = new Map<string, Map<string, RemoteSession[]>>();
  const startedAt = new Date().toISOString();
  /** Other nodes alive at the last beat, as their heartbeat keys said (read from memory by /healthz: no Redis call per probe). */
  let others: ClusterNode[] = [];
  /** Which sessions (ids) this node last told the others of, per screen. */
  let told = new Map<string, string>();
  /** Per session, the values its summary was last made from, compared by reference: a heartbeat replaces its Date, airing and health. */
  const seen = new WeakMap<PlayerSession, unknown[]>();
  let status: SharedScreenStatus | null = null;
  const shownListeners: (() => void)[] = [];
  const shownChanged = () => shownListeners.forEach((listen) => listen());
  const heard = (sessions: RemoteSession[]) => {
    for (const r of sessions) if (r.lastHeartbeatAt) status?.noteRemote(r.screenId, r.lastHeartbeatAt, r.health ?? null);
  };
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
    let isShown = gone.length > 0 || (!!reset && !!byScreen?.size);
    if (!byScreen || reset) remote.set(from, (byScreen = new Map()));
    for (const [screenId, sessions] of Object.entries(upsert)) {
      if (isShownDifferently(byScreen.get(screenId), sessions)) isShown = true;
      byScreen.set(screenId, sessions);
      heard(sessions);
    }
    for (const screenId of gone) byScreen.delete(screenId);
    if (isShown) shownChanged();
  });
  bus.on('to-screen', ({ screenId, message }) => void local.sendToScreen(screenId, message));
  bus.on('close-screen', ({ screenId, code, reason }) => {
    for (const s of local.sessionsOf(screenId)) s.close(code, reason);
  });

  /** Whether the session's summary would differ from the last one; updates the remembered values in place (no allocation per session and flush). */
  const hasChanged = (s: PlayerSession): boolean => {
    const values = [s.lastHeartbeatAt, s.airing, s.volume, s.soundBlocked, s.isAlertAiring, s.sentManifestVersion, s.appliedManifestVersion, status?.healthOf(s.screenId)] as const;
    const before = seen.get(s);
    if (!before) return (seen.set(s, [...values]), true);
    let isChanged = false;
    for (let i = 0; i < values.length; i++) {
      if (before[i] !== values[i]) (before[i] = values[i], (isChanged = true));
    }
    return isChanged;
  };

  /**
   * Sends the others what changed since the last flush, and keeps the hash a joining node reads. Only
   * changed screens are summarised (at 10,000 players about a thirtieth of them a second), one bus
   * message and one Redis transaction for all of them.
   */
  async function flush(): Promise<void> {
    const now = new Map<string, PlayerSession[]>();
    const changed = new Set<string>();
    for (const s of local.allSessions()) {
      const list = now.get(s.screenId);
      if (list) list.push(s);
      else now.set(s.screenId, [s]);
      if (hasChanged(s)) changed.add(s.screenId);
    }
    const next = new Map<string, string>();
    const upsert: Record<string, RemoteSession[]> = {};
    for (const [screenId, sessions] of now) {
      const ids = sessions.length === 1 ? String(sessions[0]!.sessionId) : sessions.map((s) => s.sessionId).join(',');
      next.set(screenId, ids);
      if (changed.has(screenId) || told.get(screenId) !== ids) upsert[screenId] = sessions.map((s) => summary(s, status?.healthOf(screenId)));
    }
    const gone = [...told.keys()].filter((id) => !next.has(id));
    told = next;
    const reset = isFirstFlush;
    isFirstFlush = false;
    if (!reset && Object.keys(upsert).length === 0 && gone.length === 0) return;
    // A reconnect storm changes thousands of screens in a second: several messages of at most
    // PRESENCE_CHUNK screens each (in order, on one connection), so no node parses megabytes at once.
    const entries = Object.entries(upsert);
    for (let i = 0; i === 0 || i < entries.length; i += PRESENCE_CHUNK) {
      const first = i === 0;
      bus.publish({ type: 'presence', upsert: Object.fromEntries(entries.slice(i, i + PRESENCE_CHUNK)), gone: first ? gone : [], ...(reset && first ? { reset } : {}) });
    }
    const tx = redis.multi();
    if (reset) tx.del(hashKey(nodeId));
    const fields = Object.entries(upsert).flatMap(([id, sessions]) => [id, JSON.stringify(sessions)]);
    if (fields.length) tx.hset(hashKey(nodeId), ...fields);
    if (gone.length) tx.hdel(hashKey(nodeId), ...gone);
    tx.pexpire(hashKey(nodeId), NODE_TTL_MS);
    await tx.exec();
  }

  const self = (): ClusterNode => {
    let players = 0;
    for (const _ of local.allSessions()) players++;
    return { id: nodeId, startedAt, players, lastSeenAt: new Date().toISOString() };
  };

  /** Refreshes this node's heartbeat, forgets nodes that stopped theirs, reads nodes it has not heard yet. */
  async function beat(): Promise<void> {
    await redis
      .multi()
      .set(nodeKey(nodeId), JSON.stringify(self()), 'PX', NODE_TTL_MS)
      .sadd(key('nodes'), nodeId)
      .pexpire(hashKey(nodeId), NODE_TTL_MS)
      // Renewed by every live node: once the last one is gone the set goes too.
      .pexpire(key('nodes'), NODE_TTL_MS)
      .exec();
    const nodes = (await redis.smembers(key('nodes'))).filter((id) => id !== nodeId);
    const alive = nodes.length ? await redis.mget(...nodes.map(nodeKey)) : [];
    const seen: ClusterNode[] = [];
    for (const [i, id] of nodes.entries()) {
      const value = alive[i];
      if (value === null || value === undefined) {
        if (remote.delete(id)) shownChanged();
        await redis.srem(key('nodes'), id);
        continue;
      }
      const node = parseNode(id, value);
      if (node) seen.push(node);
      if (!remote.has(id)) {
        const stored = await redis.hgetall(hashKey(id));
        const byScreen = new Map<string, RemoteSession[]>();
        for (const [screenId, json] of Object.entries(stored)) {
          const parsed = RemoteSessionSchema.array().safeParse(JSON.parse(json));
          if (parsed.success) byScreen.set(screenId, parsed.data);
        }
        remote.set(id, byScreen);
        for (const sessions of byScreen.values()) heard(sessions);
        if (byScreen.size) shownChanged();
      }
    }
    others = seen;
  }

  const guard = (what: string, run: () => Promise<void>) => () => void run().catch((err: unknown) => log.warn({ err: (err as Error).message }, `集群在线状态${what}失败 / cluster presence ${what} failed`));
  const flushTimer = setInterval(guard('flush', flush), PRESENCE_FLUSH_MS);
  const beatTimer = setInterval(guard('heartbeat', beat), NODE_HEARTBEAT_MS);

  const presence: Presence = {
    add: (session) => local.add(session),
    remove: (session) => local.remove(session),
    sessionsOf: (screenId) => [...local.sessionsOf(screenId), ...remoteOf(screenId).map(asSession)],
    ownSessionsOf: (screenId) => local.ownSessionsOf(screenId),
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
    /** Shares screens' live status both ways (set once the screens service exists). */
    shareStatus(screens: SharedScreenStatus): void {
      status = screens;
    },
    /** Calls `listen` when another node's players come, go, or change what a console's list shows. */
    onShownChange(listen: () => void): void {
      shownListeners.push(listen);
    },
    /** Nodes alive at the last beat, this one first (live): what /healthz and /metrics show. */
    view: (): ClusterNode[] => [self(), ...others],
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
