// Chinese glyphs for every text the server draws with sharp (uploaded SVG posters via librsvg,
// slogan previews and campaign art via pango). A fresh machine has no CJK font, so Han
// characters come out as boxes. We ship Noto Sans SC through npm and point fontconfig at it with
// a private fonts.conf that still includes the system configuration.
//
// fontconfig reads FONTCONFIG_FILE once per process, at the first text layout, whichever path
// (librsvg or pango) gets there first; the configuration can never change afterwards. So the
// file must be in place before the first sharp call of any kind: media/sharp.ts calls
// ensureFonts() on every call, and every module draws through it (a test checks the imports).
// PDFs (pdfkit) embed cjkFontFiles directly and need no fontconfig.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The family name inside the TTFs; SVG `font-family` must use exactly this. */
export const CJK_FONT_FAMILY = 'Noto Sans SC';
/** A CSS/SVG font-family list with the CJK font first and generic fallbacks after it. */
export const CJK_FONT_STACK = `'${CJK_FONT_FAMILY}', sans-serif`;

const packageDir = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
const ttf = (weightDir: string) => path.join(packageDir, weightDir, `NotoSansSC_${weightDir}.ttf`);

/** Absolute paths of the shipped weights (400, 700, 900), e.g. for pdfkit, Chromium or ffmpeg drawtext. */
export const cjkFontFiles = {
  regular: ttf('400Regular'),
  bold: ttf('700Bold'),
  black: ttf('900Black'),
} as const;

/** Chinese fonts posters name that a Linux server lacks (Windows, macOS, Adobe names): drawn with ours. */
export const ALIASED_FONT_NAMES = [
  '微软雅黑', 'Microsoft YaHei', 'Microsoft YaHei UI', '黑体', 'SimHei', '宋体', 'SimSun', '新宋体', 'NSimSun',
  '楷体', 'KaiTi', '仿宋', 'FangSong', '等线', 'DengXian', '华文黑体', 'STHeiti', '华文细黑', 'STXihei',
  '华文宋体', 'STSong', '苹方', 'PingFang SC', 'Hiragino Sans GB', '冬青黑体简体中文', '思源黑体',
  'Source Han Sans SC', 'Source Han Sans CN', '思源宋体', 'Source Han Serif SC', 'Noto Sans CJK SC',
  'Noto Serif CJK SC', 'WenQuanYi Micro Hei', '文泉驿微米黑', 'WenQuanYi Zen Hei', '方正黑体', '方正兰亭黑',
  'Arial Unicode MS',
] as const;

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const alias = (family: string, how: 'prefer' | 'accept') =>
  `  <alias binding="same"><family>${xmlEscape(family)}</family><${how}><family>${CJK_FONT_FAMILY}</family></${how}></alias>`;

/** The font dirs of a stock /etc/fonts/fonts.conf, so Latin fonts and local installs keep working. */
const SYSTEM_FONT_DIRS = [
  '  <dir>/usr/share/fonts</dir>',
  '  <dir>/usr/local/share/fonts</dir>',
  '  <dir prefix="xdg">fonts</dir>',
  '  <dir>~/.fonts</dir>',
];

export function fontsConf(cacheDir: string): string {
  // Only the weights we use: each TTF is ~10 MB and fontconfig scans every file in a <dir>.
  const dirs = [...new Set(Object.values(cjkFontFiles).map((file) => path.dirname(file)))];
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<!-- Written by Crier (media/fonts.ts) at the first drawing; rewritten when stale. -->',
    '<fontconfig>',
    // The only cache: under the data dir, never the system's /var/cache or a shared /tmp. So the
    // system's fonts.conf (which names those) is not included; its font dirs and rules are.
    `  <cachedir>${xmlEscape(cacheDir)}</cachedir>`,
    ...SYSTEM_FONT_DIRS,
    ...dirs.map((d) => `  <dir>${xmlEscape(d)}</dir>`),
    '  <include ignore_missing="yes">/etc/fonts/conf.d</include>',
    // Generic sans-serif and every Chinese font name a poster may ask for: ours first.
    alias('sans-serif', 'prefer'),
    ...ALIASED_FONT_NAMES.map((f) => alias(f, 'prefer')),
    // Serif and monospace keep their Latin look; Han characters fall through to ours.
    alias('serif', 'accept'),
    alias('monospace', 'accept'),
    '</fontconfig>',
    '',
  ].join('\n');
}

/** Where fonts.conf and the fontconfig cache live: under the data dir, per installation. */
export const fontConfigDir = (dataDir: string) => path.join(dataDir, 'fontconfig');

let chosenDataDir: string | undefined;
let fontsFile: string | undefined;

/**
 * Names the data dir whose fontconfig/ the process will use. Call it before anything is drawn
 * (buildApp does); a later call cannot move fontconfig any more and is ignored.
 */
export function setFontDataDir(dataDir: string): void {
  if (!fontsFile) chosenDataDir = path.resolve(dataDir);
}

function writeIfStale(file: string, wanted: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === wanted) return;
  // Atomic: parallel processes (tests, a second server on the same data dir) never read half a file.
  const temp = `${file}.${randomUUID()}`;
  writeFileSync(temp, wanted);
  renameSync(temp, file);
}

/**
 * Writes fonts.conf (when missing or stale) and sets FONTCONFIG_FILE, once per process, unless
 * the operator set FONTCONFIG_FILE themselves. Returns the configuration file in force.
 */
export function ensureFonts(): string {
  if (fontsFile) return fontsFile;
  const operatorFile = process.env.FONTCONFIG_FILE;
  if (operatorFile) return (fontsFile = operatorFile);
  const dir = fontConfigDir(chosenDataDir ?? path.resolve(process.env.CRIER_DATA_DIR || './data'));
  const cacheDir = path.join(dir, 'cache');
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(dir, 'fonts.conf');
  writeIfStale(file, fontsConf(cacheDir));
  process.env.FONTCONFIG_FILE = file;
  return (fontsFile = file);
}
