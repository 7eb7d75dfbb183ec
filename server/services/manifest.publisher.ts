// Pushes each connected player the manifest it should air, and only when its version changed.
// A catalogue change passes over the players of the screens it can affect (playlists/affected-screens.ts),
// not over every player: an alert for one township costs that township. Screens with equal rules share
// one manifest: it is built and serialised once per pass and the same bytes go to every player that
// accepts a shared manifest (players that do not get their `screenId` spliced in); players that read the
// compact form get that (each item once, loops as indexes), older ones the full form. A pass runs in slices,
// so heartbeats and the API are answered while 10,000 are sent or built. A player that said `manifest-patch`
// and confirmed the frame it holds gets what changed from it (playlists/manifest-patch.ts) when that is
// much smaller: each (held frame, new frame) patch is computed and serialised once, the same bytes for all.
// A pass that meets more than WORKER_THRESHOLD new keys hands the builds of the rest to the build worker
// (manifest.build-worker.ts) and delivers their frames as they come back: the event loop stays free for
// heartbeats and the API while 10,000 screens whose rules all differ are built. Those frames lie in the
// worker's frame arena (frame-arena.ts): each is held until every send of it was written.
import type { FastifyBaseLogger } from 'fastify';
import { LRUCache } from 'lru-cache';
import { diffManifest, type Json } from '../../playlists/manifest-patch.js';
import { affectedScreens, unionAffected, type AffectedScreens } from '../../playlists/affected-screens.js';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Display } from '../../playlists/build-manifest.js';
import type { Catalogue, ScreenMode } from '../../playlists/catalogue.schema.js';
import type { Manifest } from '../../playlists/manifest.schema.js';
import { compactManifestJson, manifestKey, sharedManifestJson } from '../../playlists/timeline-manifest.js';
import type { Clock } from '../clock.js';
import type { Presence, PlayerSession } from '../gateway/presence.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import type { FramePlace } from './frame-arena.js';
import type { BuildScreen, BuildWorker, WorkerFrame } from './manifest.build-worker.js';
import { compactManifestFrame, FRAME_OPEN, jsonOfFrame, manifestFrame } from './manifest-frames.js';

/** How long a pass runs before it yields to other work (heartbeats, acks, /healthz): builds of screens whose rules all differ take ~0.5 ms each. */
const SLICE_MS = 15;
/** A hello reuses a frame built this recently for the same rules: a reconnect storm builds a few, not thousands. */
const FRAME_REUSE_MS = 1000;
/** Frames kept per pass: enough for every screen of a county sharing a few, bounded when rules all differ (each one tens of KB). */
const MAX_FRAMES = 2000;
/** Compact frames kept as patch bases: the few versions a county's players hold (screens whose rules all differ get full frames). */
const MAX_BASES = 256;
/** Patches kept by (base frame, new frame): a pass and the hellos after it reuse them. */
const MAX_PATCHES = 512;
/** Diffs per pass: past this (rules that all differ: every pair is new) the rest get full frames, cheaper than diffing each. */
const MAX_DIFFS_PER_PASS = 200;
/** A patch goes out only when it is under this share of the full frame; otherwise the full frame is as cheap to send. */
const MAX_PATCH_SHARE = 0.5;
/**
 * New builds a pass makes on the main thread before it hands the rest to the build worker: a township's alert
 * or a county sharing a few rules stays here (no catalogue to send), 10,000 distinct screens go there. The
 * first ones are built here, so the first players get theirs before the worker has the catalogue.
 */
const WORKER_THRESHOLD = 64;
/**
 * Screens the build thread builds (and drops) when it is started ahead of the first large pass, so that its
 * code is optimised by then: with 1,000 the first push to 10,000 distinct screens cost the server ~0.4 s less
 * CPU than with 128 (V8's compiler and collector threads; docs/scaling.md, twentieth session). The warm-up
 * takes 1.5–1.9 s after a start with 10,000 screens (1.0 s with 128), on the build thread.
 */
const WARM_SCREENS = 1000;

/**
 * One manifest, serialised once per form and only when some player takes that form: `compact` for players
 * that read the compact manifest, `shared` for those that take one without their screenId, `tail` to splice
 * a screenId into for the rest.
 */
