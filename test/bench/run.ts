// npm run bench: figures for the foundation, measured in one run on this machine. Medians and
// percentiles, never single timings; rerun it rather than trusting a number in a README.
// First: CRIER_BENCH_JITLESS=1 makes zod run without eval, as in the browser player, before any schema is made.
import './zod-mode.js';
import { benchPublish, benchPublishDistinct } from './publish.bench.js';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import WebSocket from 'ws';
import { buildManifest } from '../../playlists/build-manifest.js';
import { parseWireManifest } from '../../playlists/manifest.schema.js';
import { compactManifestJson } from '../../playlists/timeline-manifest.js';
import { ServerMessageSchema } from '../../player/protocol.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { PlayRecord, ServerMessage } from '../../player/protocol.js';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { helloMessage } from '../helper.js';
import { benchClaims } from './claims.bench.js';
import { benchSchedules } from './schedules.bench.js';
import { benchAiringPg } from './airing-pg.bench.js';
import { benchCluster } from './cluster.js';
import { benchMedia } from './media.bench.js';
import { benchMigratePg } from './migrate-pg.bench.js';
import { benchPlayer } from './player.bench.js';
import { benchPlayIds } from './play-ids.bench.js';
import { benchFrameArena } from './frame-arena.bench.js';
import { benchReports } from './reports.bench.js';
import { benchScheduling } from './scheduling.bench.js';
import { benchStartup } from './startup.bench.js';
import { besideBusyProcesses } from './busy.js';
import { withTempDir } from './temp-dir.js';
import { fmt, quantile } from './stats.js';


async function benchManifest(): Promise<void> {
  await withTempDir(async (dataDir) => {
    const app = await buildApp({ ...loadConfig({}), dataDir, logLevel: 'silent' }, { logger: false });
    const catalogue = app.crier.catalogue.read();
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const start = performance.now();
      buildManifest(catalogue, { id: `scr-${i}` }, new Date());
      times.push(performance.now() - start);
    }
    console.log(`manifest build (default campaign, ${catalogue.media.length} items): median ${fmt(quantile(times, 0.5))}, p99 ${fmt(quantile(times, 0.99))}`);
    // What a player spends on a manifest it receives: the compact form validated and expanded, alone and as a message.
    const compact = compactManifestJson(buildManifest(catalogue, { id: 'scr-0' }, new Date())!)!;
    const frame = `{"type":"manifest","manifest":${compact}}`;
    const perManifest = (take: () => boolean) => {
      const rounds: number[] = [];
      for (let r = 0; r < 15; r++) {
        const start = performance.now();
        for (let k = 0; k < 200; k++) if (!take()) throw new Error('the bench manifest was refused');
        rounds.push(((performance.now() - start) / 200) * 1000);
      }
      return `${quantile(rounds, 0.5).toFixed(0)} µs`;
    };
    const manifestOnly = perManifest(() => parseWireManifest(JSON.parse(compact)).success);
    const asMessage = perManifest(() => ServerMessageSchema.safeParse(JSON.parse(frame)).success);
    console.log(`a player takes a ${(Buffer.byteLength(frame) / 1024).toFixed(1)} KB compact manifest (JSON.parse, validated, expanded; zod ${process.env.CRIER_BENCH_JITLESS === '1' ? 'without eval, as in the browser' : 'with eval'}): ${manifestOnly} (parseWireManifest), ${asMessage} as a message (median of 15 rounds of 200)`);
    await app.close();
  });
}

async function benchPlayIngest(): Promise<void> {
  await withTempDir(async (dir) => {
    // CRIER_WRITER_NICE as the server reads it (validated); CRIER_BENCH_BUSY=N beside N busy processes.
    const { writerNice } = loadConfig({ CRIER_WRITER_NICE: process.env.CRIER_WRITER_NICE });
    const log = createAiringLog(dir, { writerNice });
    const record = (): PlayRecord => ({
      id: randomUUID(), itemId: 'i', mediaId: 'm', hash: 'a'.repeat(64), manifestVersion: 'v',
      startedAt: new Date(Date.now() - 5000).toISOString(), endedAt: new Date().toISOString(), completed: true,
    });
    const lines: string[] = [];
    const beside = await besideBusyProcesses(async () => {
      for (const [batches, size] of [[200, 1], [200, 10], [50, 500]] as const) {
        const start = performance.now();
        // One batch per player message, many players at once: the group commit shares fsyncs.
        await Promise.all(Array.from({ length: batches }, (_, i) => log.recordPlays(`scr-${i}`, false, Array.from({ length: size }, record))));
        const seconds = (performance.now() - start) / 1000;
        lines.push(`play records, ${batches} concurrent batches of ${size}, fsync'd: ${Math.round((batches * size) / seconds).toLocaleString('en')} records/s`);
      }
      const sequential: number[] = [];
      for (let i = 0; i < 50; i++) {
        const start = performance.now();
        await log.recordPlays('scr-seq', false, [record()]);
        sequential.push(performance.now() - start);
      }
      lines.push(`one batch alone, time to durable: median ${fmt(quantile(sequential, 0.5))}`);
    });
    console.log(`play ingest (the writer thread at nice ${writerNice}${beside ? `, ${beside}` : ''}):\n  ${lines.join('\n  ')}`);
    await log.close();
  });
}

