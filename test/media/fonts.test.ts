// Chinese drawn on the server comes out as Chinese, whatever draws first. fontconfig reads its
// configuration once per process, so each order runs in a fresh child process, and what it drew
// is read back by OCR: a missing-glyph box reads as nothing.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { fontsConf } from '../../media/fonts.js';
import { DRAWINGS, type Drawing } from '../fixtures/draw-chinese.js';
import { nodeCommand } from '../node-command.js';
import { readChinese, shareRecognised } from '../ocr.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** tesseract misreads the odd glyph; boxes read as none at all. */
const ENOUGH = 2 / 3;

const ORDERS: Drawing[][] = [
  ['svg-sans', 'slogan', 'svg-yahei', 'svg-simhei', 'art'],
  ['slogan', 'svg-sans', 'svg-yahei', 'svg-simhei', 'art'],
  ['art', 'svg-simhei', 'slogan'],
];

for (const order of ORDERS) {
  t.test(`drawn in the order ${order.join(' → ')}, every picture reads as Chinese`, async (t) => {
    const work = t.testdir({ data: {}, out: {} });
    const dataDir = path.join(work, 'data');
    const env = { ...process.env };
    delete env.FONTCONFIG_FILE;
    delete env.CRIER_DATA_DIR;
    const { stdout } = await run(...nodeCommand(['--import', 'tsx', 'test/fixtures/draw-chinese.ts', dataDir, path.join(work, 'out'), order.join(',')]), { cwd: root, env });
    const drawn = JSON.parse(stdout.trim().split('\n').pop()!) as { files: Record<Drawing, string>; fontconfigFile: string };
    for (const kind of order) {
      const read = await readChinese(drawn.files[kind]);
      const expected = DRAWINGS[kind].text;
      t.ok(shareRecognised(expected, read) >= ENOUGH, `${kind}: expected ${expected}, OCR read "${read}"`);
    }
    t.equal(drawn.fontconfigFile, path.join(dataDir, 'fontconfig', 'fonts.conf'), 'fontconfig set up under the data dir');
    const cache = await readdir(path.join(dataDir, 'fontconfig', 'cache'));
    t.ok(cache.some((f) => f.includes('.cache-')), `fontconfig's cache is written under the data dir (${cache.length} files)`);
  });
}

t.test('fonts.conf: cache only under the data dir, Chinese font names a server lacks drawn with ours', async (t) => {
  const conf = fontsConf('/data/fontconfig/cache');
  t.same([...conf.matchAll(/<cachedir>([^<]*)<\/cachedir>/g)].map((m) => m[1]), ['/data/fontconfig/cache'], 'one cache dir');
  t.notMatch(conf, /\/etc\/fonts\/fonts\.conf/, 'the system file (which names /var/cache) is not included');
  for (const name of ['微软雅黑', 'SimHei', 'sans-serif']) t.match(conf, new RegExp(`<family>${name}</family><prefer><family>Noto Sans SC</family>`));
});

t.test('nothing reaches sharp except through media/sharp.ts, which sets the fonts up first', async (t) => {
  const offenders: string[] = [];
  for (const dir of ['media', 'server', 'playlists']) {
    for (const entry of await readdir(path.join(root, dir), { recursive: true })) {
      if (!/\.tsx?$/.test(entry) || path.join(dir, entry) === path.join('media', 'sharp.ts')) continue;
      const source = await readFile(path.join(root, dir, entry), 'utf8');
      if (/from ['"]sharp['"]|require\(['"]sharp['"]\)|import\(['"]sharp['"]\)/.test(source)) offenders.push(path.join(dir, entry));
    }
  }
  t.same(offenders, [], 'import sharp from media/sharp.js');
});
