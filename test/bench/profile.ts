// A CPU profile of one phase of a benchmark, not of its set-up: `CRIER_BENCH_PROFILE=<dir>` writes
// `<dir>/<name>.cpuprofile` (open it in Chrome DevTools or any .cpuprofile reader).
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export async function profiled<T>(name: string, phase: () => Promise<T>): Promise<T> {
  const dir = process.env.CRIER_BENCH_PROFILE;
  if (!dir) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
