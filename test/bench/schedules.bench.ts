// A schedule POST as the catalogue grows (issue 14: "a catalogue change costs in proportion to what it
// changes"): 10,000 claimed screens in ten townships, then schedule entries each for a screen of its own
// (as `npm run loadtest -- --distinct-rules` makes them) put straight into the store up to 100, 1,000 and
// 5,000, and at each size POSTs through the real route (signed-in admin, checks, audit, journal). A POST
// should cost about the same at 5,000 entries as at 100. `CRIER_BENCH_PROFILE=<dir>` profiles each size.
import { adminAppWithFleet, cpuMs } from './admin-app.js';
import { profiled } from './profile.js';
import { fmt, median } from './stats.js';
import { withTempDir } from './temp-dir.js';

const POSTS = 40;
const pad = (n: number) => String(n).padStart(2, '0');
/** The loadtest's entry for the k-th screen: its own daypart, weekdays and priority. */
const entryFor = (k: number, screenId: string, playlistId: string) => {
  const hour = 6 + (k % 12);
  return { playlistId, target: { kind: 'screens' as const, screenIds: [screenId] }, priority: 1 + (k % 7), weekdays: [1 + (k % 7), 1 + ((k + 3) % 7)], windows: [{ start: `${pad(hour)}:${pad(k % 60)}`, end: `${pad(hour + 2)}:00` }] };
};

async function schedulesAt(fleet: number, sizes: number[]): Promise<void> {
  await withTempDir(async (dataDir) => {
    const { app, post } = await adminAppWithFleet(dataDir, fleet);
    const stamp = new Date().toISOString();
    const playlistId = app.crier.catalogue.read().defaultPlaylistId!;
    let made = 0;
    for (const size of sizes) {
      // Entries straight into the store (one commit): the set-up, not what is measured.
      const from = made;
      await app.crier.catalogue.update((draft) => {
        for (let k = from; k < size - POSTS; k++) draft.schedules.push({ id: `sch-bench-${k}`, ...entryFor(k, `fleet-${k}`, playlistId), createdAt: stamp });
      });
      made = Math.max(made, size - POSTS);
      const wall: number[] = [];
      const cpu: number[] = [];
      await profiled(`schedules-${fleet}-${size}`, async () => {
        for (let k = made; k < size; k++) {
          const started = performance.now();
          const usage = process.cpuUsage();
          await post('/api/v1/schedules', entryFor(k, `fleet-${k}`, playlistId));
          cpu.push(cpuMs(usage));
          wall.push(performance.now() - started);
        }
      });
      made = size;
      const line = `schedule POST at ${fleet.toLocaleString('en')} screens, ${size.toLocaleString('en')} entries: median ${fmt(median(wall))} (CPU ${fmt(median(cpu))})`;
      console.log(line);
    }
    await app.close();
  });
}

/** `npm run bench -- schedules` (10,000 screens; 100, 1,000 and 5,000 entries) or `schedules:3000` for another fleet. */
export async function benchSchedules(size?: string): Promise<void> {
  await schedulesAt(size ? Number(size) : 10_000, [100, 1000, 5000]);
}
