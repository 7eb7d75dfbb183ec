// Entry of the browser player (`/player?mode=screen|audio&lang=zh|en`): wires storage, the airing
// loop, the play-record queue and the server connection together. Each piece lives in its own module.
import './zod-jitless.js';
import type { Manifest, ManifestItem } from '../playlists/manifest.schema.js';
import type { PlanSegment } from '../playlists/airing-plan.js';
import { createClock } from './clock.js';
import { createConnection, playerSocketUrl } from './connection.js';
import {
  forgetIdentity,
  loadPairingState,
  loadSavedManifest,
  loadScreenId,
  loadToken,
  saveManifest,
  savePairingState,
  saveScreenId,
  saveToken,
  type PairingState,
} from './identity.js';
import { followLayoutOf } from './layout.js';
import { createLoop } from './loop.js';
import { airsHere } from './airs-here.js';
import { createAppliedAnswer } from './applied-answer.js';
import { createOfflineCache } from './offline.js';
import { createOverlay, IDENTIFY_MS } from './overlay.js';
import { createPairingView } from './pairing-view.js';
import { applyPatchFrame, type HeldManifest } from './manifest-patching.js';
import type { Json } from '../playlists/manifest-patch.js';
import { createPlayQueue, newRecordId } from './play-records.js';
import {
  CAPABILITY_COMPACT_MANIFEST,
  CAPABILITY_MANIFEST_PATCH,
  CAPABILITY_SHARED_MANIFEST,
  CLOSE_PROTOCOL_VERSION,
  CLOSE_UNAUTHORISED,
  MAX_ERRORS_PER_HEARTBEAT,
  PROTOCOL_VERSION,
  type PlayerError,
  type PlayerMessage,
  type ServerMessage,
} from './protocol.js';
import { browserRecordStore } from './record-store.js';
import { audioSlide } from './render-audio.js';
import { imageSlide } from './render-image.js';
import { textSlide } from './render-text.js';
import { videoSlide } from './render-video.js';
import { createLayer, type Slide } from './slide.js';
import { createSoundGate } from './sound-gate.js';
import { createStatusPanel } from './status-panel.js';
import { STATION_STRINGS } from './station-strings.js';
import { nextBroadcast, quietState } from './station-status.js';
import { createVolumeControl } from './volume.js';
import { browserStorage } from './storage.js';
import { FALLBACK_SLOGAN, STRINGS } from './strings.js';
import { createWatchdog } from './watchdog.js';

export const PLAYER_VERSION = '0.1.0';

const params = new URLSearchParams(location.search);
const mode = params.get('mode') === 'audio' ? 'audio' : 'screen';
const strings = STRINGS[params.get('lang') === 'en' ? 'en' : 'zh'];
const root = document.documentElement;
const stage = document.getElementById('stage') ?? document.body.appendChild(Object.assign(document.createElement('div'), { id: 'stage' }));
root.dataset.mode = mode;
followLayoutOf(root, stage);
root.dataset.connection = 'offline';

const storage = browserStorage();
const clock = createClock(storage);

// What went wrong since the last heartbeat (skipped items, cache failures, a watchdog reload).
const errors: PlayerError[] = [];
function report(kind: PlayerError['kind'], message: string, itemId?: string): void {
  errors.push({ at: clock.now().toISOString(), kind, message: message.slice(0, 500), ...(itemId ? { itemId } : {}) });
  if (errors.length > MAX_ERRORS_PER_HEARTBEAT) errors.splice(0, errors.length - MAX_ERRORS_PER_HEARTBEAT);
}
const WATCHDOG_NOTE_KEY = 'crier.watchdogReload';
const watchdogNote = storage.getItem(WATCHDOG_NOTE_KEY);
if (watchdogNote) {
  report('stall', watchdogNote);
  storage.removeItem(WATCHDOG_NOTE_KEY);
}
const offline = createOfflineCache({ root, onErrors: (messages) => messages.forEach((m) => report('cache', m)) });
let storageEstimate: { usage: number; quota: number } | null = null;
const estimateStorage = () =>
  void navigator.storage
    ?.estimate()
    .then((e) => (storageEstimate = { usage: e.usage ?? 0, quota: e.quota ?? 0 }))
    .catch(() => {});
