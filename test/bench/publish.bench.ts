// The publisher's own cost per change (issue 14): N screens in ten groups, one socketless session each
// (sends cost nothing here, so this is the pass itself: which sessions, keys, frames), then changes made
// through the services: an alert for all, one for a group (a tenth), an edit no screen airs. Measured in
// CPU time of this process (process.cpuUsage), which a busy machine disturbs far less than wall time.
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { socketlessSession } from '../helper.js';
import { fmt, quantile } from './stats.js';
import { withTempDir } from './temp-dir.js';

const ROUNDS = 7;

export async function benchPublish(screens = Number(process.env.CRIER_BENCH_SCREENS ?? 5000)): Promise<void> {
  await withTempDir(async (dataDir) => {
    const app = await buildApp({ ...loadConfig({}), dataDir, logLevel: 'silent' }, { logger: false });
    const { catalogue, presence, publisher, alerts, playlists } = app.crier;
    const createdAt = new Date().toISOString();
    await catalogue.update((draft) => {
      for (let i = 0; i < screens; i++) draft.screens.push({ id: `bench-${i}`, name: `屏 ${i}`, isProvisional: false, groups: [`组${i % 10}`], createdAt });
    });
    let sends = 0;
    for (let i = 0; i < screens; i++) presence.add(socketlessSession(`bench-${i}`, { sendManifest: () => void sends++ }));
    const playlistId = catalogue.read().defaultPlaylistId!;
    const settle = async () => {
      // The pass runs on setImmediate after the change: wait until it has gone over everyone it will.
      for (let quiet = 0; quiet < 3; ) {
        const before = `${publisher.stats.passes}/${sends}`;
        await new Promise((resolve) => setTimeout(resolve, 20));
        quiet = `${publisher.stats.passes}/${sends}` === before ? quiet + 1 : 0;
      }
    };
    await publisher.publishNow();
    await settle();
    const cpuOf = async (change: () => Promise<unknown>) => {
      const sentBefore = sends;
      const cpu = process.cpuUsage();
      await change();
      await settle();
      const used = process.cpuUsage(cpu);
      return { ms: (used.user + used.system) / 1000, sent: sends - sentBefore };
    };
    const rows: Record<string, { ms: number[]; sent: number[] }> = {};
    const record = (label: string, r: { ms: number; sent: number }) => {
      const row = (rows[label] ??= { ms: [], sent: [] });
      row.ms.push(r.ms);
      row.sent.push(r.sent);
    };
    for (let round = 0; round < ROUNDS; round++) {
      const all = (await cpuOf(() => alerts.create({ title: `全部 ${round}`, playlistId, target: { kind: 'all' }, priority: 100 }))) as { ms: number; sent: number };
      record('alert for all', all);
      record('alert for one group (a tenth)', await cpuOf(() => alerts.create({ title: `一组 ${round}`, playlistId, target: { kind: 'groups', groups: ['组1'] }, priority: 100 })));
      record('a playlist no screen airs', await cpuOf(() => playlists.create({ name: `未排播 ${round}`, items: [{ mediaId: catalogue.read().media[0]!.id, durationMs: 5000 }] })));
    }
    console.log(`publish at ${screens} sessions (CPU ms of the change and its pass, median of ${ROUNDS}; sends counted, not made):`);
    for (const [label, row] of Object.entries(rows)) {
      const median = quantile([...row.ms].sort((a, b) => a - b), 0.5);
      console.log(`  ${label}: ${fmt(median)} CPU, ${row.sent[0]} sent, ${((median * 1000) / screens).toFixed(1)} µs per connected session`);
    }
    await app.close();
  });
}
