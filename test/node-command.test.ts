// Processes a test starts run without tap's process-info hooks, with the rest of what they were given.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { treeDir } from './compiled-tree.mjs';
import { compiledArgs, nodeCommand, withoutTapHooks } from './node-command.js';

const HOOKS = '"--import=file:///work/x/node_modules/@tapjs/processinfo/dist/esm/import.mjs"';
const PRINT = ['-e', 'process.stdout.write(JSON.stringify([process.env.NODE_OPTIONS ?? null, process.argv.slice(1), process.env.CRIER_X ?? null]))'];

t.test('tap\'s process-info hooks leave NODE_OPTIONS; other options stay', async (t) => {
  t.equal(withoutTapHooks(`--max-old-space-size=100 ${HOOKS} --import tsx`), '--max-old-space-size=100 --import tsx');
  t.equal(withoutTapHooks('--require /work/x/node_modules/@tapjs/processinfo/dist/cjs/require.js'), '', 'in the other spelling too');
  t.equal(withoutTapHooks('--import=./other-loader.mjs'), '--import=./other-loader.mjs', 'another loader is kept');
  t.equal(withoutTapHooks(undefined), '');
});

t.test('node started with it gets its arguments and environment, and no process-info hooks', async (t) => {
  // Under tap this test's own NODE_OPTIONS has the hooks, and a plain spawn passes them on.
  const [command, args] = nodeCommand([...PRINT, 'a', 'b c']);
  const { stdout } = await promisify(execFile)(command, args, { env: { ...process.env, CRIER_X: 'x' } });
  const [nodeOptions, argv, variable] = JSON.parse(stdout) as [string, string[], string];
  t.notMatch(nodeOptions, /processinfo/);
  t.same(argv, ['a', 'b c']);
  t.equal(variable, 'x');
  const plain = JSON.parse((await promisify(execFile)(process.execPath, PRINT)).stdout) as [string | null];
  const hasHooks = (options: string | null | undefined) => /processinfo/.test(options ?? '');
  t.equal(hasHooks(plain[0]), hasHooks(process.env.NODE_OPTIONS), 'a plain spawn passes on whatever hooks the test has');
});

t.test('a signal reaches node itself (env execs it)', async (t) => {
  const [command, args] = nodeCommand(['-e', 'setInterval(() => {}, 1000); process.stdout.write(String(process.pid))']);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  t.equal(Number(chunk.toString()), child.pid, 'the pid spawn gives is node\'s');
  child.kill('SIGTERM');
  const [, signal] = await once(child, 'exit');
  t.equal(signal, 'SIGTERM');
});

t.test('in the compiled suite a script for tsx runs compiled, with no loader; tsx keeps the rest', async (t) => {
  const root = treeDir('/repo', 123);
  const compiled = (rel: string) => path.join(root, rel);
  t.same(compiledArgs(['--import', 'tsx', 'server/main.ts'], root), [compiled('server/main.js')]);
  t.same(
    compiledArgs(['--max-old-space-size=100', '--import=tsx', 'server/backup/cli.ts', 'backup', '--to', 'x.tar'], root),
    ['--max-old-space-size=100', compiled('server/backup/cli.js'), 'backup', '--to', 'x.tar'],
    'other options and the arguments stay, in order',
  );
  const importsAnother = ['--import', 'tsx', 'test/fixtures/loaded-packages.ts', 'server/app.ts'];
  t.same(compiledArgs(importsAnother, root), importsAnother, 'a script given a .ts module to import keeps tsx');
  t.same(compiledArgs(['--import', 'tsx', 'server/main.ts'], ''), ['--import', 'tsx', 'server/main.ts'], 'not in a compiled run');
  t.same(compiledArgs(['--import', 'tsx', 'elsewhere/x.ts'], root), ['--import', 'tsx', 'elsewhere/x.ts'], 'not a module of the tree');
  t.same(compiledArgs(['-e', '1'], root), ['-e', '1']);
});
