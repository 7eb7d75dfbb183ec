// Video: inline, letterboxed on black; muted unless the screen is set to sound on (then it follows the
// volume schedule and quiet hours like audio, and airs muted if the browser blocks its sound).
import type { ManifestItem } from '../playlists/manifest.schema.js';
import { mediaSlide, type MediaHooks } from './render-media.js';
import { createLayer, type Slide } from './slide.js';

export function videoSlide(stage: HTMLElement, item: ManifestItem, options: { withSound?: boolean } & MediaHooks = {}): Slide {
  const layer = createLayer(stage, 'slide-video');
  const video = document.createElement('video');
  // Not `autoplay`: the hidden, preloading copy must wait for its turn.
  video.muted = !options.withSound;
  video.defaultMuted = !options.withSound;
  video.playsInline = true;
  video.setAttribute('playsinline', '');
  video.disablePictureInPicture = true;
  layer.append(video);
  const slide = mediaSlide(video, layer, item, options);
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
