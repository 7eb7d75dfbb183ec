// Claiming a screen as the fleet grows (issue 14): a catalogue with N claimed screens in ten townships,
// then 30 codes claimed one after another through the real API (signed-in admin, audit, place sync),
// and 30 more with 8 in flight, as `npm run loadtest` provisions. A claim should cost the same at 10
// and at 10,000 screens. At the largest fleet also an alert for every screen, raised and cleared
// through the API (no player connected: the catalogue change's own cost).
import { helloMessage } from '../helper.js';
import { adminAppWithFleet, cpuMs } from './admin-app.js';
import { profiled } from './profile.js';
import { fmt, quantile } from './stats.js';
import { withTempDir } from './temp-dir.js';

const CLAIMS = 30;
const ALERTS = 10;

async function claimsAt(fleet: number, withAlerts: boolean): Promise<void> {
  await withTempDir(async (dataDir) => {
    const { app, post, sites } = await adminAppWithFleet(dataDir, fleet);
    // The first hello of each new player: an unclaimed screen with a code, one after another.
    const codes: string[] = [];
    const hellos: number[] = [];
    const hellosCpu: number[] = [];
    await profiled(`hellos-${fleet}`, async () => {
      for (let i = 0; i < 2 * CLAIMS; i++) {
        const start = performance.now();
        const cpu = process.cpuUsage();
        const admission = await app.crier.pairing.admit(helloMessage() as never, `127.9.${Math.floor(i / 10)}.${i % 10}`);
        hellosCpu.push(cpuMs(cpu));
        hellos.push(performance.now() - start);
        if (!admission.admitted || !admission.screen.pairingCode) throw new Error('no pairing code');
        codes.push(admission.screen.pairingCode);
      }
    });
    const claim = async (code: string, i: number) => {
      const start = performance.now();
      await post('/api/v1/screens/claim', { code, name: `新屏 ${i}`, siteId: sites[i % 10] });
      return performance.now() - start;
    };
    const alone: number[] = [];
    const aloneCpu: number[] = [];
    await profiled(`claims-${fleet}-alone`, async () => {
      for (let i = 0; i < CLAIMS; i++) {
        const cpu = process.cpuUsage();
        alone.push(await claim(codes[i]!, i));
        aloneCpu.push(cpuMs(cpu));
      }
    });
    let next = CLAIMS;
    const concurrent: number[] = [];
    const started = performance.now();
    await profiled(`claims-${fleet}-concurrent`, () =>
      Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < 2 * CLAIMS) {
            const i = next++;
            concurrent.push(await claim(codes[i]!, i));
          }
        }),
      ),
    );
    const perSecond = (CLAIMS / (performance.now() - started)) * 1000;
    console.log(
      `claim at ${fleet.toLocaleString('en')} screens: one at a time median ${fmt(quantile(alone, 0.5))} (CPU ${fmt(quantile(aloneCpu, 0.5))}), p99 ${fmt(quantile(alone, 0.99))}; ` +
        `8 in flight median ${fmt(quantile(concurrent, 0.5))}, ${perSecond.toFixed(1)} claims/s; new screen's first hello median ${fmt(quantile(hellos, 0.5))} (CPU ${fmt(quantile(hellosCpu, 0.5))})`,
    );
    if (withAlerts) {
      const playlistId = app.crier.catalogue.read().defaultPlaylistId!;
      const raise: number[] = [];
      const clear: number[] = [];
      for (let i = 0; i < ALERTS; i++) {
        let start = performance.now();
        const alert = await post('/api/v1/alerts', { title: `bench ${i}`, playlistId, target: { kind: 'all' }, priority: 100 });
        raise.push(performance.now() - start);
        start = performance.now();
        await post(`/api/v1/alerts/${alert.id}/clear`, {});
        clear.push(performance.now() - start);
      }
      console.log(`alert for all at ${fleet.toLocaleString('en')} screens (API time, no player connected): raise median ${fmt(quantile(raise, 0.5))}, clear median ${fmt(quantile(clear, 0.5))}`);
    }
    await app.close();
  });
}

/** `npm run bench -- claims` (10, 1,000 and 10,000 screens; the alert at 10,000) or `claims:5000` for one size. */
export async function benchClaims(size?: string): Promise<void> {
  const fleets = size ? [Number(size)] : [10, 1000, 10_000];
  for (const fleet of fleets) await claimsAt(fleet, fleet === fleets[fleets.length - 1]);
}
