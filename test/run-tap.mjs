// Runs the tap suite and ends with the plain `N passed, N failed` line CI reads, taken from tap's
// own closing summary (`# { total, pass, fail, ... }`), keeping tap's exit code. Failures are
// repeated just above that line (test file, subtest, assertion and its diagnostics), because CI
// shows only the end of a long log.
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const child = spawn('npx', ['tap', '--reporter=tap', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
let partial = '';
const subtests = []; // the "# Subtest:" names open at each indent
const failures = [];
let diag = null; // the failure whose YAML diagnostics are being read, with its indent

function readLine(line) {
  const indent = line.match(/^ */)[0].length;
  if (diag) {
    if (indent > diag.indent && diag.lines.length < 40) {
      diag.lines.push(line);
      return;
    }
    diag = null;
  }
  const subtest = line.match(/^ *# Subtest: (.*)$/);
  if (subtest) {
    subtests[indent / 4] = subtest[1];
    subtests.length = indent / 4 + 1;
    return;
  }
  const notOk = line.match(/^ *not ok \d+ - (.*?)(?: # (?:time|TODO|SKIP).*)?$/);
  if (notOk) {
    // A failed subtest repeats the failure of its assertions: keep only the innermost one.
    const path = subtests.slice(0, indent / 4).filter(Boolean);
    const last = failures.at(-1);
    if (last && last.indent > indent) return;
    diag = { indent, lines: [], title: [...path, notOk[1]].join(' › ') };
    failures.push(diag);
  }
}

child.stdout.on('data', (chunk) => {
  const text = chunk.toString();
  process.stdout.write(text);
  tail = (tail + text).slice(-4096);
  const lines = (partial + text).split('\n');
  partial = lines.pop();
  for (const line of lines) readLine(line);
});
child.on('close', (code, signal) => {
  if (partial) readLine(partial);
  const real = failures.filter((f) => !/ # TODO/.test(f.title));
  if (real.length > 0) {
    console.log(`\n# Failures (${real.length}):`);
    for (const failure of real.slice(0, 20)) {
      console.log(`\n✗ ${failure.title}`);
      for (const line of failure.lines.slice(0, 25)) console.log(`  ${line.slice(failure.indent).trimEnd()}`);
    }
  }
  const summary = [...tail.matchAll(/^# (\{[^\n]*\})$/gm)].pop()?.[1];
  const count = (name) => Number(summary?.match(new RegExp(`\\b${name}: (\\d+)`))?.[1] ?? 0);
  if (summary) {
    const skipped = count('skip') + count('todo');
    console.log(`\n${count('pass')} passed, ${count('fail')} failed${skipped ? `, ${skipped} skipped` : ''}`);
  } else {
    console.log('\n0 passed, 1 failed');
    console.error('run-tap: no summary line from tap');
  }
  process.exit(code ?? (signal ? 1 : 0));
});
