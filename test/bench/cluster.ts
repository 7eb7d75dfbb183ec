// `npm run bench -- cluster`: the same players against one Crier node and then against two nodes on this
// machine (one PostgreSQL, one Redis), side by side: manifest push latency after a change made through
// node A (p50/p99 over every player, four changes) and acknowledged plays per second in a burst. The
// players are test/load's simulator processes, one per node's share. Needs CRIER_TEST_DATABASE_URL (a
// role that may CREATE DATABASE) and CRIER_TEST_REDIS_URL; without them it says so and measures nothing.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runServer, type RunningChild } from '../fixtures/child-server.js';
import { TEST_ADMIN } from '../helper.js';
import { createHttp } from '../load/http.js';
import type { ChildCommand, ChildEvent, PlayerSpec } from '../load/messages.js';
import { withDatabase } from './pg-database.js';
import { quantile } from './stats.js';

const PLAYERS = Number(process.env.CRIER_BENCH_CLUSTER_PLAYERS ?? 600);
const BURST = 20;
const PUSHES = 4;
const root = path.resolve(import.meta.dirname, '../..');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 10) / 10;

interface Figures {
  nodes: number;
  pushP50: number;
  pushP99: number;
  pushMissed: number;
  playsPerSecond: number;
  playsAcked: number;
}

