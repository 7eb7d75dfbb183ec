// Text slogans: the largest type that fits ~88% of the stage, whatever its shape (a 16:9 TV, a
// portrait totem, a 1920×270 LED strip), in the font the server ships, so every screen looks alike.
import type { Slogan } from '../playlists/catalogue.schema.js';
import { createLayer, delay, timedPlay, type Slide } from './slide.js';

export const FONT_FAMILY = '"Noto Sans SC"';
/** Share of the stage the text block may use, leaving a safe margin for bezels and overscan. */
const FIT_SHARE = 0.88;
const SUBLINE_RATIO = 0.45;
/** The smallest type ever used, whatever the stage. */
const MIN_SIZE = 8;
/** A screen without the font (server unreachable at first boot) must still show something soon. */
const FONT_WAIT_MS = 3000;

type SlideText = Pick<Slogan, 'headline' | 'subline'> & { theme: Slogan['theme']; variant?: Slogan['variant'] };

export function textSlide(stage: HTMLElement, slogan: SlideText, durationMs: number | null): Slide {
  if (slogan.variant === 'ticker') return tickerSlide(stage, slogan, durationMs);
  const layer = createLayer(stage, `slide-text theme-${slogan.theme}`);
  const box = document.createElement('div');
  box.className = 'slide-box';
  const headline = document.createElement('div');
  headline.className = 'slide-headline';
  setPhrases(headline, slogan.headline);
  box.append(headline);
  let subline: HTMLDivElement | null = null;
  if (slogan.subline) {
    subline = document.createElement('div');
    subline.className = 'slide-subline';
    setPhrases(subline, slogan.subline);
    box.append(subline);
  }
  layer.append(box);

  const refit = () => fitText(stage, box, headline, subline);
  const timed = timedPlay(layer, durationMs);
  const ready = loadFonts(`${slogan.headline}${slogan.subline ?? ''}`).then(refit);
  // The stage can change size (rotation, kiosk window) and a late font changes every width.
  globalThis.addEventListener('resize', refit);
  document.fonts?.addEventListener('loadingdone', refit);

  return {
    ready,
    play: timed.play,
    dispose() {
      timed.cancel();
      globalThis.removeEventListener('resize', refit);
      document.fonts?.removeEventListener('loadingdone', refit);
      layer.remove();
    },
  };
}

/** Loads only the unicode-range subsets these characters need, giving up after FONT_WAIT_MS. */
async function loadFonts(text: string): Promise<void> {
  if (!document.fonts) return;
  const wait = delay(FONT_WAIT_MS);
  const loads = Promise.all([document.fonts.load(`700 16px ${FONT_FAMILY}`, text), document.fonts.load(`400 16px ${FONT_FAMILY}`, text)]);
  await Promise.race([loads.catch(() => undefined), wait.promise]);
  wait.cancel();
}

/** Chinese has no spaces between words, so a browser breaks lines anywhere: "全民反 / 诈人人有责". */
const PHRASE_END = /(?<=[，。！？；：、,!?;:])/u;
/** Keep phrases whole when that costs at most this share of the type size. */
const PHRASE_SIZE_TOLERANCE = 0.7;

/**
 * Wraps the phrases of a slogan (split at spaces and after punctuation) in spans fitText can keep
 * whole. The text content stays exactly the slogan, spaces included.
 */
export function setPhrases(element: HTMLElement, text: string): void {
  element.replaceChildren();
  for (const token of text.split(/(\s+)/u)) {
    if (!token) continue;
    const last = element.lastChild;
    if (/^\s+$/u.test(token)) {
      element.append(token);
    } else if (/^[\p{P}\p{S}]+$/u.test(token) && last?.previousSibling instanceof HTMLElement) {
      // A lone separator ("·") joins the phrase before it rather than starting a line.
      last.remove();
      element.lastElementChild!.append(`${last.textContent}${token}`);
    } else {
      for (const part of token.split(PHRASE_END).filter(Boolean)) {
        const span = document.createElement('span');
        span.className = 'phrase';
        span.textContent = part;
        element.append(span);
      }
    }
  }
}

/**
 * The largest type that fits the stage. Lines break between phrases when that keeps the type nearly as
 * large, and anywhere otherwise; the subline follows the headline at a fixed ratio.
 */
