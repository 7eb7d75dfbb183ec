// Pushes each connected player the manifest it should air, and only when its version changed.
// A catalogue change passes over the players of the screens it can affect (playlists/affected-screens.ts),
// not over every player: an alert for one township costs that township. Screens with equal rules share
// one manifest: it is built and serialised once per pass and the same bytes go to every player that
// accepts a shared manifest (players that do not get their `screenId` spliced in). A pass runs in slices,
// so heartbeats and the API are answered while 10,000 are sent.
import type { FastifyBaseLogger } from 'fastify';
import { affectedScreens, unionAffected, type AffectedScreens } from '../../playlists/affected-screens.js';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Display } from '../../playlists/build-manifest.js';
import type { Catalogue, ScreenMode } from '../../playlists/catalogue.schema.js';
import type { Manifest } from '../../playlists/manifest.schema.js';
import { manifestKey, sharedManifestJson } from '../../playlists/timeline-manifest.js';
import type { Clock } from '../clock.js';
import type { Presence, PlayerSession } from '../gateway/presence.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

/** Sessions handled before the pass yields to other work (heartbeats, acks, /healthz). */
const SLICE = 500;
/** A hello reuses a frame built this recently for the same rules: a reconnect storm builds a few, not thousands. */
const FRAME_REUSE_MS = 1000;

/** One manifest, serialised once: `shared` for players that accept it, `tail` to splice a screenId into. */
interface Frames {
  version: string;
  shared: Buffer;
  /** The manifest JSON after its opening brace, closed as a message. */
  tail: string;
}

export type ManifestPublisher = ReturnType<typeof createManifestPublisher>;

export function createManifestPublisher(deps: {
  catalogue: CatalogueStore;
  presence: Presence;
  clock: Clock;
  log: FastifyBaseLogger;
  /** The zone of screens that have none of their own. */
  timeZone: string;
}) {
  const { catalogue, presence, clock, log, timeZone } = deps;
  const options = { timeZone };
  const stats = { serialised: 0, passes: 0, visited: 0, lastVisited: 0 };
  /** The catalogue the latest change was measured against: the next one is measured from here. */
  let seen: Readonly<Catalogue> = catalogue.read();
  /** Screens the next pass goes over. */
  let pending: AffectedScreens = new Set();
  let isScheduled = false;
  let isRunning = false;
  let isDirty = false;
  /** Frames of the latest pass (or hellos since), for the catalogue and instant they were built at. */
  let recent: { catalogue: Readonly<Catalogue>; at: number; frames: Map<string, Frames | null> } | null = null;

  /** Without a display (preview of an offline screen) stills are chosen for 1920×1080; the mode defaults to the screen's last one. */
  const manifestFor = (screenId: string, display?: Display, mode?: ScreenMode): Manifest | null =>
    buildManifest(catalogue.read(), { id: screenId, ...(display ? { display } : {}), ...(mode ? { mode } : {}) }, clock.now(), options);

  function serialise(manifest: Manifest | null): Frames | null {
    if (!manifest) return null;
    stats.serialised++;
    const json = sharedManifestJson(manifest);
    return { version: manifest.version, shared: Buffer.from(`{"type":"manifest","manifest":${json}}`), tail: `${json.slice(1)}}` };
  }

  /** The frames for this session's rules, from `frames` or built now. */
  function framesFor(cat: Readonly<Catalogue>, now: Date, frames: Map<string, Frames | null>, session: PlayerSession): Frames | null {
    const screen = { id: session.screenId, display: session.display, mode: session.mode };
    const key = manifestKey(cat, screen, now, options);
    let f = frames.get(key);
    if (f === undefined) frames.set(key, (f = serialise(buildManifest(cat, screen, now, options))));
    return f;
  }

  /** Sends the frames if the session does not have that version yet; returns whether it sent. */
  function deliver(session: PlayerSession, f: Frames | null): boolean {
    if (!f || f.version === session.sentManifestVersion) return false;
    session.sentManifestVersion = f.version;
    session.sendManifest(session.acceptsSharedManifest ? f.shared : `{"type":"manifest","manifest":{"screenId":${JSON.stringify(session.screenId)},${f.tail}`);
    return true;
  }

  /** A newly connected player: its manifest, unless it already airs that version. */
  function offerCurrent(session: PlayerSession): boolean {
    const cat = catalogue.read();
    const now = clock.now();
    if (!recent || recent.catalogue !== cat || now.getTime() - recent.at > FRAME_REUSE_MS) recent = { catalogue: cat, at: now.getTime(), frames: new Map() };
    return deliver(session, framesFor(cat, new Date(recent.at), recent.frames, session));
  }

  /** This node's sessions of the screens named (all of them for `all`). */
  function sessionsOf(screens: AffectedScreens): PlayerSession[] {
    if (screens === 'all') return [...presence.allSessions()];
    const found: PlayerSession[] = [];
    for (const id of screens) for (const session of presence.ownSessionsOf(id)) found.push(session);
    return found;
  }

  async function pass(): Promise<number> {
    const screens = pending;
    pending = new Set();
    const sessions = sessionsOf(screens);
    if (sessions.length === 0) return 0;
    const cat = catalogue.read();
    const now = clock.now();
    const frames = new Map<string, Frames | null>();
    recent = { catalogue: cat, at: now.getTime(), frames };
    stats.passes++;
    stats.visited += sessions.length;
    stats.lastVisited = sessions.length;
    let sent = 0;
    let done = 0;
    for (const session of sessions) {
      if (++done % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      if (deliver(session, framesFor(cat, now, frames, session))) sent++;
    }
    if (sent) log.info({ sent, distinct: frames.size, visited: sessions.length }, 'manifests pushed');
    return sent;
  }

  function schedule(): void {
    if (isScheduled) return;
    isScheduled = true;
    setImmediate(() => void publishNow().catch((error: unknown) => log.error({ err: error }, 'manifest publish failed')));
  }

  /** Runs a pass now; a change during a pass causes one more pass after it. Resolves with how many were sent. */
  async function publishNow(): Promise<number> {
    isScheduled = false;
    if (isRunning) {
      isDirty = true;
      return 0;
    }
    isRunning = true;
    try {
      let sent = await pass();
      while (isDirty) {
        isDirty = false;
        sent += await pass();
      }
      return sent;
    } finally {
      isRunning = false;
    }
  }

  return {
    manifestFor,
    offerCurrent,
    publishNow,
    /** Counts for tests and the load report: manifests serialised, passes run, sessions passed over. */
    stats,
    /** Nothing waiting or running: every change so far has been passed over. */
    get isIdle(): boolean {
      return !isScheduled && !isRunning && pending !== 'all' && pending.size === 0;
    },
    /**
     * Call after a catalogue change of this node; several changes in one tick cause one pass, over the
     * screens they affect. Returns those screens (what the cluster signal names to the other nodes).
     */
    catalogueChanged(): AffectedScreens {
      const now = catalogue.read();
      const affected = affectedScreens(seen, now);
      seen = now;
      pending = unionAffected(pending, affected);
      schedule();
      return affected;
    },
    /**
     * Other nodes' commits were adopted (synced from the shared store, so no object is shared with the
     * snapshot before): their own answer says which screens they affect, or `all` when it is not known.
     */
    adopted(named: AffectedScreens): void {
      seen = catalogue.read();
      pending = unionAffected(pending, named);
      schedule();
    },
    /** Time moved on (a local midnight, an alert's expiry): every player is offered its manifest again. */
    republishAll(): void {
      seen = catalogue.read();
      pending = 'all';
      schedule();
    },
  };
}
