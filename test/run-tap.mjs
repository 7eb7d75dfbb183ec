// Runs the tap suite and ends with the plain `N passed, N failed` line CI reads, taken from the test
// files' own closing counts (`# { total, pass, fail, ... }`), failing when any file failed. Failures are
// repeated just above that line (test file, subtest, assertion and its diagnostics), because CI
// shows only the end of a long log.
//
// The files run compiled (test/compiled-tree.mjs: the repository's TypeScript built once into
// .build/tests-<pid>, run with no loader, removed at the end); their results keep their sources' names.
// CRIER_TEST_TSX=1 runs the sources under tsx instead.
//
// With file arguments (`npm test -- test/x.test.ts`, test/robustness/run.ts) it is one plain tap run.
// Without (the whole suite, as CI runs it) it runs two lanes: two test files at once, one per core of
// CI's two-core machine, where tap's own default is one (`jobs` = cores - 1). Each lane takes a share of
// the files as it goes (the shares shrink towards the end, so both lanes finish close together); every
// file that drives Chromium goes to one share that one lane runs, so two Chromiums never compete for the
// two cores. Compiled, a lane runs each file of its share as `node FILE` (tap's runner and its loader
// hooks cost a file ~0.8 s) and writes its TAP as the runner would; under tsx a share is a
// `tap --jobs=1`. The lanes' outputs are merged into one TAP stream, a whole test file at a time,
// numbered in the order the files end.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const root = process.cwd();
const isCompiled = process.env.CRIER_TEST_TSX !== '1';
const LANES = Math.max(1, Number(process.env.CRIER_TEST_LANES ?? 2));
const started = Date.now();
const lanes = new Set(); // running tap processes, ended with us

// ---- failures, from the merged TAP stream -------------------------------------------------------

