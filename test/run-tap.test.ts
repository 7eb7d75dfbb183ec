// test/run-tap.mjs, the suite runner CI calls, against a stand-in `npx tap` that prints canned TAP:
// two lanes, the Chromium files in one share, one merged stream a whole file at a time, the runner's
// own results apart, failures repeated at the end, the closing `N passed, N failed` and exit code.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { nodeCommand } from './node-command.js';

// The stand-in: `npx tap list` lists the files; `npx tap … --save=FILE` runs the files named in FILE,
// logging each share, and fails test/c.test.ts; while c's lines are out, the runner reports a timeout
// of its own (as tap did for the file before, in a real run).
const FAKE_NPX = `#!/bin/sh
shift
if [ "$1" = list ]; then printf 'test/a.test.ts\\ntest/b.test.ts\\ntest/c.test.ts\\ntest/d.test.ts\\ntest/e.test.ts\\n'; exit 0; fi
for arg in "$@"; do case "$arg" in --save=*) save="\${arg#--save=}";; esac; done
tr '\\n' ' ' < "$save" >> shares.log; echo >> shares.log
[ -z "$TAP_RCFILE" ] || echo "$TAP_RCFILE $CRIER_TEST_COMPILED" >> env.log
echo "TAP version 14"; echo "1..$(wc -l < "$save")"; i=0; fail=0
while read -r f; do
  i=$((i+1)); echo "# Subtest: $f"; echo "    ok 1 - fine"; echo "    1..1"
  case "$f" in *test/c.test.*) c=1;; *) c=0;; esac
  case "$f" in *test/e.test.*) e=1;; *) e=0;; esac
  if [ $c = 1 ]; then
    echo "not ok $i - timeout!"; echo "  ---"; echo "  expired: test/earlier.test.ts"; echo "  ..."
    i=$((i+1)); echo "not ok $i - $f # time=30ms"; echo "  ---"; echo "  why: broken"; echo "  ..."; fail=2
  elif [ $e = 1 ]; then
    : # after a timeout, tap writes no result of the next file's own (it numbered timeout! instead)
  else echo "ok $i - $f # time=10ms"; fi
  echo
done < "$save"
echo "# { total: $i, pass: $((i-fail)), fail: $fail }"; echo "# time=5ms"
[ $fail = 0 ]
`;

for (const mode of ['tsx', 'compiled'] as const) {
  t.test(`${mode}: two lanes merged into one TAP stream, failures repeated, the count and exit code kept`, async (t) => {
    const dir = t.testdir({
      test: {
        'a.test.ts': 'export {};',
        'b.test.ts': "import { launchBrowser } from '../browser.js';",
        'c.test.ts': 'export {};',
        'd.test.ts': "import { chromium } from 'playwright-core';",
        'e.test.ts': 'export {};',
      },
      'package.json': JSON.stringify({ name: 'mini', type: 'module', tap: { 'node-arg': ['--import=tsx'] } }),
      'tsconfig.json': '{}',
      // The compiled run builds its tree with esbuild.
      node_modules: t.fixture('symlink', path.resolve('node_modules')),
    });
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(path.join(dir, 'bin', 'npx'), FAKE_NPX);
    chmodSync(path.join(dir, 'bin', 'npx'), 0o755);
    for (const file of ['run-tap.mjs', 'compiled-tree.mjs']) copyFileSync(new URL(`./${file}`, import.meta.url), path.join(dir, 'test', file));

    const env = { ...process.env, CRIER_TEST_TSX: mode === 'tsx' ? '1' : '0', CRIER_TEST_LANES: '2', PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` };
    const run = spawnSync(...nodeCommand(['test/run-tap.mjs']), { cwd: dir, encoding: 'utf8', env });
    t.equal(run.status, 1, `a failed file fails the run: ${run.stderr}`);
    const out = run.stdout;
    // The compiled tree is the run's own: .build/tests-<its pid>.
    const tree = /\.build\/tests-\d+/.exec(readFileSync(path.join(dir, 'shares.log'), 'utf8'))?.[0];
    const ran = mode === 'tsx' ? (name: string) => name : (name: string) => `${tree}/${name.replace(/\.ts$/, '.js')}`;
    const shares = readFileSync(path.join(dir, 'shares.log'), 'utf8').trim().split('\n').map((s) => s.trim());
    t.equal(shares[0], ['test/b.test.ts', 'test/d.test.ts'].map(ran).join(' '), 'the files that drive Chromium are one share, run first');
    t.same(shares.slice(1).join(' ').split(' ').sort(), ['test/a.test.ts', 'test/c.test.ts', 'test/e.test.ts'].map(ran), 'the others in shares of their own');
    if (mode === 'tsx') t.notOk(existsSync(path.join(dir, 'env.log')), 'tap reads the repository\'s own config');
    else {
      const lines = readFileSync(path.join(dir, 'env.log'), 'utf8').trim().split('\n');
      t.ok(tree, 'the files ran from a tree of the run\'s own');
      t.same(new Set(lines), new Set([`${path.join(dir, tree!, 'package.json')} ${path.join(dir, tree!)}`]), 'each share: tap reads the compiled tree\'s config; children learn where it is');
      t.notOk(existsSync(path.join(dir, tree!)), 'the run removed its tree when it ended');
    }

    t.match(out, /^TAP version 14\n1\.\.5\n/, 'one header and plan for the whole suite');
    const results = [...out.matchAll(/^(?:not )?ok (\d+) - (\S+)/gm)].map((m) => [Number(m[1]), m[2]]);
    t.same(results.map(([n]) => n), [1, 2, 3, 4, 5], 'results numbered in one sequence');
    t.same(results.map(([, name]) => name).sort(), ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts', 'timeout!'], 'under the sources\' names');
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
}
