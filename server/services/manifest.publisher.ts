// Pushes each connected player the manifest it should air, and only when its version changed.
// A catalogue change passes over the players of the screens it can affect (playlists/affected-screens.ts),
// not over every player: an alert for one township costs that township. Screens with equal rules share
// one manifest: it is built and serialised once per pass and the same bytes go to every player that
// accepts a shared manifest (players that do not get their `screenId` spliced in); players that read the
// compact form get that (each item once, loops as indexes), older ones the full form. A pass runs in slices,
// so heartbeats and the API are answered while 10,000 are sent or built.
import type { FastifyBaseLogger } from 'fastify';
import { affectedScreens, unionAffected, type AffectedScreens } from '../../playlists/affected-screens.js';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Display } from '../../playlists/build-manifest.js';
import type { Catalogue, ScreenMode } from '../../playlists/catalogue.schema.js';
import type { Manifest } from '../../playlists/manifest.schema.js';
import { compactManifestJson, manifestKey, sharedManifestJson } from '../../playlists/timeline-manifest.js';
import type { Clock } from '../clock.js';
import type { Presence, PlayerSession } from '../gateway/presence.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

/** How long a pass runs before it yields to other work (heartbeats, acks, /healthz): builds of screens whose rules all differ take ~0.5 ms each. */
const SLICE_MS = 15;
/** A hello reuses a frame built this recently for the same rules: a reconnect storm builds a few, not thousands. */
const FRAME_REUSE_MS = 1000;
/** Frames kept per pass: enough for every screen of a county sharing a few, bounded when rules all differ (each one tens of KB). */
const MAX_FRAMES = 2000;

/**
 * One manifest, serialised once per form and only when some player takes that form: `compact` for players
 * that read the compact manifest, `shared` for those that take one without their screenId, `tail` to splice
 * a screenId into for the rest.
 */
interface Frames {
  version: string;
  manifest: Manifest;
  json?: string;
  shared?: Buffer;
  compact?: Buffer;
}

const manifestFrame = (json: string) => Buffer.from(`{"type":"manifest","manifest":${json}}`);

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
    return { version: manifest.version, manifest };
  }

  const fullJson = (f: Frames) => (f.json ??= sharedManifestJson(f.manifest));
  /** The bytes for this session, made the first time a session of that form needs them. */
  function frameFor(session: PlayerSession, f: Frames): Buffer | string {
    if (session.acceptsSharedManifest && session.acceptsCompactManifest) return (f.compact ??= manifestFrame(compactManifestJson(f.manifest) ?? fullJson(f)));
    if (session.acceptsSharedManifest) return (f.shared ??= manifestFrame(fullJson(f)));
    return `{"type":"manifest","manifest":{"screenId":${JSON.stringify(session.screenId)},${fullJson(f).slice(1)}}`;
  }

  /** The frames for this session's rules, from `frames` or built now. */
  function framesFor(cat: Readonly<Catalogue>, now: Date, frames: Map<string, Frames | null>, session: PlayerSession): Frames | null {
    const screen = { id: session.screenId, display: session.display, mode: session.mode };
    const key = manifestKey(cat, screen, now, options);
    let f = frames.get(key);
    if (f === undefined) {
      if (frames.size >= MAX_FRAMES) frames.clear();
      frames.set(key, (f = serialise(buildManifest(cat, screen, now, options))));
    }
    return f;
  }

  /** Sends the frames if the session does not have that version yet; returns whether it sent. */
  function deliver(session: PlayerSession, f: Frames | null): boolean {
    if (!f || f.version === session.sentManifestVersion) return false;
    session.sentManifestVersion = f.version;
    session.sendManifest(frameFor(session, f));
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
    const serialisedBefore = stats.serialised;
    stats.visited += sessions.length;
    stats.lastVisited = sessions.length;
    let sent = 0;
    let sliceStart = performance.now();
    for (const session of sessions) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      if (deliver(session, framesFor(cat, now, frames, session))) sent++;
    }
    if (sent) log.info({ sent, distinct: stats.serialised - serialisedBefore, visited: sessions.length }, 'manifests pushed');
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
