// sharp for the whole server, with the bundled CJK font configured before its first call:
// fontconfig reads its configuration once per process, at whichever text layout comes first
// (an uploaded SVG, a slogan preview, campaign art), so no caller may reach sharp before it.
// Import sharp from here, never from 'sharp' (test/media/fonts.test.ts checks).
import sharpLib from 'sharp';
import { ensureFonts } from './fonts.js';

const sharp: typeof sharpLib = new Proxy(sharpLib, {
  apply(target, self, args) {
    ensureFonts();
    return Reflect.apply(target, self, args);
  },
});

export default sharp;
export type { OutputInfo, OverlayOptions, Sharp } from 'sharp';
