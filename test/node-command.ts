// How a test starts a Node process of its own (the server, a command, a fixture): `node ARGS` through
// env(1), which hands it the test's NODE_OPTIONS without tap's process-info hooks. tap puts those hooks
// in NODE_OPTIONS so that it can follow every child for coverage, and puts them back into the
// environment of every process a test spawns (process-on-spawn), so only the last step before node can
// leave them out. The suite runs without coverage, and in a child they cost ~0.7 s of its start (the
// server until it listens: 2.8 s without them, 3.5 s with, on the build machine), about 100 children a run.
import { compiledPath } from './compiled-tree.mjs';

const TAP_PROCESS_INFO = /(?:^|\s)"?--(?:import|loader|require)(?:=|\s+)"?[^\s"]*@tapjs[\\/]processinfo[^\s"]*"?/g;

/** NODE_OPTIONS without tap's process-info hooks; any other options stay. */
export const withoutTapHooks = (nodeOptions = ''): string => nodeOptions.replace(TAP_PROCESS_INFO, '').trim();

/**
 * `node --import tsx SCRIPT.ts …` as the suite runs it: when it runs compiled (test/run-tap.mjs sets
 * CRIER_TEST_COMPILED to its compiled tree), SCRIPT's compiled counterpart with no loader, ~2 s of CPU
 * less a start. Left to tsx when another argument is a .ts module the script would import.
 */
export function compiledArgs(args: readonly string[], tree = process.env.CRIER_TEST_COMPILED): readonly string[] {
  if (!tree) return args;
  const at = args.findIndex((arg, i) => arg === '--import=tsx' || (arg === 'tsx' && args[i - 1] === '--import'));
  const script = args.findIndex((arg, i) => i > at && !arg.startsWith('-'));
  if (at < 0 || script < 0 || args.some((arg, i) => i > script && /\.tsx?$/.test(arg))) return args;
  const compiled = compiledPath(tree, args[script]!);
  if (!compiled) return args;
  const loader = args[at] === 'tsx' ? [at - 1, at] : [at];
  return args.map((arg, i) => (i === script ? compiled : arg)).filter((_, i) => !loader.includes(i));
}

/** The command and arguments (for spawn or execFile) that run `node ...args` without tap's hooks. */
export function nodeCommand(args: readonly string[]): [string, string[]] {
  return ['env', [`NODE_OPTIONS=${withoutTapHooks(process.env.NODE_OPTIONS)}`, process.execPath, ...compiledArgs(args)]];
}
