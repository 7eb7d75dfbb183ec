// test/run-tap.mjs, the suite runner CI calls, against a stand-in `npx tap` that prints canned TAP:
// two lanes, the Chromium files in one share, one merged stream a whole file at a time, the runner's
// own results apart, failures repeated at the end, the closing `N passed, N failed` and exit code.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { nodeCommand } from './node-command.js';

// The stand-in: `npx tap list` lists the files; `npx tap … --save=FILE` runs the files named in FILE,
// logging each share, and fails test/c.test.ts; while c's lines are out, the runner reports a timeout
// of its own (as tap did for the file before, in a real run).
const FAKE_NPX = `#!/bin/sh
shift
if [ "$1" = list ]; then printf 'test/a.test.ts\\ntest/b.test.ts\\ntest/c.test.ts\\ntest/d.test.ts\\ntest/e.test.ts\\n'; exit 0; fi
for arg in "$@"; do case "$arg" in --save=*) save="\${arg#--save=}";; esac; done
tr '\\n' ' ' < "$save" >> shares.log; echo >> shares.log
[ -z "$TAP_RCFILE" ] || echo "$TAP_RCFILE" >> env.log
echo "TAP version 14"; echo "1..$(wc -l < "$save")"; i=0; fail=0
while read -r f; do
  i=$((i+1)); echo "# Subtest: $f"; echo "    ok 1 - fine"; echo "    1..1"
  if [ "$f" = test/c.test.ts ]; then
    echo "not ok $i - timeout!"; echo "  ---"; echo "  expired: test/earlier.test.ts"; echo "  ..."
    i=$((i+1)); echo "not ok $i - $f # time=30ms"; echo "  ---"; echo "  why: broken"; echo "  ..."; fail=2
  elif [ "$f" = test/e.test.ts ]; then
    : # after a timeout, tap writes no result of the next file's own (it numbered timeout! instead)
  else echo "ok $i - $f # time=10ms"; fi
  echo
done < "$save"
echo "# { total: $i, pass: $((i-fail)), fail: $fail }"; echo "# time=5ms"
[ $fail = 0 ]
`;

