// Text slogans: the largest type that fits ~88% of the stage, whatever its shape (a 16:9 TV, a
// portrait totem, a 1920×270 LED strip), in the font the server ships, so every screen looks alike.
import type { Slogan } from '../playlists/catalogue.schema.js';
import { createLayer, delay, timedPlay, type Slide } from './slide.js';

export const FONT_FAMILY = '"Noto Sans SC"';
/** Share of the stage the text block may use, leaving a safe margin for bezels and overscan. */
const FIT_SHARE = 0.88;
const SUBLINE_RATIO = 0.45;
/** A screen without the font (server unreachable at first boot) must still show something soon. */
const FONT_WAIT_MS = 3000;

type SlideText = Pick<Slogan, 'headline' | 'subline'> & { theme: Slogan['theme'] };

export function textSlide(stage: HTMLElement, slogan: SlideText, durationMs: number | null): Slide {
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
    if (subline) subline.style.fontSize = `${Math.max(8, Math.round(size * SUBLINE_RATIO))}px`;
  };
  // scrollWidth catches an unbreakable run (a phrase, a phone number, a Latin word) wider than the box.
  const fits = () =>
    box.scrollHeight <= maxHeight && headline.scrollWidth <= maxWidth && (!subline || subline.scrollWidth <= maxWidth);
  const largest = () => {
    let low = 8;
    let high = Math.max(low, maxHeight);
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      apply(mid);
      if (fits()) low = mid;
      else high = mid;
    }
    return low;
  };
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