let screenId = loadScreenId(storage);
let token = loadToken(storage, screenId);
let pairing = loadPairingState(storage);
/** Set once the server refused us: nothing more is recorded or sent before the page reloads. */
let isRefused = false;
let screenName = '';
let timeZone: string | undefined;
let isOnline = false;
let lastSync: Date | null = null;
let airingNow: ManifestItem | null = null;
let airingNext: ManifestItem | null = null;
if (screenId) root.dataset.screenId = screenId;

const overlay = createOverlay(document.body);
const pairingView = createPairingView(document.body, strings);
// Audio station: the status page, redrawn on every change and once a second (its clock).
let latestManifest: Manifest | null = null;
let airingSource = '';
let airingProgramme: string | null = null;
let airingEndsAt: Date | null = null;
let connectionSince = clock.now();
const canAir = (item: ManifestItem, segment?: PlanSegment) => airsHere(mode, item, segment);
const panel = mode === 'audio' ? createStatusPanel(document.body, STATION_STRINGS[params.get('lang') === 'en' ? 'en' : 'zh'], () => timeZone) : null;
const renderPanel = () => {
  if (!panel) return;
  const now = clock.now();
  panel.render({
    clock: now,
    screenName,
    now: airingNow ? { title: airingNow.title, isBroadcast: airingSource === 'broadcast', programme: airingProgramme, endsAt: airingEndsAt } : null,
    next: airingNext ? { title: airingNext.title, at: airingEndsAt } : null,
    nextBroadcast: nextBroadcast(latestManifest, now, canAir),
    volume: volume.state,
    quiet: quietState(latestManifest, now),
    isOnline,
    connectionSince,
    lastSync,
  });
};
if (panel) setInterval(renderPanel, 1000);

// Every audio and video element follows the volume in force; new ones take it as they load.
let volumeLevel = 1;
const setElementVolume = (element: EventTarget | null) => {
  if (element instanceof HTMLMediaElement) element.volume = volumeLevel;
};
for (const type of ['loadstart', 'play']) document.addEventListener(type, (event) => setElementVolume(event.target), true);
const volume = createVolumeControl({
  now: clock.now,
  apply(level, state) {
    volumeLevel = level / 100;
    document.querySelectorAll('audio, video').forEach(setElementVolume);
    root.dataset.volume = String(level);
    root.dataset.volumeSource = state.source;
    renderPanel();
  },
});

// Sound the browser blocks (no kiosk flag, no tap yet): said in large type; a tap lifts it and retries.
const soundGate = createSoundGate(document.body, strings, () => loop.clockChanged());
const onSoundBlocked = (element: HTMLMediaElement, mutedInstead: boolean) => {
  soundGate.blocked(element, mutedInstead);
  report('other', `sound blocked by the browser's autoplay policy (${element.tagName.toLowerCase()})`);
};

function prepare(item: ManifestItem): Slide {
  switch (item.type) {
    case 'text':
      return textSlide(stage, item.slogan ?? { headline: item.title, theme: 'alert' }, item.durationMs);
    case 'image':
      return imageSlide(stage, item);
    case 'video':
      // Sound on only where the screen is set so (playlists/sound.ts); it follows the volume like audio.
      return videoSlide(stage, item, { withSound: latestManifest?.timeline?.sound === true, onSoundBlocked });
    case 'audio':
      return audioSlide(stage, item, { showCard: mode === 'screen', label: strings.broadcasting, onSoundBlocked });
  }
}

/** An audio station has its status panel on screen, so its fallback is silence, not a slogan. */
function idleSlide(): Slide {
  const layer = createLayer(stage, 'slide-idle');
  return { ready: Promise.resolve(), play: () => new Promise(() => {}), dispose: () => layer.remove() };
}

