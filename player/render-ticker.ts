// Tickers: one line of large type running right to left, for strip LED screens (1920×270). On a taller
// screen the strip becomes a band across the middle. Only the track's transform is animated (Web
// Animations, composited), and the text is laid out again only when the stage or the font changes.
import { createLayer, timedPlay, type Slide } from './slide.js';
import { FONT_FAMILY, largestSize, MIN_SIZE, followLayout, type SlideText } from './text-fit.js';

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

export function tickerSlide(stage: HTMLElement, slogan: SlideText, durationMs: number | null): Slide {
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
  const layout = followLayout(slogan, refit);

  return {
    ready: layout.ready,
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
      layout.stop();
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
