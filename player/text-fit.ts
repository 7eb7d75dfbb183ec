// Fitting slogan text to a screen: the served font, phrase-aware line breaks, and the binary search
// for the largest type that fits. Shared by the slide and the ticker renderers.
import type { Slogan } from '../playlists/catalogue.schema.js';
import { delay } from './slide.js';

export const FONT_FAMILY = '"Noto Sans SC"';
/** Share of the stage the text block may use, leaving a safe margin for bezels and overscan. */
const FIT_SHARE = 0.88;
const SUBLINE_RATIO = 0.45;
/** The smallest type ever used, whatever the stage. */
export const MIN_SIZE = 8;
/** A screen without the font (server unreachable at first boot) must still show something soon. */
const FONT_WAIT_MS = 3000;

export type SlideText = Pick<Slogan, 'headline' | 'subline'> & { theme: Slogan['theme']; variant?: Slogan['variant'] };

/**
 * Lays text out now, again when the stage changes size (rotation, kiosk window) and when a late font
 * arrives (it changes every width). Returns when the fonts are in, and a function that stops following.
 */
export function followLayout(slogan: SlideText, layout: () => void): { ready: Promise<void>; stop: () => void } {
  const ready = loadFonts(`${slogan.headline}${slogan.subline ?? ''}`).then(layout);
  globalThis.addEventListener('resize', layout);
  document.fonts?.addEventListener('loadingdone', layout);
  return {
    ready,
    stop() {
      globalThis.removeEventListener('resize', layout);
      document.fonts?.removeEventListener('loadingdone', layout);
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
export function largestSize(high: number, apply: (size: number) => void, fits: () => boolean): number {
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