// A large fleet's answers to one push come spread out, as the server asks (applied-answer.ts).
const appliedAnswer = createAppliedAnswer({ send: (version) => void connection.send({ type: 'manifest-applied', version }) });
const loop = createLoop({
  canAir,
  prepare,
  fallback: () => (mode === 'audio' ? idleSlide() : textSlide(stage, FALLBACK_SLOGAN, null)),
  now: clock.now,
  newId: newRecordId,
  onAiring(item, next, segment) {
    watchdog.progress();
    // Performance marks for benchmarks and a technician: the frame an item first shows in.
    requestAnimationFrame(() => {
      if (!performance.getEntriesByName('crier:first-frame').length) performance.mark('crier:first-frame');
      performance.mark('crier:frame', { detail: { itemId: item?.id ?? null, type: item?.type ?? 'fallback' } });
    });
    airingNow = item;
    airingNext = next;
    airingSource = segment?.sourceKind ?? '';
    // The programme's name and when this item ends (its length, or sooner at its segment's end).
    const startedAt = clock.now().getTime();
    airingEndsAt = item && segment ? new Date(Math.min(startedAt + item.durationMs, segment.end)) : null;
    airingProgramme = latestManifest?.timeline?.segments.find((s) => s.key === segment?.key)?.playlistName ?? null;
    // Stable hooks for end-to-end tests and for a technician with devtools.
    stage.dataset.segment = segment?.key ?? '';
    stage.dataset.source = segment?.sourceKind ?? '';
    stage.dataset.startedAt = clock.now().toISOString();
    if (item) {
      stage.dataset.itemId = item.id;
      stage.dataset.mediaId = item.mediaId;
      stage.dataset.type = item.type;
      // Consoles see it at once, not at the next heartbeat; an alert shows as one.
      if (!isRefused) connection.send({ type: 'airing', itemId: item.id, mediaId: item.mediaId, startedAt: stage.dataset.startedAt, isAlert: segment?.sourceKind === 'alert' });
    } else {
      delete stage.dataset.itemId;
      delete stage.dataset.mediaId;
      stage.dataset.type = 'fallback';
    }
    renderPanel();
  },
  onApplied(manifest) {
    root.dataset.manifestVersion = manifest.version;
    appliedAnswer.applied(manifest.version);
    offline.sync(loop.manifests);
  },
  onStart: (record) => {
    if (!isRefused) queue.open({ ...record, clockOffsetMs: clock.offsetMs });
  },
  onRecord: (record) => {
    if (!isRefused) queue.close({ ...record, clockOffsetMs: clock.offsetMs });
  },
  onEnded(item) {
    watchdog.progress();
    performance.mark('crier:ended', { detail: { itemId: item.id, type: item.type } });
  },
  onError: (item, message) => report('item-failed', message, item.id),
});

const queue = createPlayQueue({
  store: browserRecordStore((error) => report('storage', `IndexedDB unavailable, records kept in memory: ${String(error)}`)),
  legacy: storage,
  send: (records, batch) => !isRefused && connection.send({ type: 'plays', records, batch }),
  onStoreError: (error) => report('storage', `play record not persisted: ${String(error)}`),
});
// While an item airs its record's end moves forward, so a power cut leaves a record ending near the cut.
setInterval(() => queue.touch(clock.now()), 5000);

