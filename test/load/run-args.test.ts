// `npm run loadtest` answers a mistyped command with one line and its usage (every flag and its default),
// exit 2, and starts nothing; `--help` prints the usage; a port already taken ends the run before its server starts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
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

t.test('a port something already listens on (a server left by an earlier run): one line, exit 3, no server started', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => taken.close());
  const port = String((taken.address() as AddressInfo).port);
  const dir = path.join(t.testdir(), 'runs');
  // Asynchronously, so this process's listener stays up to be found.
  const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const [command, args] = nodeCommand(['--import', 'tsx', 'test/load/run.ts', '--players', '200', '--port', port, '--dir', dir]);
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stderr }));
  });
  t.equal(run.status, 3);
  t.equal(run.stderr.trim(), `loadtest: 127.0.0.1:${port} is in use (a server left by an earlier run?): stop it, or pass --port / --floor-port`);
  t.notOk(existsSync(path.join(dir, 'fleet-200-10')), 'no fleet made');
  const runs = readdirSync(dir).filter((name) => name.startsWith('run-'));
  t.equal(runs.length, 1);
  t.notOk(existsSync(path.join(dir, runs[0]!, 'server.log')), 'no server started');
});
