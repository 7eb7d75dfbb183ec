// The airing loop: one item after another, the next one prepared while the current one airs, a new
// manifest taken at the next item boundary, a play record for every item, and never a black screen.
// It follows the manifest's timeline by itself (playlists/airing-plan.ts): at a segment boundary —
// a daypart, a fixed-time broadcast, an alert, quiet hours — the item on air is cut at that second,
// unless the next segment continues the same airing with that item still in it. A manifest that
// changes what airs right now (an alert, a cleared alert, a new schedule) cuts in at once.
// DOM-free (slides come from env.prepare), so its rules are unit-tested in Node.
import { onceIndexAt, planSegmentAt, type PlanSegment } from '../playlists/airing-plan.js';
import type { Manifest, ManifestItem } from '../playlists/manifest.schema.js';
import type { PlayRecord } from './protocol.js';
import type { Outcome, Slide } from './slide.js';

export interface LoopEnv {
  /** Which items this player airs (an audio station skips slides and pictures). */
  canAir(item: ManifestItem, segment?: PlanSegment): boolean;
  prepare(item: ManifestItem): Slide;
  /** The built-in slogan (or an idle slide): on when there is nothing, or nothing that works. */
  fallback(): Slide;
  now(): Date;
  newId(): string;
  onAiring(item: ManifestItem | null, next: ManifestItem | null, segment: PlanSegment | null): void;
  onApplied(manifest: Manifest): void;
  onRecord(record: PlayRecord): void;
  /** An item went on air: its record so far (same id as the final one), to persist at once. */
  onStart?(record: PlayRecord): void;
  /** An item's airing is over (for performance marks and the watchdog). */
  onEnded?(item: ManifestItem, outcome: Outcome): void;
  /** An item could not air and was skipped (reported with the next heartbeat). */
  onError?(item: ManifestItem, message: string): void;
}

/** What the loop is doing: `waiting` is deliberate (fallback, nothing to air), the others must make progress. */
export type LoopPhase = 'starting' | 'preparing' | 'airing' | 'waiting' | 'stopped';

export interface LoopOptions {
  /** A slide not ready by then (a huge file on a slow link) is skipped. */
  prepareTimeoutMs?: number;
  /** After every item failed in a row, the fallback airs this long before the loop tries again. */
  fallbackRetryMs?: number;
}

interface Target {
  manifest: Manifest;
  segment: PlanSegment;
  index: number;
  item: ManifestItem;
}

const noop = () => {};
/**
 * An item cut this close to its planned end counts as aired in full: a broadcast's segment is exactly its
 * airtime, so a clip that started a few ms late meets the boundary just before its last (padding) frames.
 */
