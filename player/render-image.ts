// Posters and stills: letterboxed on black (object-fit: contain), decoded before their turn so
// the swap is instant and a broken file is skipped without a blank frame.
import type { ManifestItem } from '../playlists/manifest.schema.js';
import { createLayer, timedPlay, type Slide } from './slide.js';

export function imageSlide(stage: HTMLElement, item: ManifestItem): Slide {
  const layer = createLayer(stage, 'slide-image');
  const img = new Image();
  img.alt = item.title;
  img.decoding = 'async';
  img.src = item.url ?? '';
  layer.append(img);
  const timed = timedPlay(layer, item.durationMs);
  // decode() rejects on a 404 or a corrupt file, and resolves only once pixels are ready. A browser
  // that cannot decode WebP gets the JPEG of the same still.
  const decode = async () => {
    if (!item.url) throw new Error('image without url');
    try {
      await img.decode();
    } catch (error) {
      if (!item.fallbackUrl) throw error;
      img.src = item.fallbackUrl;
      await img.decode();
    }
  };
  return {
    ready: decode(),
    play: timed.play,
    dispose() {
      timed.cancel();
      img.removeAttribute('src');
      layer.remove();
    },
  };
}
