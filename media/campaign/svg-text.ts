// Small SVG typesetting helpers for the campaign art. librsvg has no line wrapping or
// shrink-to-fit, so we measure every string with pango (through sharp's text input, the same
// engine that later draws the SVG) and shrink it to its box: text can never overflow, and a
// string that would have to shrink a lot fails the build instead of quietly turning tiny.
import sharp, { type Sharp } from '../sharp.js';
import { CJK_FONT_FAMILY } from '../fonts.js';

export type Weight = 400 | 700 | 900;
const pangoWeight: Record<Weight, string> = { 400: 'Regular', 700: 'Bold', 900: 'Black' };

/** A run of text with its own colour, for highlighting one character inside a line. */
export type Runs = string | Array<[text: string, fill?: string]>;

export interface TextOptions {
  x: number;
  y: number;
  size: number;
  weight?: Weight;
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  maxWidth?: number;
  opacity?: number;
}

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const widths = new Map<string, number>();

/** Rendered width in px of `text` at `size` px. Pango at 72 dpi makes 1 pt = 1 px, as in the SVG. */
export async function textWidth(text: string, size: number, weight: Weight): Promise<number> {
  const key = `${weight}|${size}|${text}`;
  const cached = widths.get(key);
  if (cached !== undefined) return cached;
  const { info } = await sharp({
    text: { text: escapeXml(text), font: `${CJK_FONT_FAMILY} ${pangoWeight[weight]} ${size}`, dpi: 72 },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  widths.set(key, info.width);
  return info.width;
}

/** Below this share of the designed size a line looks wrong: fix the wording or the layout. */
const MIN_SHRINK = 0.72;

export async function text(runs: Runs, o: TextOptions): Promise<{ svg: string; width: number; size: number }> {
  const parts: Array<[string, string?]> = typeof runs === 'string' ? [[runs]] : runs;
  const plain = parts.map(([t]) => t).join('');
  const weight = o.weight ?? 400;
  let size = o.size;
  let width = await textWidth(plain, size, weight);
  if (o.maxWidth !== undefined && width > o.maxWidth) {
    // Glyph advances scale linearly with size, so one step lands inside the box.
    size = Math.floor((size * o.maxWidth) / width);
    if (size < o.size * MIN_SHRINK) {
      throw new Error(`text does not fit: "${plain}" needs ${width}px at ${o.size}px, box is ${o.maxWidth}px`);
    }
    width = await textWidth(plain, size, weight);
  }
  // Hanging punctuation: an opening full-width quote sits in the right half of its em box, so a
  // left-aligned line starting with one looks indented unless it hangs into the margin.
  const x = (o.anchor ?? 'start') === 'start' && /^[“‘「『（]/.test(plain) ? o.x - size * 0.45 : o.x;
  const body = parts
    .map(([t, fill]) => (fill ? `<tspan fill="${fill}">${escapeXml(t)}</tspan>` : escapeXml(t)))
    .join('');
  const attrs = [
    `x="${x}"`,
    `y="${o.y}"`,
    `font-family="${CJK_FONT_FAMILY}"`,
    `font-size="${size}"`,
    `font-weight="${weight}"`,
    `fill="${o.fill ?? '#ffffff'}"`,
    `text-anchor="${o.anchor ?? 'start'}"`,
    o.opacity !== undefined ? `opacity="${o.opacity}"` : '',
  ].filter(Boolean);
  return { svg: `<text ${attrs.join(' ')}>${body}</text>`, width, size };
}

/** An SVG document of the given size; `body` is drawn in order, later parts on top. */
export const svgDocument = (width: number, height: number, defs: string, body: string[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
  `<defs>${defs}</defs>${body.join('')}</svg>`;

/** Rasterizes an SVG to PNG. (../sharp.js configures the fonts.) */
export function renderSvg(svg: string): Sharp {
  return sharp(Buffer.from(svg), { density: 72 });
}