export const END_GRACE_MS = 1000;
/** setTimeout's ceiling; a boundary further away is looked at again later. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createLoop(env: LoopEnv, { prepareTimeoutMs = 20_000, fallbackRetryMs = 15_000 }: LoopOptions = {}) {
  let applied: Manifest | null = null;
  let pending: Manifest | null = null;
  /** Where each airing (segment key) is in its loop, so a loop resumes after a broadcast. */
  let positions = new Map<string, number>();
  let failuresInARow = 0;
  let onScreen: Slide | null = null;
  let isFallbackOnScreen = false;
  let prepared: { key: string; slide: Slide } | null = null;
  let current: (Target & { startedAt: Date; recordId: string; plannedAt: number }) | null = null;
  /** The previous airing, for the next item's planned start. */
  let previous: { segmentKey: string; plannedEnd: number } | null = null;
  let phase: LoopPhase = 'starting';
  let wake: () => void = noop;
  let cut: (() => void) | null = null;
  let boundaryTimer: ReturnType<typeof setTimeout> | undefined;
  let isStopped = false;

  const now = () => env.now().getTime();
  const airable = (segment: PlanSegment) => segment.items.filter((item) => env.canAir(item, segment));
  const keyOf = (t: Target) => `${t.manifest.version}#${t.segment.key}#${t.index}`;

  /** What airs at instant `at` after the current item: the next of its loop, or where a new segment starts. */
  function peek(at = now()): Target | null {
    const manifest = pending ?? applied;
    if (!manifest) return null;
    const segment = planSegmentAt(manifest, at);
    const items = airable(segment);
    if (items.length === 0) return null;
    const last = pending ? undefined : positions.get(segment.key);
    let index: number;
    if (segment.mode === 'once') {
      index = last !== undefined ? last + 1 : onceIndexAt(items, at - (segment.anchor ?? segment.start));
      if (index < 0 || index >= items.length) return null;
    } else {
      index = last === undefined ? 0 : (last + 1) % items.length;
    }
    return { manifest, segment, index, item: items[index]! };
  }

  /** Moves to the next target; this is the item boundary where a pending manifest takes over. */
  function advance(): Target | null {
    if (pending) {
      applied = pending;
      pending = null;
      positions = new Map();
      failuresInARow = 0;
      env.onApplied(applied);
    }
    const target = peek();
    if (target) positions.set(target.segment.key, target.index);
    return target;
  }

  function prepare(item: ManifestItem): Slide {
    const slide = env.prepare(item);
    // A discarded preload may still reject later; that must not surface as an unhandled rejection.
    slide.ready.catch(noop);
    return slide;
  }

  function prepareNext(): void {
    const at = current ? Math.min(current.startedAt.getTime() + current.item.durationMs, current.segment.end) : now();
    const next = peek(at);
    if (prepared && (!next || prepared.key !== keyOf(next))) {
      prepared.slide.dispose();
      prepared = null;
    }
    if (next && !prepared) prepared = { key: keyOf(next), slide: prepare(next.item) };
  }

  function takePrepared(target: Target): Slide {
    const slide = prepared?.key === keyOf(target) ? prepared.slide : prepare(target.item);
    if (prepared && prepared.slide !== slide) prepared.slide.dispose();
    prepared = null;
    return slide;
  }

  function putOnScreen(slide: Slide, isFallback: boolean): void {
    const previous = onScreen;
    onScreen = slide;
    isFallbackOnScreen = isFallback;
    if (previous && previous !== slide) previous.dispose();
  }

  function baseRecord(id: string, target: Target, startedAt: Date, plannedAt: number): PlayRecord {
    return {
      id,
      itemId: target.item.id,
      mediaId: target.item.mediaId,
      hash: target.item.hash,
      manifestVersion: target.manifest.version,
      startedAt: startedAt.toISOString(),
      endedAt: startedAt.toISOString(),
      completed: false,
      plannedStartedAt: new Date(plannedAt).toISOString(),
    };
  }

  function record(target: Target, startedAt: Date, outcome: Outcome, id = env.newId(), plannedAt = startedAt.getTime()): void {
    // The clock may be corrected mid-item (a welcome arrives); a record must never end before it starts.
    const endedAt = new Date(Math.max(now(), startedAt.getTime()));
    env.onRecord({ ...baseRecord(id, target, startedAt, plannedAt), endedAt: endedAt.toISOString(), completed: outcome === 'completed', outcome });
  }

  /**
   * When the timeline meant this item to start: a broadcast's items from its anchor on; the next item of
   * a loop when the previous one was due to end; a new segment at its start; otherwise now (a fresh start).
   */
  function plannedStart(target: Target, attemptedAt: number): number {
    const segment = target.segment;
    if (segment.mode === 'once' && segment.anchor !== null) {
      const items = airable(segment);
      let offset = 0;
      for (let i = 0; i < target.index && i < items.length; i++) offset += items[i]!.durationMs;
      return segment.anchor + offset;
    }
    if (previous?.segmentKey === segment.key) return previous.plannedEnd;
    if (previous && Number.isFinite(segment.start) && segment.start <= attemptedAt) return segment.start;
    return attemptedAt;
  }

  /** True when what airs at `at` is no longer the item on air: another airing, or one without this item. */
  function mustCut(at: number): boolean {
    if (!current) return false;
    const manifest = pending ?? applied;
    if (!manifest) return false;
    const segment = planSegmentAt(manifest, at);
    return segment.key !== current.segment.key || !airable(segment).some((i) => i.id === current!.item.id && i.hash === current!.item.hash);
  }

  function cutNow(): void {
    cut?.();
  }

  /** Arms a timer for the end of the current segment, where the item on air may have to be cut. */
  function armBoundary(): void {
    clearTimeout(boundaryTimer);
    if (!current || isStopped) return;
    // A manifest still waiting for the item boundary already decides where this airing ends.
    const manifest = pending ?? applied;
    const end = manifest ? planSegmentAt(manifest, now()).end : current.segment.end;
    if (!Number.isFinite(end)) return;
    const wait = end - now();
    boundaryTimer = setTimeout(() => {
      if (!current) return;
      if (now() < end - 1) return armBoundary(); // the clock was corrected meanwhile
      if (mustCut(end)) return cutNow();
      // The same airing goes on with this item in it: carry on, watching the next boundary.
      const manifest = (pending ?? applied)!;
      current.segment = planSegmentAt(manifest, end);
      armBoundary();
    }, Math.min(MAX_TIMER_MS, Math.max(0, wait)));
  }

  /** Milliseconds until the segment airing now ends (Infinity for an endless one). */
  function untilBoundary(): number {
    const manifest = pending ?? applied;
    if (!manifest) return Infinity;
    return Math.max(0, planSegmentAt(manifest, now()).end - now());
  }

  function sleep(ms: number | null): Promise<void> {
    return new Promise<void>((resolve) => {
      // A manifest may have arrived while the fallback was getting ready, before `wake` was set.
      if (pending || isStopped) return resolve();
      const timer = ms === null || !Number.isFinite(ms) ? undefined : setTimeout(resolve, Math.min(MAX_TIMER_MS, ms + 5));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (wake = noop));
  }

  /** Shows the built-in slogan and waits for a new manifest, the next boundary or the retry time. */
  async function airFallback(retryMs: number | null): Promise<void> {
    phase = 'waiting';
    if (!isFallbackOnScreen) {
      const slide = env.fallback();
      await slide.ready.catch(noop);
      if (isStopped) return slide.dispose();
      void slide.play();
      putOnScreen(slide, true);
      env.onAiring(null, null, applied ? planSegmentAt(applied, now()) : null);
    }
    await sleep(retryMs === null ? null : Math.min(retryMs, untilBoundary()));
  }

  function waitReady(slide: Slide): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('not ready in time')), prepareTimeoutMs);
    });
    return Promise.race([slide.ready, timeout]).finally(() => clearTimeout(timer));
  }

  async function run(): Promise<void> {
    while (!isStopped) {
      const target = advance();
      if (!target) {
        const manifest = applied;
        const segment = manifest ? planSegmentAt(manifest, now()) : null;
        // A broadcast that finished a moment early: hold its last frame until its segment ends.
        if (segment?.mode === 'once' && airable(segment).length > 0 && untilBoundary() < 10_000) {
          phase = 'waiting';
          await sleep(untilBoundary());
          continue;
        }
        // Nothing airable: wait for a manifest or the next segment, looking again now and then.
        await airFallback(manifest ? fallbackRetryMs : null);
        continue;
      }
      const slide = takePrepared(target);
      const attemptedAt = env.now();
      const plannedAt = plannedStart(target, attemptedAt.getTime());
      phase = 'preparing';
      try {
        await waitReady(slide);
      } catch (error) {
        console.warn(`crier: skipping ${target.item.type} ${target.item.id}`, error);
        env.onError?.(target.item, error instanceof Error ? error.message : String(error));
        slide.dispose();
        record(target, attemptedAt, 'failed', env.newId(), plannedAt);
        previous = { segmentKey: target.segment.key, plannedEnd: plannedAt };
        await afterFailure(target);
        continue;
      }
      if (isStopped) return slide.dispose();
      // The slide may have become ready after its segment ended (a slow file at a broadcast's second).
      if (mustCutTarget(target)) {
        slide.dispose();
        continue;
      }
      const startedAt = env.now();
      const cutSignal = new Promise<Outcome>((resolve) => (cut = () => resolve('cut')));
      const outcome: Promise<Outcome> = Promise.race([slide.play(), cutSignal]);
      putOnScreen(slide, false);
      const recordId = env.newId();
      current = { ...target, startedAt, recordId, plannedAt };
      phase = 'airing';
      previous = { segmentKey: target.segment.key, plannedEnd: Math.min(startedAt.getTime() + target.item.durationMs, target.segment.end) };
      env.onStart?.(baseRecord(recordId, target, startedAt, plannedAt));
      armBoundary();
      prepareNext();
      env.onAiring(target.item, peek(Math.min(startedAt.getTime() + target.item.durationMs, target.segment.end))?.item ?? null, target.segment);
      const result = await outcome;
      cut = null;
      clearTimeout(boundaryTimer);
      if (isStopped) return;
      current = null;
      // A cut within the last moment of the item (a broadcast's boundary falling on its end) aired it in full.
      const isNearEnd = now() >= startedAt.getTime() + target.item.durationMs - END_GRACE_MS;
      const final: Outcome = result === 'cut' && isNearEnd ? 'completed' : result;
      record(target, startedAt, final, recordId, plannedAt);
      env.onEnded?.(target.item, final);
      if (result === 'failed') env.onError?.(target.item, `${target.item.type} failed while airing`);
      // Sound must stop at the boundary (quiet hours, a broadcast cutting in), not when the next slide is ready.
      if (result === 'cut' && target.item.type === 'audio') putOnScreen(blank(), false);
      if (result === 'failed') await afterFailure(target);
      else failuresInARow = 0;
    }
  }

  function mustCutTarget(target: Target): boolean {
    const manifest = pending ?? applied;
    if (!manifest) return false;
    return planSegmentAt(manifest, now()).key !== target.segment.key;
  }

  function blank(): Slide {
    return { ready: Promise.resolve(), play: () => new Promise<Outcome>(noop), dispose: noop };
  }

  async function afterFailure(target: Target): Promise<void> {
    failuresInARow++;
    if (failuresInARow >= airable(target.segment).length) {
      failuresInARow = 0;
      await airFallback(fallbackRetryMs);
    }
  }

  return {
    start(): void {
      void run().catch((error: unknown) => console.error('crier: the airing loop stopped', error));
    },
    /**
     * Takes effect at the next item boundary, or at once while only the fallback is on screen, or
     * when it changes what should air right now (an alert, a cleared alert, a new daypart).
     */
    setManifest(manifest: Manifest): void {
      if (manifest.version === (pending ?? applied)?.version) return;
      pending = manifest.version === applied?.version ? null : manifest;
      prepareNext();
      if (isFallbackOnScreen || !current) wake();
      // Another airing now (not an edit of the one on air, which waits for the item boundary): cut in.
      else if (pending && current && planSegmentAt(pending, now()).key !== current.segment.key) cutNow();
      else armBoundary();
    },
    /** The page is going away (reload, shutdown): the item on screen is recorded as cut. */
    stop(): void {
      if (isStopped) return;
      isStopped = true;
      phase = 'stopped';
      clearTimeout(boundaryTimer);
      if (current) record(current, current.startedAt, 'cut', current.recordId, current.plannedAt);
      current = null;
      wake();
      cut?.();
    },
    /**
     * The clock was corrected by deltaMs (a better server-time estimate): boundary timers were armed on
     * the old time, so they are armed again; if what should air now is another segment, it cuts in at once.
     */
    clockChanged(deltaMs = 0): void {
      if (isStopped) return;
      // What was stamped with the old clock is moved to the new one: the item on air still ends when
      // its timer says, so its start (and the record's) is that much later or earlier in server time.
      if (current) current.startedAt = new Date(current.startedAt.getTime() + deltaMs);
      if (previous) previous.plannedEnd += deltaMs;
      if (current && mustCut(now())) cutNow();
      else armBoundary();
      // Preload what airs after this item by the corrected clock (a new segment may now come first).
      if (current) prepareNext();
      if (isFallbackOnScreen || !current) wake();
    },
    get phase(): LoopPhase {
      return phase;
    },
    /** The item on air (for the watchdog's bound). */
    get currentItem(): ManifestItem | null {
      return current?.item ?? null;
    },
    get airing(): { itemId: string; mediaId: string; startedAt: string } | null {
      return current ? { itemId: current.item.id, mediaId: current.item.mediaId, startedAt: current.startedAt.toISOString() } : null;
    },
    get appliedVersion(): string | null {
      return applied?.version ?? null;
    },
    /** The manifest airing and the one waiting for the next item boundary: what the offline cache must hold. */
    get manifests(): Manifest[] {
      return [applied, pending].filter((m): m is Manifest => m !== null);
    },
    /** The manifest most recently received, whether or not it airs yet. */
    get latestVersion(): string | null {
      return (pending ?? applied)?.version ?? null;
    },
  };
}
export type AiringLoop = ReturnType<typeof createLoop>;
