// The console's JavaScript budget (≤ 300 KB gzipped, issue 6) and the player's independence from it:
// both apps are bundled here with the options of server/web/bundle.ts into a scratch folder (so this
// never races a build other tests serve from), then measured.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import t from 'tap';

const CONSOLE_BUDGET_BYTES = 300 * 1024;
const root = fileURLToPath(new URL('../../', import.meta.url));

t.test('console JavaScript stays within 300 KB gzipped; the player carries none of it', async (t) => {
  const outdir = t.testdir();
  await build({
    absWorkingDir: root,
    entryPoints: { player: 'player/main.ts', console: 'server/console/main.tsx' },
    outdir,
    bundle: true,
    format: 'esm',
    target: ['chrome90', 'edge90'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const consoleJs = readFileSync(path.join(outdir, 'console.js'));
  const playerJs = readFileSync(path.join(outdir, 'player.js'));
  const consoleGz = gzipSync(consoleJs, { level: 9 }).length;
  const playerGz = gzipSync(playerJs, { level: 9 }).length;
  t.comment(`console.js ${(consoleJs.length / 1024).toFixed(1)} KB, ${(consoleGz / 1024).toFixed(1)} KB gzipped; player.js ${(playerJs.length / 1024).toFixed(1)} KB, ${(playerGz / 1024).toFixed(1)} KB gzipped`);
  t.ok(consoleGz <= CONSOLE_BUDGET_BYTES, `console.js is ${(consoleGz / 1024).toFixed(1)} KB gzipped (budget 300 KB)`);

  // Markers of what only the console bundles: uPlot, SortableJS, and the console's own socket and CSRF header.
  const consoleText = consoleJs.toString('utf8');
  const playerText = playerJs.toString('utf8');
  const markers = ['u-legend', 'sortable-ghost', '/ws/console', 'x-csrf-token'];
  for (const marker of markers) {
    t.ok(consoleText.includes(marker), `the console bundle contains ${marker} (so the marker is a fair test)`);
    t.notOk(playerText.includes(marker), `the player bundle does not contain ${marker}`);
  }
});
