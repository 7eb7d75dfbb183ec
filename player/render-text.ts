// Text slogans: the largest type that fits ~88% of the stage, whatever its shape (a 16:9 TV, a
// portrait totem), in the font the server ships, so every screen looks alike; on a strip, a ticker.
import { layoutOf } from './layout.js';
import { tickerSlide } from './render-ticker.js';
import { createLayer, timedPlay, type Slide } from './slide.js';
import { fitText, followLayout, setPhrases, type SlideText } from './text-fit.js';

export function textSlide(stage: HTMLElement, slogan: SlideText, durationMs: number | null): Slide {
  // On a strip LED every slogan runs as a ticker: fitted into a 160 px bar as a block it would be unreadable.
  if (slogan.variant === 'ticker' || layoutOf(stage.clientWidth, stage.clientHeight) === 'strip') return tickerSlide(stage, slogan, durationMs);
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
  const layout = followLayout(slogan, refit);

  return {
    ready: layout.ready,
    play: timed.play,
    dispose() {
      timed.cancel();
      layout.stop();
      layer.remove();
    },
  };
}