const subtests = []; // the "# Subtest:" names open at each indent
const failures = [];
let diag = null; // the failure whose YAML diagnostics are being read, with its indent
let fileFailures = 0; // failures before the current test file's: a file's failure is repeated even after another file's inner ones

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
    if (indent === 0) fileFailures = failures.length;
    return;
  }
  const notOk = line.match(/^ *not ok \d+ - (.*?)(?: # (?:time|TODO|SKIP).*)?$/);
  if (notOk) {
    // A failed subtest repeats the failure of its assertions: keep only the innermost one.
    const path = subtests.slice(0, indent / 4).filter(Boolean);
    const last = failures.length > fileFailures ? failures.at(-1) : undefined;
    if (last && last.indent > indent) return;
    diag = { indent, lines: [], title: [...path, notOk[1]].join(' › ') };
    failures.push(diag);
  }
}

const out = (line) => {
  process.stdout.write(`${line}\n`);
  readLine(line);
};

// ---- tap's closing summaries and per-file times -------------------------------------------------

const counts = {}; // summed `# { total: N, pass: N, ... }`
const fileTimes = []; // [ms, file] from each file's top-level `ok N - file # time=…ms`
const SUMMARY = /^# (\{[^\n]*\})$/;
const addSummary = (text) => {
  for (const [, key, value] of text.matchAll(/\b(\w+): (\d+)/g)) counts[key] = (counts[key] ?? 0) + Number(value);
};

function report(code, expectedFiles) {
  const missing = expectedFiles === undefined ? 0 : expectedFiles - filesSeen.size;
  if (missing > 0) {
    // A lane that died took files with it: that is a failure even if everything that ran passed.
    console.log(`\n# run-tap: ${missing} of ${expectedFiles} test files reported nothing`);
    failures.push({ indent: 0, lines: [], title: `${missing} test files never reported` });
    counts.fail = (counts.fail ?? 0) + 1;
    code ||= 1;
  }
  if (fileTimes.length > 1) {
    const sum = fileTimes.reduce((s, [ms]) => s + ms, 0);
    const slowest = [...fileTimes].sort((a, b) => b[0] - a[0]).slice(0, 5);
    console.log(`\n# ${fileTimes.length} test files; their own times add up to ${(sum / 60_000).toFixed(1)} min, the run took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    console.log(`# slowest: ${slowest.map(([ms, f]) => `${f} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  }
  const real = failures.filter((f) => !/ # TODO/.test(f.title));
  if (real.length > 0) {
    console.log(`\n# Failures (${real.length}):`);
    for (const failure of real.slice(0, 20)) {
      console.log(`\n✗ ${failure.title}`);
      for (const line of failure.lines.slice(0, 25)) console.log(`  ${line.slice(failure.indent).trimEnd()}`);
    }
  }
  if (counts.total !== undefined) {
    const skipped = (counts.skip ?? 0) + (counts.todo ?? 0);
    console.log(`\n${counts.pass ?? 0} passed, ${counts.fail ?? 0} failed${skipped ? `, ${skipped} skipped` : ''}`);
  } else {
    console.log('\n0 passed, 1 failed');
    console.error('run-tap: no summary line from tap');
    code ||= 1;
  }
  process.exit(code);
}

// ---- one tap process ------------------------------------------------------------------------------

/** The source's name for a compiled test file in tap's lines (`.build/tests-123/test/x.test.js` → `test/x.test.ts`). */
const sourceNames = (line) => line.replace(/\.build\/tests-\d+\/(test\/\S+?\.test)\.js/g, '$1.ts');

/**
 * The environment tap runs in: for the compiled tree, its config (no loader) and where it is for
 * test/node-command.ts; otherwise, or for `tap list`, neither (not even a suite's this one runs within).
 */
const { TAP_RCFILE: _rc, CRIER_TEST_COMPILED: _compiled, ...sourceEnv } = process.env;
let tapEnv = sourceEnv;
/** A test file as tap is to run it: its compiled counterpart when the suite runs compiled. */
let runnable = (file) => file;
if (isCompiled) {
  const { compileTree, compiledPath, removeTree } = await import('./compiled-tree.mjs');
  const tree = await compileTree(root);
  process.on('exit', () => removeTree(tree));
  tapEnv = { ...sourceEnv, TAP_RCFILE: path.join(tree, 'package.json'), CRIER_TEST_COMPILED: tree };
  runnable = (file) => {
    const compiled = compiledPath(tree, file);
    return compiled ? path.relative(root, compiled) : file;
  };
}

/** Hands each line of a child's stdout to `onLine` as it comes (`onData` first, per chunk); returns what hands over the unended last line once the child has closed. */
function readLines(child, onLine, onData = () => {}) {
  let partial = '';
  child.stdout.on('data', (chunk) => {
    onData();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop();
    for (const line of lines) onLine(line);
  });
  return () => {
    if (partial) onLine(partial);
    partial = '';
  };
}

/** Runs `npx tap` with `tapArgs`, handing each stdout line to `onLine`; resolves with its exit code. */
function runTap(tapArgs, onLine, onOutput = () => {}, env = tapEnv) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tap', ...tapArgs], { stdio: ['ignore', 'pipe', 'inherit'], env });
    lanes.add(child);
    const endLines = readLines(child, (line) => onLine(sourceNames(line)), onOutput);
    child.on('close', (code, signal) => {
      lanes.delete(child);
      onOutput();
      endLines();
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of lanes) child.kill(signal);
    process.exit(1);
  });
}

const TOP_OK = /^(not )?ok \d+ - (.*?)(?: # time=([\d.]+)ms)?(?: # .*)?$/;
const recordTime = (line) => {
  const ok = TOP_OK.exec(line);
  if (ok) fileTimes.push([Number(ok[3] ?? 0), ok[2]]);
};

// ---- file arguments: one plain tap run ----------------------------------------------------------

if (args.length > 0) {
  const code = await runTap(['--reporter=tap', ...args.map(runnable)], (line) => {
    const summary = SUMMARY.exec(line);
    if (summary) addSummary(summary[1]);
    else recordTime(line);
    out(line);
  });
  report(code);
}

// ---- the whole suite: lanes ---------------------------------------------------------------------

const files = [];
// Listed from the sources, with the repository's own config.
await runTap(['list'], (line) => void (line.trim() && files.push(line.trim())), undefined, sourceEnv);
if (files.length === 0) {
  console.error('run-tap: `tap list` found no test files');
  process.exit(1);
}
// A file drives Chromium when it imports test/browser.ts or Playwright.
const drivesChromium = (file) => /from ['"][./]*(?:[\w-]+\/)*browser\.js['"]|from ['"]playwright-core['"]/.test(readFileSync(file, 'utf8'));
const browserFiles = files.filter(drivesChromium);
const otherFiles = files.filter((f) => !browserFiles.includes(f));

let browserTaken = browserFiles.length === 0;
/** The next share of files for a lane: the Chromium files all at once, then ever smaller shares of the rest. */
function nextShare() {
  if (!browserTaken) {
    browserTaken = true;
    return browserFiles;
  }
  if (otherFiles.length === 0) return null;
  return otherFiles.splice(0, Math.max(1, Math.ceil(otherFiles.length / (2 * LANES))));
}

out('TAP version 14');
out(`1..${files.length}`);
let number = 0;
const filesSeen = new Set(); // the files whose lines came
/** A lane's top-level result, numbered in the merged stream's order. */
const renumber = (line) => line.replace(/^(not )?ok \d+/, (_, not) => `${not ?? ''}ok ${++number}`);

/**
 * Reads one lane's TAP: each test file's lines are held until the file has ended, then written whole.
 * A top-level result that is not the file's own (the runner's `not ok N - timeout!`) is written at once
 * with its diagnostics (indented by two, where a file's lines are indented by four).
 */
function laneReader() {
  let block = null; // the lines of the file being read
  let file = null; // its name
  let ended = false; // its top-level ok line was seen (its YAML diagnostics may follow)
  let aside = false; // a runner's result was written; its diagnostics follow
  const flush = () => {
    if (!block) return;
    for (const line of block) out(line);
    out('');
    block = null;
    ended = false;
  };
  const onLine = (line) => {
    if (aside && /^  (?! )/.test(line)) return out(line);
    aside = false;
    const subtest = /^# Subtest: (.*)$/.exec(line);
    if (subtest) {
      flush();
      block = [line];
      file = subtest[1];
      filesSeen.add(file);
      return;
    }
    const result = TOP_OK.exec(line);
    if (result && block && !ended && result[2] === file) {
      recordTime(line);
      block.push(renumber(line));
      ended = true;
      return;
    }
    if (result) {
      if (ended) flush();
      out(renumber(line));
      aside = true;
      return;
    }
    // Lines of the file (indented), or its last lines before its result; a top-level comment (the lane's
    // closing counts) ends it even without one: after a timeout tap numbers the next file's result
    // `timeout!` and never writes that file's own.
    if (block && (line.startsWith(' ') || (!ended && !line.startsWith('#')))) {
      block.push(line);
      return;
    }
    flush();
    const summary = SUMMARY.exec(line);
    if (summary) addSummary(summary[1]);
    // The lane's own header, plan, closing time and blank lines: the merged stream has its own.
    else if (line.trim() && !/^(TAP version \d+|1\.\.\d+|# time=[\d.]+ms|# No coverage generated)$/.test(line)) out(line);
  };
  return { onLine, flush };
}

// tap rebuilds itself before its first output when its plugin set changed (package.json's `tap`
// block): the other lanes start once the first one has printed, so two never rebuild at once.
let firstLaneOutput;
const firstLaneStarted = new Promise((resolve) => (firstLaneOutput = resolve));

// A share is named in a `--save` file rather than as arguments: tap then runs just those files and,
// as for any subset, leaves .tap/processinfo alone, where the other lane's test processes write as
// they exit (a plain run empties it first). It is emptied here once, before anything runs.
rmSync(new URL('../.tap/processinfo', import.meta.url), { recursive: true, force: true });
let shares = 0;
async function runShare(files, onLine, onOutput) {
  const saveFile = path.join(os.tmpdir(), `crier-tap-share-${process.pid}-${++shares}.txt`);
  writeFileSync(saveFile, `${files.join('\n')}\n`);
  try {
    return await runTap(['--reporter=tap', '--jobs=1', `--save=${saveFile}`], onLine, onOutput);
  } finally {
    rmSync(saveFile, { force: true }); // tap leaves the failed files in it
  }
}

// ---- the compiled suite: each file in a plain node -------------------------------------------------

/** Each file's own time limit, as in tap's config (its root test keeps it: TAP_TIMEOUT). */
const TIMEOUT_S = Number(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).tap?.timeout ?? 30);
const ROOT_TIME = /^# time=([\d.]+)ms$/;

/**
 * Runs one compiled test file as `node FILE`, without tap's runner: the runner and its two loader hooks
 * cost each file ~0.8 s of its start (README, "How long `npm test` takes"). The file's own TAP goes to
 * `onLine` as tap's runner writes it: under `# Subtest: FILE`, indented, ended by the file's result with
 * the file's own time; its counts are added to the run's. A file that crashed, was killed or wrote no
 * counts is a failure.
 */
function runFile(file, onLine) {
  return new Promise((resolve) => {
    // Not a tap runner's child (TAP_CHILD_ID and the like, inherited when this suite runs inside a test,
    // make tap leave out the closing counts): TAP output, the time limit, and where the tree is.
    const env = Object.fromEntries(Object.entries(tapEnv).filter(([name]) => !/^TAP(_|$)/.test(name)));
    Object.assign(env, { TAP: '1', TAP_TIMEOUT: String(TIMEOUT_S) });
    const child = spawn(process.execPath, ['--enable-source-maps', runnable(file)], { stdio: ['ignore', 'pipe', 'inherit'], env });
    lanes.add(child);
    // The root test ends itself at TAP_TIMEOUT; this is for a file whose event loop never lets it.
    const stuck = setTimeout(() => child.kill('SIGKILL'), (TIMEOUT_S + 60) * 1000);
    let summary = null;
    let ms = 0;
    onLine(`# Subtest: ${file}`);
    const endLines = readLines(child, (line) => {
      if (/^TAP version \d+$/.test(line)) return;
      summary = SUMMARY.exec(line)?.[1] ?? summary;
      ms = Number(ROOT_TIME.exec(line)?.[1] ?? ms);
      onLine(`    ${line}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(stuck);
      lanes.delete(child);
      endLines();
      const isOk = code === 0 && summary !== null;
      addSummary(summary ?? '{ total: 1, fail: 1 }');
      if (!isOk && summary && !/\bfail: [1-9]/.test(summary)) addSummary('{ fail: 1 }');
      onLine(`${isOk ? 'ok' : 'not ok'} 1 - ${file} # time=${ms}ms`);
      if (!isOk) for (const line of ['  ---', `  exitCode: ${code}`, ...(signal ? [`  signal: ${signal}`] : []), ...(summary ? [] : ['  why: no closing counts (it crashed or was killed)']), '  ...']) onLine(line);
      resolve(isOk ? 0 : 1);
    });
  });
}

async function lane(_, index) {
  if (!isCompiled && index > 0) await firstLaneStarted;
  let code = 0;
  for (let share = nextShare(); share; share = nextShare()) {
    const reader = laneReader();
    const codes = [];
    if (isCompiled) for (const file of share) codes.push(await runFile(file, reader.onLine));
    else codes.push(await runShare(share, reader.onLine, index === 0 ? firstLaneOutput : undefined));
    code ||= codes.find((c) => c !== 0) ?? 0;
    reader.flush();
  }
  return code;
}

const codes = await Promise.all(Array.from({ length: LANES }, lane));
out(`# { ${Object.entries(counts).map(([key, value]) => `${key}: ${value}`).join(', ')} }`);
out(`# time=${Date.now() - started}ms`);
report(codes.find((c) => c !== 0) ?? 0, files.length);