interface Frames {
  /** Names this build among those of the same version (built at another instant, `reason` and `generatedAt` differ): what a patch starts from. */
  id: number;
  version: string;
  /** The build; for one the worker made, how to make it again here (only the rare full forms need it). */
  manifest: Manifest | (() => Manifest);
  json?: string;
  shared?: Buffer;
  compact?: Buffer;
  /** The compact form's JSON (null: none), kept while the frame may be a patch base. */
  compactJson?: string | null;
  /** Built by the worker: `compact` is its frame, compact (true) or the full form (false). */
  workerCompact?: boolean;
  /** The worker's frame lies in its arena: `compact` is read only while the place is live (made again here after). */
  place?: FramePlace;
}
/** A frame a player may hold, as the patch base: its JSON (or the compact frame that carries it), parsed when first diffed against. */
interface Base {
  version: string;
  json?: string;
  frame?: Uint8Array;
  /** Where `frame` lies in the worker's arena: unreadable (no patch from it) once the place is not live. */
  place?: FramePlace;
  value?: Json;
}

/** Milliseconds since the epoch with the monotonic clock's precision: comparable with the load simulator's times. */
const wallNow = () => performance.timeOrigin + performance.now();
/** The `manifests pushed` line waits this long at most for the last frame to be written. */
const WRITTEN_WAIT_MS = 10_000;
/** Frames by manifest key, the least recently used evicted past MAX_FRAMES; NO_MANIFEST where nothing airs. */
const NO_MANIFEST = Symbol('no manifest');
type FrameCache = LRUCache<string, Frames | typeof NO_MANIFEST>;
const newFrameCache = (): FrameCache => new LRUCache({ max: MAX_FRAMES });

/** Where a pass's time went, in ms from the commit of the change it went over (null: nothing of that kind). */
export interface PassTiming {
  sent: number;
  /** The commit, epoch ms (the load simulator's clock). */
  committedAt: number;
  passMs: number;
  firstSendMs: number | null;
  lastSendMs: number | null;
  /** The last frame handed to the kernel (or dropped), at most WRITTEN_WAIT_MS after the pass. */
  lastWrittenMs: number | null;
}

export type ManifestPublisher = ReturnType<typeof createManifestPublisher>;