export function fitText(stage: HTMLElement, box: HTMLElement, headline: HTMLElement, subline: HTMLElement | null): void {
  const maxWidth = Math.floor(stage.clientWidth * FIT_SHARE);
  const maxHeight = Math.floor(stage.clientHeight * FIT_SHARE);
  if (maxWidth <= 0 || maxHeight <= 0) return;
  box.style.width = `${maxWidth}px`;
  const apply = (size: number) => {
    headline.style.fontSize = `${size}px`;
    if (subline) subline.style.fontSize = `${Math.max(MIN_SIZE, Math.round(size * SUBLINE_RATIO))}px`;
  };
  // scrollWidth catches an unbreakable run (a phrase, a phone number, a Latin word) wider than the box.
  const fits = () =>
    box.scrollHeight <= maxHeight && headline.scrollWidth <= maxWidth && (!subline || subline.scrollWidth <= maxWidth);
  const largest = () => largestSize(maxHeight, apply, fits);
  let size = largest();
  for (const element of subline ? [headline, subline] : [headline]) {
    if (!element.querySelector('.phrase + .phrase, .phrase ~ .phrase')) continue;
    element.classList.add('keep-phrases');
    const kept = largest();
    if (kept >= size * PHRASE_SIZE_TOLERANCE) size = kept;
    else element.classList.remove('keep-phrases');
  }
  apply(size);
}

/** Binary search for the largest whole font size in [MIN_SIZE, high] for which fits() holds after apply(size). */
function largestSize(high: number, apply: (size: number) => void, fits: () => boolean): number {
  let low = MIN_SIZE;
  high = Math.max(low, high);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    apply(mid);
    if (fits()) low = mid;
    else high = mid;
  }
  return low;
}

// Tickers: one line of large type running right to left, for strip LED screens (1920×270). On a taller
// screen the strip becomes a band across the middle. Only the track's transform is animated (Web
// Animations, composited), and the text is laid out again only when the stage or the font changes.

/** Share of the band's height the line of type fills. */
const TICKER_LINE_SHARE = 0.7;
/** A band is at most this share of the stage width high, so a 16:9 or portrait screen gets a strip, not a wall. */
const TICKER_BAND_MAX_WIDTH_SHARE = 0.2;
/** Room before the first character when the ticker comes on, as a share of the stage width. */
const TICKER_LEAD_SHARE = 0.03;
/** The subline runs at this share of the headline's size, on the same line. */
const TICKER_SUBLINE_RATIO = 0.75;
/** Scroll speed: about one band height per second (one screen height on a strip), within these bounds. */
const TICKER_MIN_SPEED = 120;
const TICKER_MAX_SPEED = 480;

/** The inline styles a ticker needs (index.html styles the slide variant; a ticker brings its own). */
const TICKER_STYLE = {
  band: 'position:relative;flex:none;width:100%;display:flex;align-items:center;overflow:hidden;',
  track: 'display:flex;flex:none;align-items:center;white-space:nowrap;will-change:transform;backface-visibility:hidden;',
  unit: 'display:flex;flex:none;align-items:baseline;white-space:nowrap;',
  text: 'display:block;flex:none;white-space:nowrap;text-wrap:nowrap;line-height:1.2;margin:0;',
  dot: 'display:block;flex:none;align-self:center;width:0.24em;height:0.24em;margin:0 0.9em;border-radius:50%;background:currentColor;',
};

function tickerUnit(slogan: SlideText, isCopy: boolean): HTMLElement {
  const unit = document.createElement('div');
  unit.className = 'ticker-unit';
  unit.style.cssText = TICKER_STYLE.unit;
  // Screen readers (and text queries) read the slogan once; the copies only fill the loop.
  if (isCopy) unit.setAttribute('aria-hidden', 'true');
  const headline = document.createElement('span');
  headline.className = 'slide-headline';
  headline.style.cssText = TICKER_STYLE.text;
  headline.textContent = slogan.headline;
  unit.append(headline);
  if (slogan.subline) {
    const subline = document.createElement('span');
    subline.className = 'slide-subline';
    subline.style.cssText = TICKER_STYLE.text;
    subline.textContent = slogan.subline;
    unit.append(tickerDot(), subline);
  }
  // The trailing dot separates this pass from the next copy.
  unit.append(tickerDot());
  return unit;
}

function tickerDot(): HTMLElement {
  const dot = document.createElement('span');
  dot.className = 'ticker-dot';
  dot.style.cssText = TICKER_STYLE.dot;
  return dot;
}