const watchdog = createWatchdog({ now: () => performance.now(), phase: () => loop.phase, currentDurationMs: () => loop.currentItem?.durationMs ?? null });
// A video that advances is progress; media events do not bubble, but a capturing listener sees them.
stage.addEventListener('timeupdate', () => watchdog.progress(), true);
/** Reloads at most this often, so a page that stalls at once after loading does not reload in a tight loop. */
const WATCHDOG_MIN_RELOAD_GAP_MS = 120_000;
const WATCHDOG_RELOADED_AT_KEY = 'crier.watchdogReloadedAt';
setInterval(() => {
  if (!isLoopStarted) return;
  const overdue = watchdog.overdueMs();
  if (overdue <= 0) return;
  const last = Number(storage.getItem(WATCHDOG_RELOADED_AT_KEY)) || 0;
  if (Date.now() - last < WATCHDOG_MIN_RELOAD_GAP_MS && Date.now() >= last) return;
  const message = `no progress while ${loop.phase} (${loop.currentItem?.id ?? 'no item'}), ${Math.round(overdue / 1000)} s overdue: reloaded`;
  console.warn(`crier: watchdog: ${message}`);
  try {
    storage.setItem(WATCHDOG_NOTE_KEY, message);
    storage.setItem(WATCHDOG_RELOADED_AT_KEY, String(Date.now()));
  } catch {
    // Reload anyway.
  }
  location.reload();
}, 5000);

// Round trips for the clock offset: local send times of the hello and of recent heartbeats.
let helloSentLocal = 0;
const beatsSent = new Map<string, number>();
clock.onChange((offsetMs, previous) => {
  root.dataset.clockOffsetMs = String(offsetMs);
  if (Math.abs(offsetMs - previous) < 20) return;
  if (isLoopStarted) loop.clockChanged(offsetMs - previous);
  volume.start();
});

const connection = createConnection({
  url: playerSocketUrl(location),
  hello: (): PlayerMessage => {
    helloSentLocal = clock.localNow();
    return {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      ...(screenId ? { screenId } : {}),
      ...(token ? { token } : {}),
      playerVersion: PLAYER_VERSION,
      mode,
      capabilities: [...(mode === 'audio' ? ['audio'] : ['text', 'image', 'video', 'audio']), CAPABILITY_SHARED_MANIFEST, CAPABILITY_COMPACT_MANIFEST, CAPABILITY_MANIFEST_PATCH],
      screen: {
        width: Math.max(1, Math.round(innerWidth || screen.width)),
        height: Math.max(1, Math.round(innerHeight || screen.height)),
        pixelRatio: Math.min(8, devicePixelRatio || 1),
      },
      manifestVersion: loop.appliedVersion,
    };
  },
  heartbeat: (): PlayerMessage => {
    const sentAt = clock.now().toISOString();
    beatsSent.set(sentAt, clock.localNow());
    while (beatsSent.size > 8) beatsSent.delete(beatsSent.keys().next().value!);
    estimateStorage();
    const segment = stage.dataset.segment ? { key: stage.dataset.segment, source: stage.dataset.source ?? '' } : null;
    return {
      type: 'heartbeat',
      sentAt,
      airing: loop.airing,
      manifestVersion: loop.appliedVersion,
      uptimeMs: Math.round(performance.now()),
      playerVersion: PLAYER_VERSION,
      segment,
      cache: offline.state,
      storage: storageEstimate,
      clockOffsetMs: clock.offsetMs,
      ...(clock.roundTripMs !== null ? { roundTripMs: Math.round(clock.roundTripMs) } : {}),
      pendingPlays: queue.size,
      errors: errors.splice(0),
      volume: volume.state,
      soundBlocked: soundGate.isBlocked,
    };
  },
  onMessage: handle,
  onInvalid(json) {
    if ((json as { type?: unknown } | null)?.type === 'manifest-patch') wantWholeManifest('malformed');
  },
  onOnline(online) {
    if (online !== isOnline) connectionSince = clock.now();
    if (!online) appliedAnswer.reset();
    isOnline = online;
    root.dataset.connection = online ? 'online' : 'offline';
    renderPanel();
  },
  onClose(code) {
    // The server speaks another protocol version: a fresh page load fetches the matching player.
    if (code === CLOSE_PROTOCOL_VERSION) setTimeout(() => location.reload(), 30_000 + Math.random() * 60_000);
    if (code === CLOSE_UNAUTHORISED) refused();
  },
});

