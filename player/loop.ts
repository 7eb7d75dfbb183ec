// The airing loop: one item after another, the next one prepared while the current one airs, a new
// manifest taken at the next item boundary, a play record for every item, and never a black screen.
// DOM-free (slides come from env.prepare), so its rules are unit-tested in Node.
import type { Manifest, ManifestItem } from '../playlists/manifest.schema.js';
import type { PlayRecord } from './protocol.js';
import type { Outcome, Slide } from './slide.js';

export interface LoopEnv {
  /** Which items this player airs (an audio station skips slides and pictures). */
  canAir(item: ManifestItem): boolean;
  prepare(item: ManifestItem): Slide;
  /** The built-in slogan (or an idle slide): on when there is nothing, or nothing that works. */
  fallback(): Slide;
  now(): Date;
  newId(): string;
  onAiring(item: ManifestItem | null, next: ManifestItem | null): void;
  onApplied(manifest: Manifest): void;
  onRecord(record: PlayRecord): void;
}

export interface LoopOptions {
  /** A slide not ready by then (a huge file on a slow link) is skipped. */
  prepareTimeoutMs?: number;
  /** After every item failed in a row, the fallback airs this long before the loop tries again. */
  fallbackRetryMs?: number;
}

interface Target {
  manifest: Manifest;
  index: number;
  item: ManifestItem;
}

const noop = () => {};

export function createLoop(env: LoopEnv, { prepareTimeoutMs = 20_000, fallbackRetryMs = 15_000 }: LoopOptions = {}) {
  let applied: Manifest | null = null;
  let pending: Manifest | null = null;
  let position = -1;
  let failuresInARow = 0;
  let onScreen: Slide | null = null;
  let isFallbackOnScreen = false;
  let prepared: { key: string; slide: Slide } | null = null;
  let current: (Target & { startedAt: Date }) | null = null;
  let wake: () => void = noop;
  let isStopped = false;

  const airable = (m: Manifest) => m.items.filter((item) => env.canAir(item));
  const keyOf = (t: Target) => `${t.manifest.version}#${t.index}`;

  function peek(): Target | null {
    const manifest = pending ?? applied;
    if (!manifest) return null;
    const items = airable(manifest);
    if (items.length === 0) return null;
    const index = pending ? 0 : (position + 1) % items.length;
    return { manifest, index, item: items[index]! };
  }

  /** Moves to the next target; this is the item boundary where a pending manifest takes over. */
  function advance(): Target | null {
    if (pending) {
      applied = pending;
      pending = null;
      position = -1;
      failuresInARow = 0;
      env.onApplied(applied);
    }
    const target = peek();
    if (target) position = target.index;
    return target;
  }

  function prepare(item: ManifestItem): Slide {
    const slide = env.prepare(item);
    // A discarded preload may still reject later; that must not surface as an unhandled rejection.
    slide.ready.catch(noop);
    return slide;
  }

  function prepareNext(): void {
    const next = peek();
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

  function record(target: Target, startedAt: Date, completed: boolean): void {
    // The clock may be corrected mid-item (a welcome arrives); a record must never end before it starts.
    const endedAt = new Date(Math.max(env.now().getTime(), startedAt.getTime()));
    env.onRecord({
      id: env.newId(),
      itemId: target.item.id,
      mediaId: target.item.mediaId,
      hash: target.item.hash,
      manifestVersion: target.manifest.version,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      completed,
    });
  }

  /** Shows the built-in slogan and waits for a new manifest or the retry time. */
  async function airFallback(retryMs: number | null): Promise<void> {
    if (!isFallbackOnScreen) {
      const slide = env.fallback();
      await slide.ready.catch(noop);
      if (isStopped) return slide.dispose();
      void slide.play();
      putOnScreen(slide, true);
      env.onAiring(null, null);
    }
    await new Promise<void>((resolve) => {
      // A manifest may have arrived while the fallback was getting ready, before `wake` was set.
      if (pending || isStopped) return resolve();
      const timer = retryMs === null ? undefined : setTimeout(resolve, retryMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = noop;
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
        // Nothing airable: wait for a manifest, but look again now and then in case one was missed.
        await airFallback(applied ? fallbackRetryMs : null);
        continue;
      }
      const slide = takePrepared(target);
      const attemptedAt = env.now();
      try {
        await waitReady(slide);
      } catch (error) {
        console.warn(`crier: skipping ${target.item.type} ${target.item.id}`, error);
        slide.dispose();
        record(target, attemptedAt, false);
        await afterFailure(target);
        continue;
      }
      if (isStopped) return slide.dispose();
      const startedAt = env.now();
      const outcome: Promise<Outcome> = slide.play();
      putOnScreen(slide, false);
      current = { ...target, startedAt };
      prepareNext();
      env.onAiring(target.item, peek()?.item ?? null);
      const result = await outcome;
      if (isStopped) return;
      current = null;
      record(target, startedAt, result === 'completed');
      if (result === 'failed') await afterFailure(target);
      else failuresInARow = 0;
    }
  }

  async function afterFailure(target: Target): Promise<void> {
    failuresInARow++;
    if (failuresInARow >= airable(target.manifest).length) {
      failuresInARow = 0;
      await airFallback(fallbackRetryMs);
    }
  }

  return {
    start(): void {
      void run().catch((error: unknown) => console.error('crier: the airing loop stopped', error));
    },
    /** Takes effect at the next item boundary, or at once while only the fallback is on screen. */
    setManifest(manifest: Manifest): void {
      if (manifest.version === (pending ?? applied)?.version) return;
      pending = manifest.version === applied?.version ? null : manifest;
      prepareNext();
      if (isFallbackOnScreen || !current) wake();
    },
    /** The page is going away (reload, shutdown): the item on screen is recorded as cut. */
    stop(): void {
      if (isStopped) return;
      isStopped = true;
      if (current) record(current, current.startedAt, false);
      current = null;
      wake();
    },
    get airing(): { itemId: string; mediaId: string; startedAt: string } | null {
      return current ? { itemId: current.item.id, mediaId: current.item.mediaId, startedAt: current.startedAt.toISOString() } : null;
    },
    get appliedVersion(): string | null {
      return applied?.version ?? null;
    },
    /** The manifest most recently received, whether or not it airs yet. */
    get latestVersion(): string | null {
      return (pending ?? applied)?.version ?? null;
    },
  };
}
export type AiringLoop = ReturnType<typeof createLoop>;
