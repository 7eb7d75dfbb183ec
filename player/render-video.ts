// Video: muted (so autoplay is always allowed), inline, letterboxed on black.
import type { ManifestItem } from '../playlists/manifest.schema.js';
import { mediaSlide } from './render-media.js';
import { createLayer, type Slide } from './slide.js';

export function videoSlide(stage: HTMLElement, item: ManifestItem): Slide {
  const layer = createLayer(stage, 'slide-video');
  const video = document.createElement('video');
  // Not `autoplay`: the hidden, preloading copy must wait for its turn.
  video.muted = true;
  video.defaultMuted = true;
  video.playsInline = true;
  video.setAttribute('playsinline', '');
  video.disablePictureInPicture = true;
  layer.append(video);
  const slide = mediaSlide(video, layer, item);
  return {
    ...slide,
    play() {
      const outcome = slide.play();
      // The first frame actually presented: what the "gap into a video" benchmark measures to.
      video.requestVideoFrameCallback?.(() => performance.mark('crier:video-frame', { detail: { itemId: item.id } }));
      return outcome;
    },
  };
}