/** The manifest received last in the form it came (compact), what the next `manifest-patch` applies to. */
let heldWire: HeldManifest | null = null;
/** A patch this player cannot use: it keeps airing what it has and asks for the whole manifest. */
function wantWholeManifest(reason: string): void {
  console.warn(`crier: manifest patch not applied (${reason}), asking for the whole manifest`);
  heldWire = null;
  connection.send({ type: 'manifest-wanted', version: loop.appliedVersion });
}

function receiveManifest(manifest: Manifest): void {
  saveManifest(storage, manifest);
  // Not airing (code only, not authorised): nothing is prepared, so no media is even fetched.
  latestManifest = manifest;
  volume.setManifest(manifest);
  if (isLoopStarted) {
    loop.setManifest(manifest);
    offline.sync(loop.manifests);
  }
}

function handle(message: ServerMessage, json?: unknown): void {
  lastSync = clock.now();
  switch (message.type) {
    case 'welcome':
      if (helloSentLocal) clock.sample(helloSentLocal, clock.localNow(), message.serverTime);
      appliedAnswer.told(message.appliedSpreadMs, true);
      lastSync = clock.now();
      // The corrected clock may sit across a boundary: re-arm the loop's and the volume's timers.
      loop.clockChanged();
      volume.start();
      connectionSince = clock.now();
      screenId = message.screenId;
      screenName = message.screenName;
      timeZone = message.timeZone;
      saveScreenId(storage, screenId);
      root.dataset.screenId = screenId;
      setPairing(
        message.pairingCode
          ? { code: message.pairingCode, display: message.unclaimedDisplay ?? 'campaign', isUnauthorised: pairing.isUnauthorised }
          : { code: null, display: pairing.display, isUnauthorised: false },
      );
      // A new socket: resend everything unacknowledged (the server deduplicates by id).
      queue.connectionReset();
      queue.flush();
      break;
    case 'manifest':
      heldWire = { version: message.manifest.version, wire: (json as { manifest: Json }).manifest };
      receiveManifest(message.manifest);
      break;
    case 'manifest-patch': {
      const outcome = applyPatchFrame(heldWire, message);
      if (!outcome.ok) {
        wantWholeManifest(outcome.reason);
        break;
      }
      heldWire = outcome.held;
      receiveManifest(outcome.manifest);
      break;
    }
    case 'heartbeat-ack': {
      appliedAnswer.told(message.appliedSpreadMs);
      const sent = message.echo ? beatsSent.get(message.echo) : undefined;
      if (sent !== undefined) {
        beatsSent.delete(message.echo!);
        clock.sample(sent, clock.localNow(), message.serverTime);
      }
      break;
    }
    case 'plays-ack':
      // Busy or deferred: the queue waits as told before resending (the ack names the batch).
      queue.answer(message);
      break;
    case 'command':
      if (message.command === 'volume') {
        if (message.volume !== undefined) volume.command(message.volume);
        connection.send({ type: 'command-ack', commandId: message.id });
      } else void runCommand(message.id, message.command);
      break;
    case 'paired':
      // Claimed by staff: keep the token with the id, confirm, and air as the claimed screen.
      screenId = message.screenId;
      token = message.token;
      screenName = message.screenName;
      saveScreenId(storage, screenId);
      saveToken(storage, screenId, token);
      connection.send({ type: 'paired-ack', screenId });
      setPairing({ code: null, display: pairing.display, isUnauthorised: false });
      showClaimedName(message.screenName);
      break;
    case 'unauthorised':
      console.warn(`crier: not authorised (${message.reason}): ${message.message}`);
      refused();
      break;
    case 'error':
      console.warn(`crier: server error ${message.reason}: ${message.message}`);
      break;
  }
  renderPanel();
}

/** Whether this player may air now: not when refused, nor while unclaimed under the code-only setting. */
const mayAir = (state: PairingState) => !state.isUnauthorised && !(state.code && state.display === 'code-only');
let isLoopStarted = false;

