// Who is connected right now and what each player last told us. In memory: it is rebuilt by
// reconnecting players after a restart. Also the local fan-out: a broker can stand behind the same
// `PlayerFanout` interface when several server processes share the players.
import type { Heartbeat, ServerMessage } from '../../player/protocol.js';

export interface PlayerSession {
  readonly sessionId: number;
  readonly screenId: string;
  readonly connectedAt: Date;
  readonly playerVersion: string;
  readonly mode: 'screen' | 'audio';
  readonly screenSize: { width: number; height: number };
  /** Device pixels (CSS size × pixel ratio): what still renditions are chosen for. */
  readonly display: { width: number; height: number };
  lastHeartbeatAt: Date | null;
  airing: Heartbeat['airing'];
  /** The volume the player last reported. */
  volume?: Heartbeat['volume'];
  /** The latest heartbeat said the browser blocks sound (autoplay policy). */
  soundBlocked?: boolean;
  /** Whether the item on air (the latest `airing` frame) airs because of an alert. */
  isAlertAiring?: boolean;
  /** The version last sent to this player, and the one it says it applied. */
  sentManifestVersion: string | null;
  appliedManifestVersion: string | null;
  /** Said in its hello (capability `shared-manifest`): it takes manifests without its screenId, the same bytes as its peers. */
  readonly acceptsSharedManifest: boolean;
  /** Said in its hello (capability `compact-manifest`, with `shared-manifest`): it reads the compact manifest form. */
  readonly acceptsCompactManifest?: boolean;
  // manifests helper's block: patch frames (docs/protocol.md, capability `manifest-patch`).
  /** Said in its hello (capability `manifest-patch`, with the two above): it applies patches to the frame it holds. */
  readonly acceptsManifestPatch?: boolean;
  /** The publisher's id of the frame sent last, and the frame the player confirmed it applied: patches start from that one. */
  sentManifestFrame?: number;
  patchBase?: { frame: number; version: string } | null;
  // end of the manifests helper's block
  send(message: ServerMessage): void;
  /** A serialised manifest message; while the socket is backed up only the newest waits. `onWritten`: once it is handed to the socket (or dropped). */
  sendManifest(frame: string | Buffer, onWritten?: () => void): void;
  /** Closes the socket (e.g. 4003 after a revocation). */
  close(code: number, reason: string): void;
}

export interface PlayerFanout {
  /** Sends to every session of the screen; returns how many received it. */
  sendToScreen(screenId: string, message: ServerMessage): number;
}

export type Presence = ReturnType<typeof createPresence>;

export function createPresence() {
  const sessionsByScreen = new Map<string, Set<PlayerSession>>();

  return {
    add(session: PlayerSession): void {
      let set = sessionsByScreen.get(session.screenId);
      if (!set) sessionsByScreen.set(session.screenId, (set = new Set()));
      set.add(session);
    },
    remove(session: PlayerSession): void {
      const set = sessionsByScreen.get(session.screenId);
      if (!set) return;
      set.delete(session);
      if (set.size === 0) sessionsByScreen.delete(session.screenId);
    },
    sessionsOf(screenId: string): PlayerSession[] {
      return [...(sessionsByScreen.get(screenId) ?? [])];
    },
    /** The screen's sessions on this node only (in a cluster `sessionsOf` sees every node's): what this node pushes to. */
    ownSessionsOf(screenId: string): Iterable<PlayerSession> {
      return sessionsByScreen.get(screenId) ?? [];
    },
    /** How many sessions the screen has open (usually one; two while a player reconnects). */
    countOf(screenId: string): number {
      return sessionsByScreen.get(screenId)?.size ?? 0;
    },
    /** The most recently heard-from session of one screen: looks at that screen's sessions only. */
    latestOf(screenId: string): PlayerSession | undefined {
      let best: PlayerSession | undefined;
      for (const s of sessionsByScreen.get(screenId) ?? []) {
        const heard = (s.lastHeartbeatAt ?? s.connectedAt).getTime();
        if (!best || heard > (best.lastHeartbeatAt ?? best.connectedAt).getTime()) best = s;
      }
      return best;
    },
    *allSessions(): Iterable<PlayerSession> {
      for (const set of sessionsByScreen.values()) yield* set;
    },
    get connectedScreens(): number {
      return sessionsByScreen.size;
    },
    sendToScreen(screenId: string, message: ServerMessage): number {
      const set = sessionsByScreen.get(screenId);
      if (!set) return 0;
      for (const s of set) s.send(message);
      return set.size;
    },
  } satisfies PlayerFanout & Record<string, unknown>;
}
