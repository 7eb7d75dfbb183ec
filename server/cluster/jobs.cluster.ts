// The media job queue across nodes. A job runs on the node that has it queued (the one that took the
// upload, or any node that finds an orphan) under a lease in Redis that the node renews while it works:
// two nodes never transcode the same item at once, and when a node dies its lease expires and another
// node's sweep picks the item up again (its original is on the shared originals dir). Job state is
// visible on every node: jobs of the others come in as console events and are listed beside ours.
import type { CatalogueStore } from '../storage/catalogue.store.js';
import type { Job, JobQueue } from '../services/media.jobs.js';
import type { ClusterBus } from './cluster.bus.js';

const LEASE_MS = 30_000;
const RENEW_MS = 10_000;
/** How often a node looks for items left `processing` by a node that died, and how long it waits for a held lease. */
export const SWEEP_MS = 15_000;

// Renews only a lease this node still holds (it may have expired and gone to another node meanwhile).
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

type SharedCatalogue = Pick<CatalogueStore, 'read' | 'sync'>;

export function clusterJobQueue(local: JobQueue, deps: { bus: ClusterBus; catalogue: SharedCatalogue; isAlive: (nodeId: string) => boolean; resume: (mediaId: string) => void }): JobQueue & { sweep(): Promise<void>; close(): Promise<void> } {
  const { bus, catalogue } = deps;
  const { redis, key, nodeId } = bus;
  const leaseKey = (mediaId: string) => key(`lease:media:${mediaId}`);
  const held = new Set<string>();
  const others = new Map<string, { node: string; job: Job }>();
  const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

  bus.on('console', ({ event }, from) => {
    if (event.type === 'job-updated') others.set(event.job.id, { node: from, job: event.job });
    if (others.size > 1000) others.delete(others.keys().next().value!);
  });

  /** Waits until this node holds the item's lease; false if another node finished it meanwhile (or it was deleted). */
  async function acquire(mediaId: string, signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if ((await redis.set(leaseKey(mediaId), nodeId, 'PX', LEASE_MS, 'NX')) === 'OK') {
        held.add(mediaId);
        await catalogue.sync();
        const item = catalogue.read().media.find((m) => m.id === mediaId);
        if (item && item.status !== 'ready') return true;
        await release(mediaId);
        return false;
      }
      await sleep(SWEEP_MS, signal);
    }
    return false;
  }
  async function release(mediaId: string): Promise<void> {
    held.delete(mediaId);
    await redis.eval(RELEASE, 1, leaseKey(mediaId), nodeId);
  }
  const renewer = setInterval(() => {
    for (const mediaId of held) void redis.eval(RENEW, 1, leaseKey(mediaId), nodeId, LEASE_MS).catch(() => undefined);
  }, RENEW_MS);

  /** Items still `processing` that no node holds a lease on and this node has no job for: a dead node's. */
  async function sweep(): Promise<void> {
    await catalogue.sync();
    const mine = new Set(local.list().filter((j) => j.state === 'queued' || j.state === 'running').map((j) => j.mediaId));
    for (const item of catalogue.read().media) {
      if (item.status !== 'processing' || mine.has(item.id)) continue;
      if ((await redis.exists(leaseKey(item.id))) === 0) deps.resume(item.id);
    }
  }
  const sweeper = setInterval(() => void sweep().catch(() => undefined), SWEEP_MS);

  const theirs = () => [...others.values()].filter((o) => deps.isAlive(o.node)).map((o) => ({ ...o.job }));

  return {
    ...local,
    enqueue(mediaId, kind, fn) {
      return local.enqueue(mediaId, kind, async (ctx) => {
        if (!(await acquire(mediaId, ctx.signal))) return;
        try {
          await fn(ctx);
        } finally {
          await release(mediaId);
        }
      });
    },
    list: () => [...local.list(), ...theirs()],
    get: (id) => local.get(id) ?? theirs().find((j) => j.id === id),
    latestFor: (mediaId) => local.latestFor(mediaId) ?? theirs().filter((j) => j.mediaId === mediaId).at(-1),
    sweep,
    async close() {
      clearInterval(renewer);
      clearInterval(sweeper);
      await local.close();
      // A job stopped by shutdown leaves its item `processing`: let the others' sweep take it at once.
      await Promise.all([...held].map((mediaId) => release(mediaId).catch(() => undefined)));
    },
  };
}

