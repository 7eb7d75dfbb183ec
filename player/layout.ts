// Which layout a screen gets, from its shape: landscape (TVs, 16:9 LED walls), portrait (totems) or
// strip (LED bars over shop fronts and village gates, 1920×160 and the like), where a slogan only
// reads as a ticker: fitted into 160 px as a block its type would be too small to read from the street.
export type Layout = 'landscape' | 'portrait' | 'strip';

/** Width over height from which a screen is a strip (a 3:1 banner still takes slides). */
export const STRIP_ASPECT = 4;

export function layoutOf(width: number, height: number): Layout {
  if (width <= 0 || height <= 0) return 'landscape';
  if (width / height >= STRIP_ASPECT) return 'strip';
  return height > width ? 'portrait' : 'landscape';
}

/** Keeps `data-layout` on the root element current (the stage may be resized or rotated). */
export function followLayoutOf(root: HTMLElement, stage: HTMLElement): () => Layout {
  const current = () => layoutOf(stage.clientWidth || innerWidth, stage.clientHeight || innerHeight);
  const update = () => (root.dataset.layout = current());
  update();
  addEventListener('resize', update);
  return current;
}