export function createManifestPublisher(deps: {
  catalogue: CatalogueStore;
  presence: Presence;
  clock: Clock;
  log: FastifyBaseLogger;
  /** The zone of screens that have none of their own. */
  timeZone: string;
  /** Builds of large passes; none: every build on this thread. */
  buildWorker?: BuildWorker | null;
  /** New builds a pass makes here before it hands the rest to the worker (tests lower it). */
  workerThreshold?: number;
}) {
  const { catalogue, presence, clock, log, timeZone } = deps;
  const buildWorker = deps.buildWorker ?? null;
  const workerThreshold = deps.workerThreshold ?? WORKER_THRESHOLD;
  const options = { timeZone };
  /** `inWorker`: manifests the worker built (`inArena` of them came in its frame arena); `workerFailures`: passes whose worker failed and whose rest was built here. */
  const stats = { serialised: 0, inWorker: 0, inArena: 0, workerFailures: 0, passes: 0, visited: 0, lastVisited: 0, patched: 0, lastPass: null as PassTiming | null };
  /** The catalogue the latest change was measured against: the next one is measured from here. */
  let seen: Readonly<Catalogue> = catalogue.read();
  /** Screens the next pass goes over. */
  let pending: AffectedScreens = new Set();
  let isScheduled = false;
  let isRunning = false;
  let isDirty = false;
  /** Frames of the latest pass (or hellos since), for the catalogue and instant they were built at. */
  let recent: { catalogue: Readonly<Catalogue>; at: number; frames: FrameCache } | null = null;
  let nextFrameId = 1;
  const bases = new LRUCache<number, Base>({ max: MAX_BASES });
  /** Serialised patch frames by `base>next` frame ids; '' where the full frame goes instead. */
  const patches = new LRUCache<string, Buffer | ''>({ max: MAX_PATCHES });
  let diffsLeft = MAX_DIFFS_PER_PASS;
  /** When the first change the next pass goes over was committed (0: none yet), for the pass's timings. */
  let changedAt = 0;

  /** Without a display (preview of an offline screen) stills are chosen for 1920×1080; the mode defaults to the screen's last one. */
  const manifestFor = (screenId: string, display?: Display, mode?: ScreenMode): Manifest | null =>
    buildManifest(catalogue.read(), { id: screenId, ...(display ? { display } : {}), ...(mode ? { mode } : {}) }, clock.now(), options);

  function serialise(manifest: Manifest | null): Frames | null {
    if (!manifest) return null;
    stats.serialised++;
    return { id: nextFrameId++, version: manifest.version, manifest };
  }

  /** A frame the worker built: the bytes as they came, the manifest made again here only if a full form is asked. */
  function fromWorker(built: WorkerFrame, rebuild: () => Manifest | null): Frames | null {
    if (!built) return null;
    stats.serialised++;
    stats.inWorker++;
    if (built.place) stats.inArena++;
    return { id: nextFrameId++, version: built.version, manifest: () => rebuild()!, compact: built.frame, workerCompact: built.isCompact, ...(built.place ? { place: built.place } : {}) };
  }
  /**
   * Before a worker's frame is sent again after its place in the arena was given back (a hello soon after the
   * pass, a session of the same rules met late in it): copied out while the worker has not written over it
   * yet, else forgotten and made again from the build.
   */
  function settlePlace(f: Frames): void {
    const { place } = f;
    if (!place || place.canHold) return;
    if (place.isLive) f.compact = Buffer.from(f.compact!);
    else {
      f.compact = undefined;
      f.workerCompact = undefined;
    }
    f.place = undefined;
  }
  const manifestOf = (f: Frames): Manifest => (typeof f.manifest === 'function' ? (f.manifest = f.manifest()) : f.manifest);
  const fullJson = (f: Frames) => (f.json ??= sharedManifestJson(manifestOf(f)));
  function compactJson(f: Frames): string | null {
    if (f.compactJson === undefined) f.compactJson = f.workerCompact === undefined ? compactManifestJson(manifestOf(f)) : f.workerCompact ? jsonOfFrame(f.compact!) : null;
    return f.compactJson;
  }
  /** The compact frame, written from the build's pieces; the full form for a manifest not built here. */
  const compactFrame = (f: Frames): Buffer => compactManifestFrame(manifestOf(f), () => fullJson(f)).bytes;
  /** The bytes for this session, made the first time a session of that form needs them. */
  function frameFor(session: PlayerSession, f: Frames): Buffer | string {
    if (session.acceptsSharedManifest && session.acceptsCompactManifest) return (f.compact ??= compactFrame(f));
    if (session.acceptsSharedManifest) return (f.shared ??= manifestFrame(fullJson(f)));
    return `{"type":"manifest","manifest":{"screenId":${JSON.stringify(session.screenId)},${fullJson(f).slice(1)}}`;
  }

  /** What a session's manifest is built for (its display and mode may be unknown: undefined, which the catalogue's do not fill in). */
  const screenOf = (session: PlayerSession): BuildScreen => ({ id: session.screenId, display: session.display, mode: session.mode });

  /** The frames for this session's rules, from `frames` or built now. */
  function framesFor(cat: Readonly<Catalogue>, now: Date, frames: FrameCache, session: PlayerSession): Frames | null {
    const screen = screenOf(session);
    const key = manifestKey(cat, screen, now, options);
    let f = frames.get(key);
    if (f === undefined) frames.set(key, (f = serialise(buildManifest(cat, screen, now, options)) ?? NO_MANIFEST));
    return f === NO_MANIFEST ? null : f;
  }

  /** Keeps the compact frame as a base for the patches of players that will hold it. */
  function keepAsBase(f: Frames): void {
    if (bases.has(f.id)) return;
    // A worker's frame is kept as it is: its JSON is read from it only if a patch is ever made from it.
    if (f.workerCompact !== undefined) {
      if (f.workerCompact) bases.set(f.id, { version: f.version, frame: f.compact!, ...(f.place ? { place: f.place } : {}) });
      return;
    }
    const json = compactJson(f);
    if (json !== null) bases.set(f.id, { version: f.version, json });
  }
  /** The base's value; null when it lay in the worker's arena and was written over (the player gets a whole frame). */
  function parsed(b: Base): Json | null {
    if (b.value === undefined && b.place && !b.place.isLive) return null;
    return (b.value ??= JSON.parse(b.json ?? jsonOfFrame(b.frame!)) as Json);
  }

  /** The patch frame from the frame this session holds to `f`, when there is one worth sending. */
  function patchFor(session: PlayerSession, f: Frames): Buffer | null {
    const held = session.patchBase;
    if (!held || !session.acceptsManifestPatch || !session.acceptsCompactManifest || !session.acceptsSharedManifest) return null;
    const pair = `${held.frame}>${f.id}`;
    let frame = patches.get(pair);
    if (frame === undefined) {
      const base = bases.get(held.frame);
      if (!base || diffsLeft <= 0) return null;
      const from = parsed(base);
      if (from === null) {
        bases.delete(held.frame);
        return null;
      }
      const next = compactJson(f);
      if (next === null) return null;
      diffsLeft--;
      stats.patched++;
      const patch = diffManifest(from, JSON.parse(next) as Json);
      const bytes = patch && Buffer.from(`{"type":"manifest-patch","base":${JSON.stringify(base.version)},"patch":${JSON.stringify(patch)}}`);
      frame = bytes && bytes.length < MAX_PATCH_SHARE * (f.compact ??= compactFrame(f)).length ? bytes : '';
      patches.set(pair, frame);
    }
    return frame || null;
  }

  /** Sends the frames if the session does not have that version yet; returns whether it sent. */
  function deliver(session: PlayerSession, f: Frames | null, onWritten?: () => void): boolean {
    if (!f || f.version === session.sentManifestVersion) return false;
    settlePlace(f);
    const patch = patchFor(session, f);
    session.sentManifestVersion = f.version;
    // Until the player confirms this one, no patch starts from a frame it may have left.
    session.patchBase = null;
    if (session.acceptsManifestPatch) {
      session.sentManifestFrame = f.id;
      keepAsBase(f);
    }
    const bytes = patch ?? frameFor(session, f);
    const { place } = f;
    // Bytes in the worker's arena are held until the socket has written them (or dropped them), once.
    if (place && bytes === f.compact) {
      place.hold();
      let isHeld = true;
      session.sendManifest(bytes, () => {
        if (!isHeld) return;
        isHeld = false;
        place.release();
        onWritten?.();
      });
    } else session.sendManifest(bytes, onWritten);
    return true;
  }

  /** A newly connected player: its manifest, unless it already airs that version. */
  function offerCurrent(session: PlayerSession): boolean {
    const cat = catalogue.read();
    const now = clock.now();
    if (!recent || recent.catalogue !== cat || now.getTime() - recent.at > FRAME_REUSE_MS) recent = { catalogue: cat, at: now.getTime(), frames: newFrameCache() };
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
    const committedAt = changedAt;
    changedAt = 0;
    const sessions = sessionsOf(screens);
    if (sessions.length === 0) return 0;
    const passAt = wallNow();
    const cat = catalogue.read();
    const now = clock.now();
    const frames = newFrameCache();
    recent = { catalogue: cat, at: now.getTime(), frames };
    stats.passes++;
    diffsLeft = MAX_DIFFS_PER_PASS;
    const serialisedBefore = stats.serialised;
    const patchedBefore = stats.patched;
    const inWorkerBefore = stats.inWorker;
    const inArenaBefore = stats.inArena;
    stats.visited += sessions.length;
    stats.lastVisited = sessions.length;
    // Where a push's time goes (epoch ms, as the load simulator stamps arrivals): the change committed, the
    // pass began, the first and the last frame handed to a socket, the last one written out.
    const timing = { committedAt: committedAt || passAt, passAt, firstSendAt: 0, lastSendAt: 0, lastWrittenAt: 0, slices: 1 };
    let unwritten = 1;
    let logged = false;
    /** `inWorker`: built by the worker; `inArena` of them came in its frame arena (the others, on their own, while sockets held it). */
    const logPass = (sent: number, distinct: number, patches: number, worker: { inWorker: number; inArena: number }) => {
      if (logged) return;
      logged = true;
      const at = (t: number) => (t ? Math.round((t - timing.committedAt) * 10) / 10 : null);
      stats.lastPass = { sent, committedAt: Math.round(timing.committedAt * 10) / 10, passMs: at(timing.passAt)!, firstSendMs: at(timing.firstSendAt), lastSendMs: at(timing.lastSendAt), lastWrittenMs: at(timing.lastWrittenAt) };
      log.info({ distinct, patches, ...(worker.inWorker ? worker : {}), visited: sessions.length, slices: timing.slices, ...stats.lastPass }, 'manifests pushed');
    };
    let done = () => undefined as void;
    const written = () => {
      timing.lastWrittenAt = wallNow();
      if (--unwritten === 0) done();
    };
    let sent = 0;
    const send = (session: PlayerSession, f: Frames | null) => {
      unwritten++;
      if (deliver(session, f, written)) {
        sent++;
        timing.lastSendAt = wallNow();
        timing.firstSendAt ||= timing.lastSendAt;
      } else unwritten--;
    };
    let sliceStart = performance.now();
    let handOver: HandOver | null = null;
    /** Yields to other work once the slice is used up; keys found meanwhile go to the worker first, so it keeps busy. */
    const breathe = async () => {
      if (performance.now() - sliceStart <= SLICE_MS) return;
      handOver?.flush();
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
      timing.slices++;
    };
    const context = { cat, now, frames, send, breathe, restartSlice: () => (sliceStart = performance.now()) };
    let builtHere = 0;
    for (const session of sessions) {
      await breathe();
      await handOver?.deliverAnswered();
      const screen = screenOf(session);
      const key = manifestKey(cat, screen, now, options);
      let f = frames.get(key);
      if (f === undefined) {
        if (!handOver && buildWorker && builtHere >= workerThreshold) handOver = startHandOver(buildWorker, context);
        if (handOver?.take(key, screen, session)) continue;
        builtHere++;
        frames.set(key, (f = serialise(buildManifest(cat, screen, now, options)) ?? NO_MANIFEST));
      }
      send(session, f === NO_MANIFEST ? null : f);
    }
    await handOver?.finish();
    if (sent) {
      const distinct = stats.serialised - serialisedBefore;
      const patches = stats.patched - patchedBefore;
      const worker = { inWorker: stats.inWorker - inWorkerBefore, inArena: stats.inArena - inArenaBefore };
      done = () => logPass(sent, distinct, patches, worker);
      // Logged once every frame is written (or after WRITTEN_WAIT_MS: a socket that never drains).
      setTimeout(done, WRITTEN_WAIT_MS).unref();
      written();
    }
    return sent;
  }

  type HandOver = ReturnType<typeof startHandOver>;
  /**
   * The rest of a pass's new keys go to the worker, one screen each; the sessions of a key wait for its frame
   * and get it as it comes back, in the order the keys were met. If the worker fails, what it did not answer
   * is built here, so the pass ends as it would have without it.
   */
  function startHandOver(
    worker: BuildWorker,
    pass: { cat: Readonly<Catalogue>; now: Date; frames: FrameCache; send(session: PlayerSession, f: Frames | null): void; breathe(): Promise<void>; restartSlice(): void },
  ) {
    const { cat, now, frames, send, breathe } = pass;
    const build = (screen: BuildScreen) => buildManifest(cat, screen, now, options);
    /** Sessions by the key they wait for; keys in the order handed over, and the frames answered for them so far. */
    const waiting = new Map<string, PlayerSession[]>();
    const handed: { key: string; screen: BuildScreen }[] = [];
    const answers: (Frames | null)[] = [];
    let toHand: BuildScreen[] = [];
    let answered = 0;
    let isFailed = false;
    let wake: (() => void) | null = null;
    const rouse = () => {
      const resume = wake;
      wake = null;
      resume?.();
    };
    const job = worker.startPass(cat, now, {
      onBuilt(built) {
        for (const b of built) {
          const { screen } = handed[answers.length]!;
          answers.push(fromWorker(b, () => build(screen)));
        }
        rouse();
      },
      onFailed(error) {
        isFailed = true;
        stats.workerFailures++;
        log.warn({ err: error }, 'manifest build worker failed: the rest of the pass is built on the main thread');
        rouse();
      },
    });
    const flush = () => {
      if (toHand.length === 0) return;
      const screens = toHand;
      toHand = [];
      job.add(screens);
    };
    /** Delivers what was answered so far, in slices. */
    const deliverAnswered = async () => {
      while (answered < answers.length) {
        const { key } = handed[answered]!;
        const f = answers[answered]!;
        // Delivered: not held to the end of the pass (10,000 distinct screens' frames are ~160 MB); the frame
        // cache still keeps the latest MAX_FRAMES for the sessions and hellos that share a key.
        answers[answered++] = null;
        frames.set(key, f ?? NO_MANIFEST);
        const sessionsOfKey = waiting.get(key)!;
        waiting.delete(key);
        // The worker's frame is held from its arrival until every session of its rules was sent it.
        const place = f?.place;
        for (const session of sessionsOfKey) {
          await breathe();
          send(session, f);
        }
        place?.release();
      }
    };
    return {
      /** Whether this session waits for a key handed over (false: the worker failed, build it here). */
      take(key: string, screen: BuildScreen, session: PlayerSession): boolean {
        const sessionsOfKey = waiting.get(key);
        if (sessionsOfKey) return sessionsOfKey.push(session) > 0;
        if (isFailed) return false;
        waiting.set(key, [session]);
        handed.push({ key, screen });
        // The first at once: the worker takes the catalogue in while the next keys are worked out.
        if (toHand.push(screen) === 1 && handed.length === 1) flush();
        return true;
      },
      flush,
      deliverAnswered,
      /** Waits for (or, after a failure, builds) every frame handed over, delivering each as it comes. */
      async finish() {
        flush();
        job.finish();
        while (answered < handed.length) {
          if (answered === answers.length) {
            if (isFailed) {
              await breathe();
              answers.push(serialise(build(handed[answers.length]!.screen)));
            } else {
              await new Promise<void>((resolve) => (wake = resolve));
              pass.restartSlice();
            }
          }
          await deliverAnswered();
        }
      },
    };
  }

  /**
   * A fleet larger than a pass builds here has the build thread started now, not at its first large pass:
   * that pass would otherwise wait for the thread to start, take the whole catalogue in and compile its code
   * (docs/scaling.md, twentieth session). Called at the start and after each run of passes (a fleet that
   * grew): never before a pass, whose builds would then queue behind the warm-up's in the new thread.
   */
  function warmBuilds(): void {
    if (!buildWorker || buildWorker.thread) return;
    const cat = catalogue.read();
    if (cat.screens.length <= workerThreshold) return;
    const started = performance.now();
    buildWorker.warm(cat, clock.now(), cat.screens.slice(0, WARM_SCREENS).map((s) => ({ id: s.id }))).then(
      (built) => built > 0 && log.info({ screens: cat.screens.length, built, ms: Math.round(performance.now() - started) }, 'manifest build thread warmed before the first large pass'),
      // Its first large pass starts another (and says so if that fails too).
      (error: unknown) => log.warn({ err: error }, 'manifest build thread failed while warming'),
    );
  }
  warmBuilds();

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
      warmBuilds();
    }
  }

  return {
    manifestFor,
    offerCurrent,
    /**
     * The player confirmed it applied `version` (manifest-applied): when that is the frame sent last, patches
     * may start from it. Anything else (an older frame's late answer) leaves the next push a full frame.
     */
    applied(session: PlayerSession, version: string): void {
      session.appliedManifestVersion = version;
      session.patchBase = session.acceptsManifestPatch && version === session.sentManifestVersion && session.sentManifestFrame ? { frame: session.sentManifestFrame, version } : null;
    },
    /** The player cannot use what it got (a patch for another base, a result that fails the schema): the whole manifest again. */
    resendWhole(session: PlayerSession): boolean {
      session.patchBase = null;
      session.sentManifestVersion = null;
      return offerCurrent(session);
    },
    publishNow,
    /** Counts for tests and the load report: manifests serialised, passes run, sessions passed over, patches computed. */
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
      changedAt ||= wallNow();
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
      changedAt ||= wallNow();
      seen = catalogue.read();
      pending = unionAffected(pending, named);
      schedule();
    },
    /** Time moved on (a local midnight, an alert's expiry): every player is offered its manifest again. */
    republishAll(): void {
      changedAt ||= wallNow();
      seen = catalogue.read();
      pending = 'all';
      schedule();
    },
  };
}
