// Shared playback for video and audio: ready once the element can play, over on `ended`, with a
// safety timeout so a stalled stream never freezes the loop.
import type { ManifestItem } from '../playlists/manifest.schema.js';
import { showLayer, type Outcome, type Slide } from './slide.js';
import { isNotAllowed } from './sound-gate.js';

/** Grace beyond the manifest's duration before a still-running item counts as stalled. */
export const MEDIA_SAFETY_MS = 5000;

export interface MediaHooks {
  /** The autoplay policy refused sound; `mutedInstead`: a video airs on muted meanwhile. */
  onSoundBlocked?(element: HTMLMediaElement, mutedInstead: boolean): void;
}

export function mediaSlide(element: HTMLMediaElement, layer: HTMLElement, item: ManifestItem, hooks: MediaHooks = {}): Slide {
  let isDisposed = false;
  let safety: ReturnType<typeof setTimeout> | undefined;
  const listeners: [string, () => void][] = [];
  const on = (type: string, fn: () => void) => {
    element.addEventListener(type, fn);
    listeners.push([type, fn]);
  };

  element.preload = 'auto';
  element.src = item.url ?? '';

  const ready = new Promise<void>((resolve, reject) => {
    if (!item.url) return reject(new Error(`${item.type} without url`));
    on('canplay', () => resolve());
    on('error', () => reject(new Error(`cannot load ${item.url}: ${element.error?.message ?? 'media error'}`)));
  });

  function play(): Promise<Outcome> {
    showLayer(layer);
    return new Promise<Outcome>((resolve) => {
      on('ended', () => resolve('completed'));
      // A playlist may trim a clip: stop at its duration and count that as aired in full.
      on('timeupdate', () => {
        if (element.currentTime * 1000 >= item.durationMs) resolve('completed');
      });
      on('error', () => resolve('failed'));
      safety = setTimeout(() => resolve('cut'), item.durationMs + MEDIA_SAFETY_MS);
      element.currentTime = 0;
      // NotAllowedError (autoplay policy) and decode errors both mean the item cannot air now, except
      // a video refused its sound: it airs muted (never black) and the operator is told why.
      element.play().catch(async (error: unknown) => {
        if (isDisposed) return;
        if (isNotAllowed(error) && element instanceof HTMLVideoElement && !element.muted) {
          hooks.onSoundBlocked?.(element, true);
          element.muted = true;
          try {
            return void (await element.play());
          } catch (retry) {
            error = retry;
          }
        } else if (isNotAllowed(error)) hooks.onSoundBlocked?.(element, false);
        if (isDisposed) return;
        console.warn(`crier: ${item.type} ${item.id} did not start`, error);
        resolve('failed');
      });
    });
  }

  return {
    ready,
    play,
    dispose() {
      if (isDisposed) return;
      isDisposed = true;
      clearTimeout(safety);
      for (const [type, fn] of listeners) element.removeEventListener(type, fn);
      element.pause();
      // Dropping the source frees the decoder and network buffer; months of looping must not leak.
      element.removeAttribute('src');
      element.load();
      layer.remove();
    },
  };
}
