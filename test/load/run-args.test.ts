// `npm run loadtest` answers a mistyped command with one line and its usage (every flag and its default),
// exit 2, and starts nothing; `--help` prints the usage.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { nodeCommand } from '../node-command.js';

const loadtest = (...args: string[]) => spawnSync(...nodeCommand(['--import', 'tsx', 'test/load/run.ts', ...args]), { encoding: 'utf8', timeout: 60_000 });

t.test('--help prints every flag with its default', async (t) => {
  const run = loadtest('--help');
  t.equal(run.status, 0);
  t.match(run.stdout, /^usage: npm run loadtest -- .*\[--players=500\].*\[--distinct-rules\].*\[--dir=\/tmp\/scale-loadtest\]/);
});

t.test('an unknown flag or a bad value: one line, the usage, exit 2, nothing started', async (t) => {
  const dir = path.join(t.testdir(), 'runs');
  for (const [args, said] of [
    [['--player', '5'], /^loadtest: Unknown option '--player'/],
    [['--players', '0'], /^loadtest: --players must be 1 … 15000/],
  ] as const) {
    const run = loadtest(...args, '--dir', dir);
    t.equal(run.status, 2, args.join(' '));
    const lines = run.stderr.trim().split('\n');
    t.match(lines[0], said);
    t.match(lines[1], /^usage: /);
    t.equal(lines.length, 2, 'no stack trace');
    t.notOk(existsSync(dir), 'no run directory made');
  }
});
