// Runs the tap suite and ends with the plain `N passed, N failed` line CI reads, taken from tap's
// own closing summary (`# { total, pass, fail, ... }`), keeping tap's exit code.
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const child = spawn('npx', ['tap', '--reporter=tap', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
child.on('close', (code, signal) => {
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