async function benchPush(players: number): Promise<void> {
  await withTempDir(async (dataDir) => {
    // Every simulated player comes from 127.0.0.1: lift the per-address and unclaimed-screen limits
    // that protect a real server from one address registering screens in bulk.
    const config = { ...loadConfig({}), dataDir, logLevel: 'silent' as const, newScreensPerIpPerMinute: players * 2, maxUnclaimedScreens: players * 2 };
    const app = await buildApp(config, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/ws/player`;
    const sockets: WebSocket[] = [];
    let onManifest: ((at: number) => void) | null = null;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: players }, () => new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url);
        sockets.push(ws);
        ws.on('message', (data) => {
          const m = JSON.parse(data.toString()) as ServerMessage;
          if (m.type !== 'manifest') return;
          if (onManifest) onManifest(performance.now());
          else resolve();
        });
        ws.on('open', () => ws.send(JSON.stringify(helloMessage())));
        ws.on('error', reject);
      })),
    );
    console.log(`${players} players connected and got their first manifest in ${fmt(performance.now() - start)}`);
    const rounds: number[][] = [];
    const catalogue = app.crier.catalogue;
    for (let round = 0; round < 5; round++) {
      const arrivals: number[] = [];
      const done = new Promise<void>((resolve) => {
        onManifest = (at) => arrivals.push(at) === players && resolve();
      });
      const playlist = catalogue.read().playlists[0]!;
      const changedAt = performance.now();
      await app.crier.playlists.update(playlist.id, { name: playlist.name, items: playlist.items.map((i, k) => ({ ...i, durationMs: 5000 + round * 100 + k })) });
      await done;
      rounds.push(arrivals.map((a) => a - changedAt));
    }
    const all = rounds.flat();
    console.log(`playlist change → manifest at ${players} players (5 rounds): p50 ${fmt(quantile(all, 0.5))}, p99 ${fmt(quantile(all, 0.99))}, max ${fmt(Math.max(...all))}`);
    for (const ws of sockets) ws.terminate();
    await app.close();
  });
}

// `npm run bench -- media player` runs only the named parts; no names runs them all.
const parts: Record<string, (half?: string) => unknown> = {
  manifest: benchManifest,
  scheduling: benchScheduling,
  plays: (half?: string) => (half === 'ids' ? benchPlayIds() : benchPlayIngest()),
  push: () => benchPush(1000),
  publish: (half?: string) => (half === 'distinct' ? benchPublishDistinct() : benchPublish()),
  media: benchMedia,
  player: benchPlayer,
  reports: benchReports,
  claims: benchClaims,
  schedules: benchSchedules,
  cluster: benchCluster,
  'airing-pg': benchAiringPg,
  startup: benchStartup,
  'migrate-pg': benchMigratePg,
  'frame-arena': benchFrameArena,
};
/** Parts that need PostgreSQL (and Redis), or write a gigabyte-sized store: only when named. */
const onlyWhenNamed = new Set(['cluster', 'airing-pg', 'startup', 'migrate-pg', 'frame-arena']);
// A part may name a half after a colon (`reports:ingest`).
const chosen = process.argv.slice(2).map((arg) => arg.split(':') as [string, string?]);
const unknown = chosen.filter(([name]) => !(name in parts)).map(([name]) => name);
if (unknown.length) {
  console.error(`unknown bench part(s): ${unknown.join(', ')}; choose from ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}
console.log(`Crier benchmarks — node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(parts)) {
  const picked = chosen.filter(([n]) => n === name);
  for (const [, half] of picked) await run(half);
  if (!chosen.length && !onlyWhenNamed.has(name)) await run();
}