/** A repository of the given test files with run-tap.mjs, tap's config and a stand-in `npx`; runs the runner there. */
function runSuite(t: Test, files: Record<string, string>, npx: string, options: { tsx: boolean; timeout?: number; args?: string[] }) {
  const dir = t.testdir({
    test: files,
    'package.json': JSON.stringify({ name: 'mini', type: 'module', tap: { timeout: options.timeout ?? 30, 'node-arg': ['--import=tsx'] } }),
    'tsconfig.json': '{}',
    // The compiled tree is built with esbuild, and its files import tap.
    node_modules: t.fixture('symlink', path.resolve('node_modules')),
  });
  mkdirSync(path.join(dir, 'bin'));
  writeFileSync(path.join(dir, 'bin', 'npx'), npx);
  chmodSync(path.join(dir, 'bin', 'npx'), 0o755);
  for (const file of ['run-tap.mjs', 'compiled-tree.mjs']) copyFileSync(new URL(`./${file}`, import.meta.url), path.join(dir, 'test', file));
  const env = { ...process.env, CRIER_TEST_TSX: options.tsx ? '1' : '0', CRIER_TEST_LANES: '2', PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` };
  const run = spawnSync(...nodeCommand(['test/run-tap.mjs', ...(options.args ?? [])]), { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });
  return { dir, run, out: run.stdout };
}

t.test('under tsx: two lanes of tap merged into one TAP stream, failures repeated, the count and exit code kept', async (t) => {
  const files = {
    'a.test.ts': 'export {};',
    'b.test.ts': "import { launchBrowser } from '../browser.js';",
    'c.test.ts': 'export {};',
    'd.test.ts': "import { chromium } from 'playwright-core';",
    'e.test.ts': 'export {};',
  };
  const { dir, run, out } = runSuite(t, files, FAKE_NPX, { tsx: true });
  t.equal(run.status, 1, `a failed file fails the run: ${run.stderr}`);
  const shares = readFileSync(path.join(dir, 'shares.log'), 'utf8').trim().split('\n').map((s) => s.trim());
  t.equal(shares[0], 'test/b.test.ts test/d.test.ts', 'the files that drive Chromium are one share, run first');
  t.same(shares.slice(1).join(' ').split(' ').sort(), ['test/a.test.ts', 'test/c.test.ts', 'test/e.test.ts'], 'the others in shares of their own');
  t.notOk(existsSync(path.join(dir, 'env.log')), 'tap reads the repository\'s own config');
  t.notOk(existsSync(path.join(dir, '.build')), 'nothing compiled');

  t.match(out, /^TAP version 14\n1\.\.5\n/, 'one header and plan for the whole suite');
  const results = [...out.matchAll(/^(?:not )?ok (\d+) - (\S+)/gm)].map((m) => [Number(m[1]), m[2]]);
  t.same(results.map(([n]) => n), [1, 2, 3, 4, 5], 'results numbered in one sequence');
  t.same(results.map(([, name]) => name).sort(), ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts', 'timeout!']);
  for (const file of ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts']) {
    t.match(out, new RegExp(`# Subtest: ${file}\\n    ok 1 - fine\\n    1\\.\\.1\\n(?:not )?ok \\d+ - ${file} `), `${file}: its lines together, ended by its result`);
  }
  t.match(out, /not ok \d+ - timeout!\n  ---\n  expired: test\/earlier\.test\.ts\n  \.\.\.\n/, 'the runner\'s own result with its diagnostics, apart');
  t.match(out, /^# \{ total: 6, pass: 4, fail: 2 \}$/m, 'the lanes\' counts added up');
  t.match(out, /# Subtest: test\/e\.test\.ts\n    ok 1 - fine\n    1\.\.1\n\n/, 'a file tap wrote no result for: its lines, ended by the lane\'s closing counts');
  t.notMatch(out, /never reported/, 'and not taken for a file that never ran');
  t.match(out, /# Failures \(2\):\n\n✗ timeout!\n[^✗]*expired: test\/earlier\.test\.ts[^✗]*✗ test\/c\.test\.ts\n[^✗]*why: broken/, 'both failures repeated with their diagnostics');
  t.match(out, /# 4 test files; their own times add up to/, 'the time the files took, next to the wall time');
  t.match(out, /\n4 passed, 2 failed\n$/, 'the closing line CI reads');
});

// The whole suite compiled: `tap list` names the sources; nothing else may go through tap's runner.
const FAKE_LIST = `#!/bin/sh
shift
if [ "$1" = list ]; then printf 'test/a.test.ts\\ntest/b.test.ts\\ntest/c.test.ts\\ntest/d.test.ts\\ntest/e.test.ts\\ntest/f.test.ts\\ntest/g.test.ts\\n'; exit 0; fi
echo "npx tap $*" >> npx.log; exit 9
`;

t.test('compiled: each file in a plain node from the run\'s tree, its TAP under its source\'s name; an early exit, a hang and a kill fail', async (t) => {
  const files = {
    'a.test.ts': "import t from 'tap';\nt.pass('fine');\n",
    'b.test.ts': "// drives Chromium: from '../browser.js'\nimport t from 'tap';\nt.pass('fine');\n",
    'c.test.ts': "import t from 'tap';\nt.test('sums', async (t) => {\n  const one: number = 1;\n  t.equal(one, 2, 'one is two');\n});\n",
    'd.test.ts': "// from 'playwright-core'\nimport t from 'tap';\nt.pass('fine');\n",
    'e.test.ts': "import t from 'tap';\nt.pass('before');\nprocess.exit(3);\n",
    'f.test.ts': "import t from 'tap';\nt.test('hangs', () => new Promise(() => setInterval(() => {}, 1000)));\n",
    'g.test.ts': "import t from 'tap';\nt.pass('before');\nprocess.kill(process.pid, 'SIGKILL');\n",
  };
  const { dir, run, out } = runSuite(t, files, FAKE_LIST, { tsx: false, timeout: 2 });
  t.equal(run.status, 1, `failed files fail the run: ${run.stderr}`);
  t.notOk(existsSync(path.join(dir, 'npx.log')), 'tap\'s runner ran nothing');
  t.same(readdirSync(path.join(dir, '.build')), [], 'the run removed its tree when it ended');

  const results = Object.fromEntries([...out.matchAll(/^(not )?ok \d+ - (\S+)/gm)].map((m) => [m[2], !m[1]]));
  t.same(
    results,
    { 'test/a.test.ts': true, 'test/b.test.ts': true, 'test/c.test.ts': false, 'test/d.test.ts': true, 'test/e.test.ts': false, 'test/f.test.ts': false, 'test/g.test.ts': false },
    'one result a file, under its source\'s name',
  );
  t.match(out, /# Subtest: test\/a\.test\.ts\n    ok 1 - fine\n    1\.\.1\n/, 'a file\'s own TAP, indented under it');
  t.match(out, /\nok \d+ - test\/a\.test\.ts # time=[\d.]+ms\n/, 'its own time');
  t.match(out, /✗ test\/c\.test\.ts › sums › one is two\n/, 'a failed assertion repeated at the end, through the compiled TypeScript');
  t.match(out, /✗ test\/e\.test\.ts\n[^✗]*exitCode: 3/, 'a file that exits early fails, with its exit code');
  t.match(out, /not ok \d+ - test\/f\.test\.ts # time=[\d.]+ms/, 'a file that hangs is ended by its own time limit');
  t.match(out, /✗ test\/g\.test\.ts\n[^✗]*signal: SIGKILL[^✗]*no closing counts/, 'a file killed before its counts fails, saying so');
  t.match(out, /# 7 test files; their own times add up to/);
  t.match(out, /\n4 passed, 4 failed\n$/, 'each file\'s counts added up (e\'s assertion before its exit passed; g, without counts, is one failure)');
});

// Files named: tap runs their compiled counterparts, with the tree's config.
const FAKE_TAP = `#!/bin/sh
shift
echo "$TAP_RCFILE|$CRIER_TEST_COMPILED|$*" >> npx.log
echo "TAP version 14"; echo "ok 1 - $2 # time=5ms"; echo "1..1"; echo "# { total: 1, pass: 1 }"
`;

t.test('compiled, files named: tap runs their compiled counterparts with the tree\'s config, children told where it is', async (t) => {
  const { dir, run, out } = runSuite(t, { 'a.test.ts': 'export {};' }, FAKE_TAP, { tsx: false, args: ['test/a.test.ts', '--grep=x'] });
  t.equal(run.status, 0, run.stderr);
  const [rcfile, tree, args] = readFileSync(path.join(dir, 'npx.log'), 'utf8').trim().split('|');
  t.match(tree, /\/\.build\/tests-\d+$/);
  t.equal(rcfile, path.join(tree!, 'package.json'));
  t.equal(args, `--reporter=tap ${path.relative(dir, tree!)}/test/a.test.js --grep=x`, 'the file compiled, tap\'s own arguments as given');
  t.match(out, /^ok 1 - test\/a\.test\.ts # time=5ms$/m, 'its result under its source\'s name');
  t.match(out, /\n1 passed, 0 failed\n$/);
});
