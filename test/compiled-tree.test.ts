// The compiled tree the suite runs from (test/compiled-tree.mjs): built from a small repository of its
// own, its modules run in a plain node (no loader), find their other files beside them, and point a
// failure at the .ts line; tap is told to run the compiled test files with no loader.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { compiledPath, compileTree, removeTree, treeDir } from './compiled-tree.mjs';

const run = promisify(execFile);

const repository = () => ({
  'package.json': JSON.stringify({ name: 'mini', type: 'module', tap: { timeout: 180, plugin: ['!@tapjs/typescript'], 'node-arg': ['--import=tsx'], include: ['test/**/*.test.ts'] } }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', verbatimModuleSyntax: true } }),
  server: {
    'greet.ts': "export interface Who { name: string }\nexport const greet = (who: Who): string => `你好，${who.name}`;\n",
    'main.ts': [
      "import { readFileSync } from 'node:fs';",
      "import { type Who, greet } from './greet.js';",
      "const who: Who = { name: readFileSync(new URL('./name.txt', import.meta.url), 'utf8').trim() };",
      'console.log(greet(who));',
      "if (process.argv[2] === 'fail') {",
      "  throw new Error('broken on purpose');",
      '}',
    ].join('\n'),
    'name.txt': '县公安局\n',
    'types.d.ts': 'export type Nothing = never;\n',
  },
  test: { 'a.test.ts': "import '../server/greet.js';\n" },
  docs: { 'x.md': '# x\n' },
});

t.test('modules run compiled in a plain node, beside their other files, failures at the .ts line', async (t) => {
  const root = t.testdir(repository());
  const tree = await compileTree(root);
  t.equal(tree, path.join(root, '.build', `tests-${process.pid}`), 'a tree of this run\'s own');

  const { stdout } = await run(process.execPath, [path.join(tree, 'server/main.js')]);
  t.equal(stdout, '你好，县公安局\n', 'the compiled modules import each other and read a file beside them');

  const failed = await run(process.execPath, ['--enable-source-maps', path.join(tree, 'server/main.js'), 'fail']).then(
    () => null,
    (error: { stderr: string }) => error.stderr,
  );
  t.match(failed, /broken on purpose/);
  t.match(failed, /server\/main\.ts:6\b/, 'the stack names the source and its line');

  t.equal(readlinkSync(path.join(tree, 'server/main.ts')), path.join(root, 'server/main.ts'), 'a source is linked, readable where a test looks for it');
  t.equal(readlinkSync(path.join(tree, 'docs')), path.join(root, 'docs'), 'top-level directories are reached through links');
  t.throws(() => readFileSync(path.join(tree, 'server/types.d.js')), 'declarations are not compiled');
});

t.test('tap is told to run the compiled test files with no loader, the rest of its config kept', async (t) => {
  const root = t.testdir(repository());
  const tree = await compileTree(root);
  const pkg = JSON.parse(readFileSync(path.join(tree, 'package.json'), 'utf8'));
  t.equal(pkg.type, 'module');
  t.same(pkg.tap, { timeout: 180, plugin: ['!@tapjs/typescript'], include: [`.build/tests-${process.pid}/test/**/*.test.js`] });
});

t.test('a second build starts afresh: an edit is taken, a module deleted since is gone', async (t) => {
  const root = t.testdir(repository());
  await compileTree(root);
  writeFileSync(path.join(root, 'server/main.ts'), 'console.log("again");\n');
  rmSync(path.join(root, 'server/greet.ts'));
  await compileTree(root);
  t.equal((await run(process.execPath, [path.join(treeDir(root), 'server/main.js')])).stdout, 'again\n');
  t.notOk(existsSync(path.join(treeDir(root), 'server/greet.js')), 'no compiled module outlives its source');
});

t.test('a tree left by a run that was killed is removed by the next; a running one\'s is not; a run removes its own', async (t) => {
  const root = t.testdir(repository());
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!; // ended: its pid is free
  const alive = process.ppid; // tap's runner
  for (const pid of [gone, alive]) mkdirSync(treeDir(root, pid), { recursive: true });
  const tree = await compileTree(root);
  t.notOk(existsSync(treeDir(root, gone)), 'the killed run\'s tree is gone');
  t.ok(existsSync(treeDir(root, alive)), 'a running process\'s tree stays');
  removeTree(tree);
  t.notOk(existsSync(tree));
});

t.test('compiledPath maps a module of the source directories, relative or absolute, and nothing else', async (t) => {
  const tree = treeDir('/repo', 123);
  t.equal(compiledPath(tree, 'server/main.ts'), '/repo/.build/tests-123/server/main.js');
  t.equal(compiledPath(tree, '/repo/test/fixtures/x.ts'), '/repo/.build/tests-123/test/fixtures/x.js');
  t.equal(compiledPath(tree, 'player/console/app.tsx'), '/repo/.build/tests-123/player/console/app.js');
  t.equal(compiledPath(tree, 'README.md'), null);
  t.equal(compiledPath(tree, 'server/types.d.ts'), null);
  t.equal(compiledPath(tree, '../elsewhere/server/main.ts'), null);
  t.equal(compiledPath(tree, 'scripts/x.ts'), null, 'not a source directory');
});
