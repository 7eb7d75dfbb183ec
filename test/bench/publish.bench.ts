// The publisher's own cost per change (issue 14): N screens in ten groups, one socketless session each
// (sends cost nothing here, so this is the pass itself: which sessions, keys, frames), then changes made
// through the services: an alert for all, one for a group (a tenth), an edit no screen airs. Measured in
// CPU time of this process (process.cpuUsage), which a busy machine disturbs far less than wall time.
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { PlayerSession } from '../../server/gateway/presence.js';
import { socketlessSession } from '../helper.js';
import { besideBusyProcesses } from './busy.js';
import { fmt, quantile } from './stats.js';
import { withTempDir } from './temp-dir.js';
import { readFileSync } from 'node:fs';

/** The main thread's CPU ms so far (Linux: its task's utime + stime in clock ticks of 10 ms; null elsewhere): the build worker's is not in it. */
function mainThreadCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

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
    for (let i = 0; i < screens; i++) presence.add(socketlessSession(`bench-${i}`, { sendManifest: (_, written) => void (sends++, written?.()) }));
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

/**
 * Issue 14's "screens whose rules all differ": N screens, each with a schedule entry of its own (its own
 * dayparts and weekdays, one of a few playlists) and a broadcast of its own, so no two manifests are equal.
 * Then a change for all of them (an alert for all) and `republishAll` (midnight): wall time from the change
 * to the first and the last session's manifest, and CPU per distinct build. `npm run bench -- publish:distinct`.
 */
