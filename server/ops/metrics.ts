// Prometheus metrics (issue 13.9), in a registry of this app's own (tests build many apps in one
// process): players connected, manifests pushed, plays acknowledged, media job queue and durations,
// and prom-client's process metrics (event-loop lag, memory, CPU, handles).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ClusterNode } from '../api.schema.js';
import type { AuditHealth } from '../services/audit.service.js';
import type { Job, JobEvent } from '../services/media-job.schema.js';

export function createMetrics(deps: { playersConnected: () => { mode: string }[]; jobs: () => Job[]; audit: () => AuditHealth; clusterNodes?: () => ClusterNode[] }) {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'crier_', eventLoopMonitoringPrecision: 20 });
  new Gauge({
    name: 'crier_players_connected',
    help: 'Player WebSocket connections open now, by mode (screen, audio)',
    labelNames: ['mode'],
    registers: [register],
    collect() {
      this.reset();
      const counts = new Map<string, number>([['screen', 0], ['audio', 0]]);
      for (const p of deps.playersConnected()) counts.set(p.mode, (counts.get(p.mode) ?? 0) + 1);
      for (const [mode, n] of counts) this.set({ mode }, n);
    },
  });
  new Gauge({
    name: 'crier_media_jobs',
    help: 'Media jobs (ffmpeg) waiting or running now on this node (in a cluster, its own and those it put in the shared waiting set): the queue depth',
    labelNames: ['state'],
    registers: [register],
    collect() {
      const jobs = deps.jobs();
      for (const state of ['queued', 'running'] as const) this.set({ state }, jobs.filter((j) => j.state === state).length);
    },
  });
  new Gauge({
    name: 'crier_audit_entries_pending',
    help: 'Audit entries recorded but not yet written to the audit store (kept in order and retried until written)',
    registers: [register],
    collect() {
      this.set(deps.audit().pending);
    },
  });
  new Counter({
    name: 'crier_audit_write_failures_total',
    help: 'Audit store writes that failed (each retried until written)',
    registers: [register],
    collect() {
      this.reset();
      this.inc(deps.audit().failures);
    },
  });
  if (deps.clusterNodes) {
    const nodes = deps.clusterNodes;
    new Gauge({
      name: 'crier_cluster_node_players',
      help: 'Player sockets held by each Crier node alive in the cluster (as of its last heartbeat)',
      labelNames: ['node'],
      registers: [register],
      collect() {
        this.reset();
        for (const node of nodes()) this.set({ node: node.id }, node.players);
      },
    });
  }
  const manifestsPushed = new Counter({ name: 'crier_manifests_pushed_total', help: 'Manifests sent to players', registers: [register] });
  const playsAcknowledged = new Counter({
    name: 'crier_plays_acknowledged_total',
    help: 'Play records acknowledged to players: stored (new or already had), or refused for good',
    labelNames: ['outcome'],
    registers: [register],
  });
  const playsDeferred = new Counter({ name: 'crier_plays_deferred_total', help: 'Play records not taken because a screen sent faster than it can air (resent later)', registers: [register] });
  const shed = new Counter({
    name: 'crier_shed_total',
    help: 'Work refused because the server was behind: player connections (503) and play records (busy, resent later)',
    labelNames: ['kind'],
    registers: [register],
  });
  const jobSeconds = new Histogram({
    name: 'crier_media_job_duration_seconds',
    help: 'Media job run time (ffmpeg transcode or normalization), by kind and outcome',
    labelNames: ['kind', 'outcome'],
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [register],
  });

  return {
    register,
    manifestPushed: () => manifestsPushed.inc(),
    playsAcknowledged(stored: number, refused: number, deferred: number): void {
      if (stored) playsAcknowledged.inc({ outcome: 'stored' }, stored);
      if (refused) playsAcknowledged.inc({ outcome: 'refused' }, refused);
      if (deferred) playsDeferred.inc(deferred);
    },
    shed: (kind: 'connection' | 'plays', count: number) => shed.inc({ kind }, count),
    jobEvent({ job }: JobEvent): void {
      if ((job.state !== 'done' && job.state !== 'failed') || !job.startedAt || !job.finishedAt) return;
      jobSeconds.observe({ kind: job.kind, outcome: job.state }, (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000);
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
