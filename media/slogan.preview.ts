// A PNG preview of a text slogan for the staff library (players draw slogans as HTML themselves).
// Pango lays the words out through sharp's text input, fitting them to their box, with the
// bundled CJK font so Han characters never come out as boxes.
import sharp, { type OverlayOptions } from './sharp.js';
import type { Slogan, TextTheme } from '../playlists/catalogue.schema.js';
import { CJK_FONT_FAMILY } from './fonts.js';

const THEMES: Record<TextTheme, { background: string; headline: string; subline: string }> = {
  alert: { background: '#b51d19', headline: '#ffffff', subline: '#ffe08a' },
  calm: { background: '#14459c', headline: '#ffffff', subline: '#dbe6ff' },
  warning: { background: '#ffc933', headline: '#16233f', subline: '#5b2a00' },
};

const escapeMarkup = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function textBlock(text: string, colour: string, weight: string, width: number, height: number) {
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="${colour}">${escapeMarkup(text)}</span>`,
      font: `${CJK_FONT_FAMILY} ${weight}`,
      width,
      height,
      align: 'centre',
      wrap: 'word-char',
      rgba: true,
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** 1280×720 for a slide, 1280×160 for a ticker strip; returns PNG bytes. */
export async function renderSloganPreview(slogan: Slogan): Promise<{ png: Buffer; width: number; height: number }> {
  const theme = THEMES[slogan.theme];
  const isTicker = slogan.variant === 'ticker';
  const [width, height] = isTicker ? [1280, 160] : [1280, 720];
  const layers: OverlayOptions[] = [];
  if (isTicker) {
    // A strip shows one line: the headline, then the subline after a separator, as it scrolls.
    const line = slogan.subline ? `${slogan.headline}　·　${slogan.subline}` : slogan.headline;
    const block = await textBlock(line, theme.headline, 'Black', width - 80, height - 60);
    layers.push({ input: block.data, left: Math.round((width - block.width) / 2), top: Math.round((height - block.height) / 2) });
  } else {
    const head = await textBlock(slogan.headline, theme.headline, 'Black', width - 160, slogan.subline ? 330 : 440);
    const sub = slogan.subline ? await textBlock(slogan.subline, theme.subline, 'Bold', width - 240, 150) : null;
    const gap = sub ? 48 : 0;
    const total = head.height + gap + (sub?.height ?? 0);
    const top = Math.round((height - total) / 2);
    layers.push({ input: head.data, left: Math.round((width - head.width) / 2), top });
    if (sub) layers.push({ input: sub.data, left: Math.round((width - sub.width) / 2), top: top + head.height + gap });
  }
  const png = await sharp({ create: { width, height, channels: 3, background: theme.background } })
    .composite(layers)
    .png({ compressionLevel: 8 })
    .toBuffer();
  return { png, width, height };
}