function tickerSlide(stage: HTMLElement, slogan: SlideText, durationMs: number | null): Slide {
  const layer = createLayer(stage, 'slide-text slide-ticker');
  layer.dataset.variant = 'ticker';
  const band = document.createElement('div');
  band.className = `ticker-band theme-${slogan.theme}`;
  band.style.cssText = TICKER_STYLE.band;
  const track = document.createElement('div');
  track.className = 'ticker-track';
  track.style.cssText = TICKER_STYLE.track;
  const first = tickerUnit(slogan, false);
  track.append(first);
  band.append(track);
  layer.append(band);

  let animation: Animation | null = null;
  let isPlaying = false;
  let isDisposed = false;
  let layoutKey = '';

  const refit = () => {
    if (isDisposed) return;
    const width = stage.clientWidth;
    const height = stage.clientHeight;
    if (width <= 0 || height <= 0) return;
    const bandHeight = Math.max(1, Math.min(height, Math.round(width * TICKER_BAND_MAX_WIDTH_SHARE)));
    band.style.height = `${bandHeight}px`;
    // The first pass starts just inside the left edge, readable at once; the wrap stays seamless.
    track.style.paddingLeft = `${Math.round(width * TICKER_LEAD_SHARE)}px`;
    const headline = first.querySelector<HTMLElement>('.slide-headline')!;
    const subline = first.querySelector<HTMLElement>('.slide-subline');
    const apply = (size: number) => {
      headline.style.fontSize = `${size}px`;
      if (subline) subline.style.fontSize = `${Math.max(MIN_SIZE, Math.round(size * TICKER_SUBLINE_RATIO))}px`;
      // Dots and gaps are sized in em of the unit, so they follow the type.
      first.style.fontSize = `${size}px`;
    };
    const lineHeight = bandHeight * TICKER_LINE_SHARE;
    const size = largestSize(Math.ceil(lineHeight), apply, () => first.getBoundingClientRect().height <= lineHeight);
    apply(size);
    const unitWidth = first.getBoundingClientRect().width;
    if (unitWidth <= 0) return;
    const speed = Math.min(TICKER_MAX_SPEED, Math.max(TICKER_MIN_SPEED, bandHeight));
    // A late font event with nothing changed must not restart the scroll.
    const key = `${width}x${height}:${size}:${unitWidth}`;
    if (key === layoutKey) return;
    layoutKey = key;

    // Enough copies that the stage is always full while the track moves by one unit, then wraps.
    const copies = Math.ceil(width / unitWidth) + 1;
    while (track.children.length > copies) track.lastElementChild!.remove();
    for (const copy of Array.from(track.children).slice(1)) copy.replaceWith(cloneUnit(first));
    while (track.children.length < copies) track.append(cloneUnit(first));

    const progress = animation ? progressOf(animation) : 0;
    animation?.cancel();
    animation = track.animate([{ transform: 'translate3d(0, 0, 0)' }, { transform: `translate3d(${-unitWidth}px, 0, 0)` }], {
      duration: (unitWidth / speed) * 1000,
      iterations: Infinity,
      easing: 'linear',
    });
    animation.currentTime = progress * (unitWidth / speed) * 1000;
    if (!isPlaying) animation.pause();
  };

  const timed = timedPlay(layer, durationMs);
  const ready = loadFonts(`${slogan.headline}${slogan.subline ?? ''}`).then(refit);
  globalThis.addEventListener('resize', refit);
  document.fonts?.addEventListener('loadingdone', refit);

  return {
    ready,
    play() {
      isPlaying = true;
      animation?.play();
      return timed.play();
    },
    dispose() {
      isDisposed = true;
      timed.cancel();
      animation?.cancel();
      animation = null;
      globalThis.removeEventListener('resize', refit);
      document.fonts?.removeEventListener('loadingdone', refit);
      layer.remove();
    },
  };
}

function cloneUnit(unit: HTMLElement): HTMLElement {
  const copy = unit.cloneNode(true) as HTMLElement;
  copy.setAttribute('aria-hidden', 'true');
  return copy;
}

/** Where in its loop (0..1) a running scroll is, so a re-layout carries on from the same place. */
function progressOf(animation: Animation): number {
  const timing = animation.effect?.getComputedTiming();
  return typeof timing?.progress === 'number' ? timing.progress : 0;
}
