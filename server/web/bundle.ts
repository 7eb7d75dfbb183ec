// Bundles the browser apps (player, console) into dist/web. Run by `npm start` and `npm test` before they begin.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const webDistDir = `${root}dist/web`;

export async function bundleWebApps(): Promise<void> {
  await Promise.all([bundleApps(), bundleServiceWorker()]);
}

async function bundleApps(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: { player: 'player/main.ts', console: 'server/console/main.tsx' },
    outdir: webDistDir,
    bundle: true,
    format: 'esm',
    target: ['chrome90', 'edge90'],
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/** The player's service worker: a classic script (widest support), served from /player-sw.js. */
async function bundleServiceWorker(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: { 'player-sw': 'player/sw.ts' },
    outdir: webDistDir,
    bundle: true,
    format: 'iife',
    target: ['chrome90', 'edge90'],
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleWebApps();
}
