// CRIER_BENCH_BUSY=N: a bench part runs beside N processes that only spin (at the same priority), as a server
// shares its cores with a transcode, its database or, in the load test, the simulated players.
import { spawn, type ChildProcess } from 'node:child_process';

/** N processes that only spin until killed (or after ten minutes, should this one die first). */
function startBusyProcesses(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'const end = Date.now() + 600000; while (Date.now() < end);'], { stdio: 'ignore' }));
}

/** Runs `work` beside CRIER_BENCH_BUSY spinning processes (none by default); the words for the heading, '' when none. */
export async function besideBusyProcesses(work: () => Promise<void>): Promise<string> {
  const busy = startBusyProcesses(Number(process.env.CRIER_BENCH_BUSY ?? 0));
  try {
    await work();
  } finally {
    for (const child of busy) child.kill();
  }
  return busy.length ? `beside ${busy.length} busy process${busy.length === 1 ? '' : 'es'}` : '';
}
