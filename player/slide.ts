// What the loop airs: a slide is prepared off screen (that is the preload), then played on stage.
// Each slide is a full-stage layer, hidden until its turn, so the previous one stays up meanwhile.

/** completed: aired in full; cut: stopped early (stall, reload); failed: could not air. */
export type Outcome = 'completed' | 'cut' | 'failed';

export interface Slide {
  /** Resolves when the slide can go on screen at once; rejects if it never can. */
  readonly ready: Promise<void>;
  /** Shows and starts the slide; resolves when its airing is over. */
  play(): Promise<Outcome>;
  /** Releases everything (timers, decoders, listeners, the layer). Safe to call twice. */
  dispose(): void;
}

// Local to #stage (a fixed element is its own stacking context), so overlays outside it stay on top.
let topLayer = 0;

export function createLayer(stage: HTMLElement, className: string): HTMLDivElement {
  const layer = document.createElement('div');
  layer.className = `layer ${className}`;
  stage.append(layer);
  return layer;
}

/** Puts a layer above every earlier one and makes it visible. */
export function showLayer(layer: HTMLElement): void {
  layer.style.zIndex = String(++topLayer);
  layer.classList.add('is-live');
}

/** Resolves after ms; the returned cancel stops the timer (disposed slides must not fire later). */
export function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Stills and slogans: on screen for durationMs, or until disposed when durationMs is null (fallback). */
export function timedPlay(layer: HTMLElement, durationMs: number | null): { play: () => Promise<Outcome>; cancel: () => void } {
  let wait: ReturnType<typeof delay> | undefined;
  return {
    play() {
      showLayer(layer);
      if (durationMs === null) return new Promise<Outcome>(() => {});
      wait = delay(Math.max(1000, durationMs));
      return wait.promise.then(() => 'completed' as const);
    },
    cancel: () => wait?.cancel(),
  };
}