export async function benchPublishDistinct(screens = Number(process.env.CRIER_BENCH_SCREENS ?? 2000)): Promise<void> {
  await withTempDir(async (dataDir) => {
    // The build settings as the server reads them (validated): CRIER_BUILD_WORKER=off, CRIER_BUILD_THREADS=N, CRIER_BUILD_NICE=N.
    const { CRIER_BUILD_WORKER, CRIER_BUILD_THREADS, CRIER_BUILD_NICE } = process.env;
    const app = await buildApp({ ...loadConfig({ CRIER_BUILD_WORKER, CRIER_BUILD_THREADS, CRIER_BUILD_NICE }), dataDir, logLevel: 'silent' }, { logger: false });
    const { catalogue, presence, publisher, alerts } = app.crier;
    const createdAt = new Date().toISOString();
    await catalogue.update((draft) => {
      const media = draft.media.map((m) => m.id);
      // A few playlists of the campaign's media in different orders: screens share playlists, not rules.
      const playlistIds: string[] = [];
      for (let k = 0; k < 8; k++) {
        const id = `bench-pl-${k}`;
        playlistIds.push(id);
        const items = media.map((_, j) => ({ id: `bench-pl-${k}-${j}`, mediaId: media[(j + k) % media.length]!, ...(j % 3 === 0 ? { durationMs: 5000 + k * 500 } : {}) }));
        draft.playlists.push({ id, name: `基准 ${k}`, description: '', items, createdAt, updatedAt: createdAt });
      }
      for (let i = 0; i < screens; i++) {
        const id = `bench-${i}`;
        draft.screens.push({ id, name: `屏 ${i}`, isProvisional: false, groups: [`组${i % 10}`], createdAt });
        const hour = 6 + (i % 12);
        const pad = (n: number) => String(n).padStart(2, '0');
        draft.schedules.push({
          id: `bench-sch-${i}`, playlistId: playlistIds[i % playlistIds.length]!, target: { kind: 'screens', screenIds: [id] }, priority: i % 7,
          weekdays: [1 + (i % 7), 1 + ((i + 3) % 7)], windows: [{ start: `${pad(hour)}:${pad(i % 60)}`, end: `${pad(hour + 2)}:00` }], createdAt,
        });
        (draft.broadcasts ??= []).push({
          id: `bench-bc-${i}`, name: `广播 ${i}`, playlistId: playlistIds[(i + 1) % playlistIds.length]!, target: { kind: 'screens', screenIds: [id] },
          times: [`${pad(7 + (i % 11))}:${pad((i * 7) % 60)}`], priority: 0, createdAt,
        });
      }
    });
    const playlistId = catalogue.read().defaultPlaylistId!;
    let sends = 0;
    let firstAt = 0;
    let lastAt = 0;
    const isPatching = process.env.CRIER_BENCH_FULL_MANIFESTS !== '1' && process.env.CRIER_BENCH_NO_PATCHES !== '1';
    let patchFrames = 0;
    for (let i = 0; i < screens; i++) {
      // As the browser player says in its hello: it takes shared and compact manifests, and patches, and
      // confirms each manifest it gets (so the next change may be a patch: rules that all differ, no two alike).
      const session: PlayerSession = socketlessSession(`bench-${i}`, {
        acceptsCompactManifest: process.env.CRIER_BENCH_FULL_MANIFESTS !== '1',
        acceptsManifestPatch: isPatching,
        // Written at once, as a socket that takes all it is given says (the frame's memory is then free).
        sendManifest: (frame, written) => {
          lastAt = performance.now();
          if (sends++ === 0) firstAt = lastAt;
          if (String(frame.slice(0, 30)).startsWith('{"type":"manifest-patch"')) patchFrames++;
          if (isPatching) publisher.applied(session, session.sentManifestVersion!);
          written?.();
        },
      });
      presence.add(session);
    }
    const settle = async () => {
      while (!publisher.isIdle) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await publisher.publishNow();
    await settle();
    const rows: Record<string, { first: number[]; last: number[]; cpu: number[]; mainCpu: number[]; sent: number[] }> = {};
    const measure = async (label: string, change: () => unknown) => {
      sends = 0;
      const cpu = process.cpuUsage();
      const mainCpu = mainThreadCpuMs();
      const start = performance.now();
      await change();
      await settle();
      const used = process.cpuUsage(cpu);
      const mainUsed = mainThreadCpuMs();
      const row = (rows[label] ??= { first: [], last: [], cpu: [], mainCpu: [], sent: [] });
      row.first.push(firstAt - start);
      row.last.push(lastAt - start);
      row.cpu.push((used.user + used.system) / 1000);
      if (mainCpu !== null && mainUsed !== null) row.mainCpu.push(mainUsed - mainCpu);
      row.sent.push(sends);
    };
    const beside = await besideBusyProcesses(async () => {
      for (let round = 0; round < Number(process.env.CRIER_BENCH_ROUNDS ?? 3); round++) {
        await measure('alert for all', () => alerts.create({ title: `全部 ${round}`, playlistId, target: { kind: 'all' }, priority: 100 }));
      }
    });
    const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
    console.log(`publish, ${screens} screens whose rules all differ (one session each, sends counted; median of ${rows['alert for all']!.cpu.length}${beside ? `; ${beside}` : ''}):`);
    for (const [label, row] of Object.entries(rows)) {
      console.log(`  ${label}: first ${fmt(median(row.first))}, last ${fmt(median(row.last))}, CPU ${fmt(median(row.cpu))} (${((median(row.cpu) * 1000) / screens).toFixed(0)} µs per screen), ${row.sent[0]} sent`);
      // The process's CPU includes the build worker's; the main thread's is what heartbeats wait behind.
      if (row.mainCpu.length) console.log(`  ${label}, main thread only: CPU ${fmt(median(row.mainCpu))} (${((median(row.mainCpu) * 1000) / screens).toFixed(0)} µs per screen)`);
    }
    console.log(`  built in the worker: ${publisher.stats.inWorker} of ${publisher.stats.serialised} (CRIER_BUILD_WORKER=${process.env.CRIER_BUILD_WORKER ?? 'on'}, threads ${app.crier.buildWorker?.threads.length ?? 0}, nice ${CRIER_BUILD_NICE ?? 0})`);
    console.log(`  players taking patches: ${isPatching ? 'yes' : 'no'}; patch frames sent ${patchFrames}, patches computed ${publisher.stats.patched}`);
    await app.close();
  });
}
