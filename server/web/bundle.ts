// Bundles the browser apps (player, console) into dist/web. Run by `npm start` and `npm test` before they begin.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const webDistDir = `${root}dist/web`;

export async function bundleWebApps(): Promise<void> {
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleWebApps();
}
