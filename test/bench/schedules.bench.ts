// A schedule POST as the catalogue grows (issue 14: "a catalogue change costs in proportion to what it
// changes"): 10,000 claimed screens in ten townships, then schedule entries each for a screen of its own
// (as `npm run loadtest -- --distinct-rules` makes them) put straight into the store up to 100, 1,000 and
// 5,000, and at each size POSTs through the real route (signed-in admin, checks, audit, journal). A POST
// should cost about the same at 5,000 entries as at 100. With `schedules:players` every screen has a player
// (a socketless session, as test/helper.ts makes), so each POST is also timed until its screen's manifest is
// sent, as in the loadtest's set-up. `CRIER_BENCH_PROFILE=<dir>` profiles each size.
import { socketlessSession } from '../helper.js';
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

async function schedulesAt(fleet: number, sizes: number[], withPlayers: boolean): Promise<void> {
  await withTempDir(async (dataDir) => {
    const { app, post } = await adminAppWithFleet(dataDir, fleet);
    const stamp = new Date().toISOString();
    const playlistId = app.crier.catalogue.read().defaultPlaylistId!;
    const { publisher, presence } = app.crier;
    let sent = 0;
    if (withPlayers) for (let i = 0; i < fleet; i++) presence.add(socketlessSession(`fleet-${i}`, { sendManifest: () => void sent++ }));
    /** Until the publisher has passed over what the POST changed (at once without players). */
    const published = async () => {
      while (!publisher.isIdle) await new Promise((resolve) => setImmediate(resolve));
    };
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
      // Straight into the store, so the publisher is told as a service would tell it.
      publisher.catalogueChanged();
      await published();
      await profiled(`schedules-${fleet}-${size}${withPlayers ? '-players' : ''}`, async () => {
        for (let k = made; k < size; k++) {
          const started = performance.now();
          const usage = process.cpuUsage();
          await post('/api/v1/schedules', entryFor(k, `fleet-${k}`, playlistId));
          await published();
          cpu.push(cpuMs(usage));
          wall.push(performance.now() - started);
        }
      });
      made = size;
      const what = withPlayers ? `schedule POST to its manifest sent, ${fleet.toLocaleString('en')} screens with a player each` : `schedule POST at ${fleet.toLocaleString('en')} screens`;
      console.log(`${what}, ${size.toLocaleString('en')} entries: median ${fmt(median(wall))} (CPU ${fmt(median(cpu))})${withPlayers ? `, ${sent} manifests sent` : ''}`);
    }
    await app.close();
  });
}

/** `npm run bench -- schedules` (10,000 screens; 100, 1,000 and 5,000 entries), `schedules:players` with a player per screen, `schedules:3000` for another fleet. */
export async function benchSchedules(half?: string): Promise<void> {
  const withPlayers = half === 'players';
  await schedulesAt(half && !withPlayers ? Number(half) : 10_000, [100, 1000, 5000], withPlayers);
}
