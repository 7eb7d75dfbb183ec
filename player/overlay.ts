// Things drawn over the loop: the identify card staff ask for from the console ("which screen is
// this?"), and a small dot in a corner while the server is unreachable.
import { fitText, setPhrases } from './text-fit.js';
import { delay } from './slide.js';

export const IDENTIFY_MS = 10_000;

export function createOverlay(root: HTMLElement) {
  const dot = document.createElement('div');
  dot.id = 'conn-dot';
  root.append(dot);
  let hideIdentify: (() => void) | null = null;

  return {
    /** Shows name and id in large type for `ms`, then resolves (the caller acknowledges then). */
    async identify(name: string, id: string, ms = IDENTIFY_MS): Promise<void> {
      hideIdentify?.();
      const panel = document.createElement('div');
      panel.id = 'identify';
      const box = document.createElement('div');
      box.className = 'slide-box';
      const title = document.createElement('div');
      title.className = 'identify-name';
      setPhrases(title, name || id);
      const sub = document.createElement('div');
      sub.className = 'identify-id';
      sub.textContent = id;
      box.append(title, sub);
      panel.append(box);
      root.append(panel);
      fitText(panel, box, title, sub);
      const wait = delay(ms);
      hideIdentify = () => {
        wait.cancel();
        panel.remove();
        hideIdentify = null;
      };
      await wait.promise;
      hideIdentify?.();
    },
  };
}