function playerProcess() {
  const child = fork(path.join(root, 'test/load/players.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ask = <T extends ChildEvent>(command: ChildCommand, until: ChildEvent['ev']) =>
    new Promise<T>((resolve) => {
      const on = (e: ChildEvent) => {
        if (e.ev !== until) return;
        child.off('message', on);
        resolve(e as T);
      };
      child.on('message', on);
      child.send(command);
    });
  return { child, ask };
}

async function measure(nodeCount: number, adminUrl: string, redisUrl: string): Promise<Figures> {
  return withDatabase(adminUrl, async (databaseUrl) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crier-bench-cluster-'));
    const nodes: RunningChild[] = [];
    const procs: ReturnType<typeof playerProcess>[] = [];
    try {
      const env = {
        CRIER_DATABASE_URL: databaseUrl,
        CRIER_REDIS_URL: redisUrl,
        CRIER_REDIS_PREFIX: `crier-bench-${randomBytes(4).toString('hex')}:`,
        CRIER_MEDIA_DIR: path.join(dir, 'shared', 'media'),
        CRIER_ORIGINALS_DIR: path.join(dir, 'shared', 'originals'),
        CRIER_PLAYS_PER_MINUTE: '10000',
        CRIER_NEW_SCREENS_PER_IP_PER_MINUTE: '10000',
        CRIER_MAX_UNCLAIMED_SCREENS: '1000000',
        CRIER_UNCLAIMED_PLAYS_PER_SCREEN: '100000000',
        CRIER_UNCLAIMED_PLAYS_TOTAL: '1000000000',
      };
      for (let i = 0; i < nodeCount; i++) {
        const started = await runServer(path.join(dir, `node-${i}`), { ...env, CRIER_NODE_ID: `bench-${i}` });
        if (!started.child) throw new Error(`node ${i} did not start: ${started.stderr || started.stdout}`);
        nodes.push(started.child);
      }
      const http = createHttp(nodes[0]!.baseUrl);
      await http.login(TEST_ADMIN.username, TEST_ADMIN.password);
      // Two player processes whatever the topology, so the client side costs the same in both runs.
      procs.push(playerProcess(), playerProcess());
      const specs: PlayerSpec[] = Array.from({ length: PLAYERS }, (_, i) => ({ index: i, localAddress: `127.0.${1 + Math.floor(i / 250)}.${(i % 250) + 1}` }));
      const connected = await Promise.all(
        procs.map((p, k) => p.ask<Extract<ChildEvent, { ev: 'connected' }>>({ cmd: 'connect', url: `${nodes[k % nodeCount]!.baseUrl.replace('http', 'ws')}/ws/player`, players: specs.filter((s) => s.index % procs.length === k), concurrency: 50 }, 'connected')),
      );
      const ok = connected.reduce((n, c) => n + c.ok, 0);
      if (ok < PLAYERS) throw new Error(`only ${ok}/${PLAYERS} players connected`);
      // Let the first manifests settle and presence reach every node.
      await sleep(3000);

      const [playlist] = (await http.get('/api/v1/playlists')) as { id: string }[];
      const latencies: number[] = [];
      let missed = 0;
      let alertId: string | null = null;
      for (let round = 0; round < PUSHES; round++) {
        await Promise.all(procs.map((p) => p.ask({ cmd: 'mark', label: `push-${round}`, floor: false }, 'done')));
        const at = now();
        // Alternately an alert to every screen and its clearing: each changes every player's manifest.
        if (alertId) {
          await http.post(`/api/v1/alerts/${alertId}/clear`, {});
          alertId = null;
        } else {
          alertId = ((await http.post('/api/v1/alerts', { title: `集群压测 ${round}`, playlistId: playlist!.id, target: { kind: 'all' }, priority: 100 })) as { id: string }).id;
        }
        let got = 0;
        const until = Date.now() + 30_000;
        while (got < PLAYERS && Date.now() < until) {
          await sleep(100);
          for (const p of procs) {
            const { arrivals } = await p.ask<Extract<ChildEvent, { ev: 'arrivals' }>>({ cmd: 'collect' }, 'arrivals');
            got += arrivals.length;
            latencies.push(...arrivals.map(([, t]) => t - at));
          }
        }
        missed += PLAYERS - got;
      }

      const sent = await Promise.all(procs.map((p) => p.ask<Extract<ChildEvent, { ev: 'sent' }>>({ cmd: 'burst', records: BURST }, 'sent')));
      const sentAt = Math.min(...sent.map((s) => s.at));
      const total = sent.reduce((n, s) => n + s.sent, 0);
      let reports: Extract<ChildEvent, { ev: 'plays' }>[] = [];
      const until = Date.now() + 120_000;
      do {
        await sleep(200);
        reports = await Promise.all(procs.map((p) => p.ask<Extract<ChildEvent, { ev: 'plays' }>>({ cmd: 'plays-report' }, 'plays')));
      } while (reports.reduce((n, r) => n + r.acked, 0) < total && Date.now() < until);
      const acked = reports.reduce((n, r) => n + r.acked, 0);
      const lastAck = Math.max(...reports.map((r) => r.lastAckAt));
      return { nodes: nodeCount, pushP50: round(quantile(latencies, 0.5)), pushP99: round(quantile(latencies, 0.99)), pushMissed: missed, playsPerSecond: Math.round(acked / ((lastAck - sentAt) / 1000)), playsAcked: acked };
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

export async function benchCluster(): Promise<void> {
  const adminUrl = process.env.CRIER_BENCH_DATABASE_URL ?? process.env.CRIER_TEST_DATABASE_URL;
  const redisUrl = process.env.CRIER_TEST_REDIS_URL;
  if (!adminUrl || !redisUrl) {
    console.log('cluster: not measured — set CRIER_TEST_DATABASE_URL (a role that may CREATE DATABASE) and CRIER_TEST_REDIS_URL');
    return;
  }
  const one = await measure(1, adminUrl, redisUrl);
  const two = await measure(2, adminUrl, redisUrl);
  const ratio = (x: number, y: number) => (y ? (x / y).toFixed(2) : '—');
  console.log(`cluster, ${PLAYERS} players in both runs (${PUSHES} changes pushed to all, then a burst of ${BURST} plays each):`);
  console.log(`  manifest push p50       one node ${one.pushP50} ms   two nodes ${two.pushP50} ms   two/one ${ratio(two.pushP50, one.pushP50)}`);
  console.log(`  manifest push p99       one node ${one.pushP99} ms   two nodes ${two.pushP99} ms   two/one ${ratio(two.pushP99, one.pushP99)}`);
  console.log(`  pushes not received     one node ${one.pushMissed}   two nodes ${two.pushMissed}`);
  console.log(`  acknowledged plays/s    one node ${one.playsPerSecond}   two nodes ${two.playsPerSecond}   two/one ${ratio(two.playsPerSecond, one.playsPerSecond)}   (acked ${one.playsAcked} / ${two.playsAcked})`);
}
