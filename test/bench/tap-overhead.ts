// What a test file costs tap before and after its own `# time=`: node's start, the TypeScript loader
// and the imports, which tap's per-file times leave out. Runs tap on a few quick files, ROUNDS times,
// and prints the median wall time of the run, the files' own times, and the difference per file.
//   npx tsx test/bench/tap-overhead.ts [files…]     (ROUNDS=5 by default; TAP_ARGS='--plugin=…' to compare)
import { spawnSync } from 'node:child_process';
import { median } from './stats.js';

const files = process.argv.slice(2).length ? process.argv.slice(2) : [
  'test/player/watchdog.test.ts', // imports a little player code
  'test/media/config.test.ts', // imports the config
  'test/accounts/passwords.test.ts', // imports test/helper.ts, so the whole server, as most files do
  'test/server/messages.test.ts',
];
const rounds = Number(process.env.ROUNDS ?? 5);
const extra = (process.env.TAP_ARGS ?? '').split(' ').filter(Boolean);

const walls: number[] = [];
const owns: number[] = [];
for (let i = 0; i < rounds; i++) {
  const start = performance.now();
  const run = spawnSync('npx', ['tap', '--reporter=tap', '--jobs=1', ...extra, ...files], { encoding: 'utf8' });
  walls.push(performance.now() - start);
  if (run.status !== 0) throw new Error(`tap failed:\n${run.stdout}\n${run.stderr}`);
  owns.push([...run.stdout.matchAll(/^(?:not )?ok \d+ - \S+ # time=([\d.]+)ms/gm)].reduce((s, m) => s + Number(m[1]), 0));
}
const wall = median(walls);
const own = median(owns);
console.log(`${files.length} files, ${rounds} rounds${extra.length ? ` (${extra.join(' ')})` : ''}: median wall ${(wall / 1000).toFixed(2)} s, ` +
  `their own times ${(own / 1000).toFixed(2)} s, so ${((wall - own) / files.length / 1000).toFixed(2)} s per file outside them (the runner's own start included)`);
