// Chinese glyphs for sharp's text rendering (SVG via librsvg/pango, and sharp's `text` input).
// A fresh machine has no CJK font, so Han characters come out as boxes. We ship Noto Sans SC
// through npm and point fontconfig at it with a private fonts.conf; the system configuration is
// still included so Latin fonts and local tweaks keep working.
//
// fontconfig reads FONTCONFIG_FILE once, when the first text is laid out — not when sharp is
// imported. So ensureCjkFontConfig() must run before the first text render in the process.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The family name inside the TTFs; SVG `font-family` must use exactly this. */
export const CJK_FONT_FAMILY = 'Noto Sans SC';
/** A CSS/SVG font-family list with the CJK font first and generic fallbacks after it. */
export const CJK_FONT_STACK = `'${CJK_FONT_FAMILY}', sans-serif`;

const packageDir = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
const ttf = (weightDir: string) => path.join(packageDir, weightDir, `NotoSansSC_${weightDir}.ttf`);

/** Absolute paths of the shipped weights (400, 700, 900), e.g. for Chromium or ffmpeg drawtext. */
export const cjkFontFiles = {
  regular: ttf('400Regular'),
  bold: ttf('700Bold'),
  black: ttf('900Black'),
} as const;

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fontsConf(cacheDir: string): string {
  // Only the weights we use: each TTF is ~10 MB and fontconfig scans every file in a <dir>.
  const dirs = Object.values(cjkFontFiles).map((file) => `  <dir>${xmlEscape(path.dirname(file))}</dir>`);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<!-- Written by Crier (media/fonts.ts); regenerated when the font package moves. -->',
    '<fontconfig>',
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    ...dirs,
    `  <cachedir>${xmlEscape(cacheDir)}</cachedir>`,
    // Text asking only for a generic family still gets Han glyphs instead of boxes.
    '  <alias binding="same">',
    '    <family>sans-serif</family>',
    `    <prefer><family>${CJK_FONT_FAMILY}</family></prefer>`,
    '  </alias>',
    '</fontconfig>',
    '',
  ].join('\n');
}

function defaultConfigDir(): string {
  // Per user, so a shared /tmp owned by another account cannot block us.
  let user = 'user';
  try {
    user = String(os.userInfo().uid);
  } catch {
    /* no passwd entry (some containers): a shared name is still fine */
  }
  return path.join(os.tmpdir(), `crier-fontconfig-${user}`);
}

let written: string | undefined;

/**
 * Writes fonts.conf (only when missing or stale) and sets FONTCONFIG_FILE unless the operator set
 * it already. Returns the path of our fonts.conf. Safe to call many times and from parallel
 * processes: the file is replaced atomically.
 */
export function ensureCjkFontConfig(dir: string = defaultConfigDir()): string {
  const file = path.join(dir, 'fonts.conf');
  if (written !== file) {
    const cacheDir = path.join(dir, 'cache');
    mkdirSync(cacheDir, { recursive: true });
    const wanted = fontsConf(cacheDir);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== wanted) {
      const temp = path.join(dir, `.fonts.conf.${randomUUID()}`);
      writeFileSync(temp, wanted);
      renameSync(temp, file);
    }
    written = file;
  }
  process.env.FONTCONFIG_FILE ||= file;
  return file;
}
