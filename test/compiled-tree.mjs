// The tree the suite runs from: every TypeScript module of the repository compiled once, by esbuild, to
// JavaScript in `.build/tests-<pid>/` (one per run, so no run pulls the files from under another's),
// beside a link to every other file (the .ts sources included), so that a test process, and the servers
// and commands it starts, load plain JavaScript with no TypeScript loader. Node 20's loader hooks run on
// a thread of their own, asked for every module: tsx cost a test process ~1 s of CPU before its first
// test, and a child it starts ~2 s (README, "How long `npm test` takes"). The transform is the one tsx
// uses (esbuild, names kept); `npm start` still runs the sources under tsx. CRIER_TEST_TSX=1 runs the
// suite from the sources under tsx as before.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where a run's tree is built: `.build/tests-<the run's pid>`. */
export const treeDir = (root, pid = process.pid) => path.join(root, '.build', `tests-${pid}`);
/** The repository a tree was built from. */
const rootOf = (tree) => path.resolve(tree, '..', '..');
/** The directories of modules; everything else the tests read is reached from the repository's root. */
const SOURCE_DIRS = ['server', 'player', 'playlists', 'media', 'test'];
/**
 * Top-level entries a module finds beside its own directory (`new URL('../../dist/…', import.meta.url)`).
 * Not node_modules: packages are found by walking up to the repository's own, by their real paths. Through
 * a link, an ES module importing a CommonJS package could get an empty copy of it (Node 20 loaded
 * detect-libc twice, under the link's path and the real one, and sharp got the empty one: the server
 * failed to start after a SIGKILL in test/robustness/kill-plays.test.ts).
 */
const TOP_LINKS = ['dist', 'docs', 'README.md', 'tsconfig.json', 'package-lock.json'];

const isModule = (file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts');

function* filesUnder(root, dir) {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(root, rel);
    else if (entry.isFile()) yield rel;
  }
}

/** A tree whose run has ended without removing it (killed): its pid is gone. */
const isLeftOver = (name) => {
  const pid = Number(/^tests-(\d+)$/.exec(name)?.[1]);
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
};

/**
 * Builds this process's tree afresh under `root` (and removes trees left by runs that were killed) and
 * returns its absolute path. Its package.json is the repository's with tap told to run the compiled test
 * files with no loader (tap reads it through TAP_RCFILE); `"type": "module"` makes its .js files ES modules.
 */
export async function compileTree(root) {
  const out = treeDir(root);
  const builds = path.dirname(out);
  mkdirSync(builds, { recursive: true });
  for (const name of readdirSync(builds)) if (isLeftOver(name)) rmSync(path.join(builds, name), { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  const entryPoints = [];
  for (const dir of SOURCE_DIRS.filter((d) => existsSync(path.join(root, d)))) {
    for (const file of filesUnder(root, dir)) {
      // The sources stay readable where a test looks for them (and a child may still run one under tsx).
      mkdirSync(path.join(out, path.dirname(file)), { recursive: true });
      symlinkSync(path.join(root, file), path.join(out, file));
      if (isModule(file)) entryPoints.push(path.join(root, file));
    }
  }
  for (const name of TOP_LINKS) symlinkSync(path.join(root, name), path.join(out, name));

  await build({
    entryPoints,
    outdir: out,
    outbase: root,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    keepNames: true, // as tsx compiles (test/browser.ts carries its `__name` into pages)
    sourcemap: 'inline', // failures point at the .ts lines (tap runs node with --enable-source-maps)
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'error',
  });

  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const { 'node-arg': _loader, ...tap } = pkg.tap ?? {};
  const include = (tap.include ?? ['test/**/*.test.ts']).map((glob) => path.join(path.relative(root, out), glob.replace(/\.ts$/, '.js')));
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ name: `${pkg.name}-compiled-tests`, private: true, type: 'module', tap: { ...tap, include } }, null, 2)}\n`);
  return out;
}

/** Removes a run's tree. */
export const removeTree = (tree) => rmSync(tree, { recursive: true, force: true });

/** A module's compiled counterpart in `tree` (the module's path absolute or relative to the repository), or null if it has none. */
export function compiledPath(tree, file) {
  const root = rootOf(tree);
  const rel = path.relative(root, path.resolve(root, file));
  if (!isModule(rel) || rel.startsWith('..') || !SOURCE_DIRS.includes(rel.split(path.sep)[0])) return null;
  return path.join(tree, rel.replace(/\.tsx?$/, '.js'));
}