function screenSize(): string {
  const ratio = devicePixelRatio || 1;
  return `${Math.round(innerWidth * ratio)}×${Math.round(innerHeight * ratio)}`;
}

/** After a claim, the new name shows in the corner for a while (the code is gone). */
let claimedNameTimer: ReturnType<typeof setTimeout> | undefined;
function showClaimedName(name: string): void {
  if (!isLoopStarted) return; // a reload follows
  pairingView.render({ kind: 'claimed', name });
  clearTimeout(claimedNameTimer);
  claimedNameTimer = setTimeout(renderPairing, IDENTIFY_MS);
}

function renderPairing(): void {
  const size = screenSize();
  if (pairing.isUnauthorised) pairingView.render({ kind: 'unauthorised', code: pairing.code, size });
  else if (!pairing.code) pairingView.render({ kind: 'claimed' });
  else pairingView.render({ kind: pairing.display === 'code-only' ? 'code-only' : 'unclaimed', code: pairing.code, size });
}

/** Stores the new pairing state; stops airing at once, or (allowed again) starts afresh with a reload. */
function setPairing(next: PairingState): void {
  pairing = next;
  savePairingState(storage, next);
  renderPairing();
  if (!mayAir(next) && isLoopStarted) stopAiring();
  else if (mayAir(next) && !isLoopStarted) void reloadSoon();
}

/** In place, not by reloading: a kiosk without localStorage would otherwise reload in a loop. */
function stopAiring(): void {
  loop.stop();
  isLoopStarted = false;
  // A media element taken out of the document is paused by the browser: no sound keeps going.
  for (const media of stage.querySelectorAll('video, audio')) (media as HTMLMediaElement).pause();
  stage.replaceChildren();
  airingNow = airingNext = null;
  delete stage.dataset.itemId;
  delete stage.dataset.mediaId;
  stage.dataset.type = 'none';
}

/** The server refused this player (revoked or unknown token): stop airing, forget who we were, get a fresh code. */
function refused(): void {
  if (isRefused) return;
  isRefused = true;
  screenId = undefined;
  token = undefined;
  forgetIdentity(storage);
  // Records of a revoked screen can no longer be attributed to an authorised one.
  void queue.forgetAll();
  delete root.dataset.screenId;
  setPairing({ code: null, display: pairing.display, isUnauthorised: true });
}

async function reloadSoon(): Promise<void> {
  // Let a last frame (paired-ack) leave before the page and its socket go away.
  for (let i = 0; i < 20 && connection.bufferedAmount > 0; i++) await new Promise((r) => setTimeout(r, 50));
  location.reload();
}

async function runCommand(commandId: string, command: 'reload' | 'identify'): Promise<void> {
  if (command === 'identify') {
    await overlay.identify(screenName, pairing.code ?? screenId ?? '');
    connection.send({ type: 'command-ack', commandId });
    return;
  }
  connection.send({ type: 'command-ack', commandId });
  // Let the ack leave before the page (and its socket) goes away; pagehide records the cut item.
  for (let i = 0; i < 20 && connection.bufferedAmount > 0; i++) await new Promise((r) => setTimeout(r, 50));
  location.reload();
}

// The item on screen when the page goes away is recorded as cut; localStorage takes it synchronously
// in case IndexedDB cannot finish before the page is gone (a power cut leaves the open record instead).
addEventListener('pagehide', () => {
  loop.stop();
  if (!isRefused) queue.persistUrgently();
});

renderPairing();
if (mayAir(pairing)) {
  const saved = loadSavedManifest(storage);
  if (saved) {
    loop.setManifest(saved);
    latestManifest = saved;
    volume.setManifest(saved);
  }
  volume.start();
  loop.start();
  isLoopStarted = true;
}
renderPanel();
connection.start();
void offline.register().then(() => offline.sync(loop.manifests));
