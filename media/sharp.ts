// sharp for the whole server, with the bundled CJK font configured before its first call:
// fontconfig reads its configuration once per process, at whichever text layout comes first
// (an uploaded SVG, a slogan preview, campaign art), so no caller may reach sharp before it.
// Import sharp from here, never from 'sharp' (test/media/fonts.test.ts checks).
import { availableParallelism } from 'node:os';
import sharpLib from 'sharp';
import { ensureFonts } from './fonts.js';

// Memory a small server can spare (issue 13.6): libvips' operation cache off-heap is kept small (it
// only helps repeated operations on one file, which we never do) and each pipeline uses at most 2 threads.
sharpLib.cache({ memory: 32, files: 0, items: 20 });
sharpLib.concurrency(Math.min(2, availableParallelism()));

const sharp: typeof sharpLib = new Proxy(sharpLib, {
  apply(target, self, args) {
    ensureFonts();
    return Reflect.apply(target, self, args);
  },
});

export default sharp;
export type { OutputInfo, OverlayOptions, Sharp } from 'sharp';
