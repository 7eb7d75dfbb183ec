// Audio: on a screen, a card with the title and a moving indicator so the screen never looks dead;
// at an audio station the status panel is the display, so the layer stays empty.
import type { ManifestItem } from '../playlists/manifest.schema.js';
import { mediaSlide, type MediaHooks } from './render-media.js';
import { createLayer, type Slide } from './slide.js';

export function audioSlide(stage: HTMLElement, item: ManifestItem, options: { showCard: boolean; label: string } & MediaHooks): Slide {
  const layer = createLayer(stage, 'slide-audio');
  const audio = new Audio();
  layer.append(audio);
  if (options.showCard) {
    const card = document.createElement('div');
    card.className = 'audio-card';
    const bars = document.createElement('div');
    bars.className = 'audio-bars';
    for (let i = 0; i < 5; i++) bars.append(document.createElement('span'));
    const label = document.createElement('div');
    label.className = 'audio-label';
    label.textContent = options.label;
    const title = document.createElement('div');
    title.className = 'audio-title';
    title.textContent = item.title;
    card.append(bars, label, title);
    layer.append(card);
  }
  return mediaSlide(audio, layer, item, options);
}
