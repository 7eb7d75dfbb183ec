// How a test starts a Node process of its own (the server, a command, a fixture): `node ARGS` through
// env(1), which hands it the test's NODE_OPTIONS without tap's process-info hooks. tap puts those hooks
// in NODE_OPTIONS so that it can follow every child for coverage, and puts them back into the
// environment of every process a test spawns (process-on-spawn), so only the last step before node can
// leave them out. The suite runs without coverage, and in a child they cost ~0.7 s of its start (the
// server until it listens: 2.8 s without them, 3.5 s with, on the build machine), about 100 children a run.
const TAP_PROCESS_INFO = /(?:^|\s)"?--(?:import|loader|require)(?:=|\s+)"?[^\s"]*@tapjs[\\/]processinfo[^\s"]*"?/g;

/** NODE_OPTIONS without tap's process-info hooks; any other options stay. */
export const withoutTapHooks = (nodeOptions = ''): string => nodeOptions.replace(TAP_PROCESS_INFO, '').trim();

/** The command and arguments (for spawn or execFile) that run `node ...args` without tap's hooks. */
export function nodeCommand(args: readonly string[]): [string, string[]] {
  return ['env', [`NODE_OPTIONS=${withoutTapHooks(process.env.NODE_OPTIONS)}`, process.execPath, ...args]];
}
