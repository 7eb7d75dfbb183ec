// The media job queue across nodes: a job runs on whichever node has a free runner. A node that takes
// an upload runs its job itself while it has room; when its runners are full, the item waits in a Redis
// sorted set (oldest first) that every node pulls from whenever a runner of its own frees (told at once
// on the bus, and on a sweep every few seconds), this node included. ZPOPMIN hands each waiting item to
// one node; the job then runs under a lease in Redis that its node renews while it works, so two nodes
// never transcode the same item at once; once it holds the lease it re-reads the catalogue and skips an
// item another node finished meanwhile. When a node dies its lease expires and another node's sweep puts
// the item back in the waiting set (its original is on the shared originals dir). Job state is visible
// on every node: jobs of the others come in as console events and are listed beside ours. A node that
// joins sweeps at once (`start`): it takes waiting items while it has room, parks orphans for everyone,
// and leaves alone the items other nodes hold leases on (it queues nothing for them).
import type { CatalogueStore } from '../storage/catalogue.store.js';
import type { Job, JobContext, JobQueue } from '../services/media.jobs.js';
import type { ClusterBus } from './cluster.bus.js';

const LEASE_MS = 30_000;
const RENEW_MS = 10_000;
/** How often a node looks for items left `processing` by a node that died, and for waiting items a lost message did not announce. */
export const SWEEP_MS = 15_000;

// Renews only a lease this node still holds (it may have expired and gone to another node meanwhile).
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

type SharedCatalogue = Pick<CatalogueStore, 'read' | 'sync'>;
type Work = { kind: Job['kind']; fn: (ctx: JobContext) => Promise<void> };

export function clusterJobQueue(
  local: JobQueue,
  deps: {
    bus: ClusterBus;
    catalogue: SharedCatalogue;
    /** This node's runners (CRIER_FFMPEG_CONCURRENCY): it pulls waiting items only while fewer jobs than this are queued or running here. */
    concurrency: number;
    /** Whether the nodes share one catalogue (PostgreSQL): only then can another node run this node's item. */
    isShared: boolean;
    isAlive: (nodeId: string) => boolean;
    resume: (mediaId: string) => void;
    /** A sweep that failed (Redis or the database away): the next one tries again. */
    onSweepError: (err: unknown) => void;
  },
): JobQueue & { isShared: boolean; listHere(): Job[]; start(): void; sweep(): Promise<void>; close(): Promise<void> } {
  const { bus, catalogue } = deps;
  const { redis, key, nodeId } = bus;
  const leaseKey = (mediaId: string) => key(`lease:media:${mediaId}`);
  const waitingKey = key('media:waiting');
  const held = new Set<string>();
  const others = new Map<string, { node: string; job: Job }>();
  /** Items this node sent to the waiting set: their work (with the upload's own probe) and the job shown for them meanwhile. */
  const parked = new Map<string, Work & { job: Job }>();

  const forget = (mediaId: string) => parked.delete(mediaId);
  bus.on('console', ({ event }, from) => {
    if (event.type !== 'job-updated') return;
    others.set(event.job.id, { node: from, job: event.job });
    if (others.size > 1000) others.delete(others.keys().next().value!);
    // Another node took an item this node parked.
    forget(event.job.mediaId);
  });
  // A failed pull leaves the item waiting (or the sweep puts it back): nothing to do but try again later.
  const pullSoon = () => void pull().catch(() => undefined);
  bus.on('media-waiting', pullSoon);

  const isBusy = () => local.list().filter((j) => j.state === 'queued' || j.state === 'running').length >= deps.concurrency;

  /** Takes the item's lease; false (the job is skipped) if another node holds it or finished the item meanwhile (or it was deleted). */
  async function acquire(mediaId: string): Promise<boolean> {
    if ((await redis.set(leaseKey(mediaId), nodeId, 'PX', LEASE_MS, 'NX')) !== 'OK') return false;
    held.add(mediaId);
    // Taken here (a start-up's own queue, a sweep): no other node need pull it any more.
    await redis.zrem(waitingKey, mediaId);
    await catalogue.sync();
    const item = catalogue.read().media.find((m) => m.id === mediaId);
    if (item && item.status !== 'ready') return true;
    await release(mediaId);
    return false;
  }
  async function release(mediaId: string): Promise<void> {
    held.delete(mediaId);
    await redis.eval(RELEASE, 1, leaseKey(mediaId), nodeId);
  }
  const renewer = setInterval(() => {
    for (const mediaId of held) void redis.eval(RENEW, 1, leaseKey(mediaId), nodeId, LEASE_MS).catch(() => undefined);
  }, RENEW_MS);

  function runHere(mediaId: string, { kind, fn }: Work): Job {
    return local.enqueue(mediaId, kind, async (ctx) => {
      try {
        if (!(await acquire(mediaId))) return;
        try {
          await fn(ctx);
        } finally {
          await release(mediaId);
        }
      } finally {
        // Once the queue has counted this runner free (after this promise settles), take the next waiting item.
        setImmediate(pullSoon);
      }
    });
  }

  async function park(mediaId: string): Promise<void> {
    await redis.zadd(waitingKey, 'NX', Date.now(), mediaId);
    bus.publish({ type: 'media-waiting' });
  }

  /** While this node has a free runner, takes the oldest waiting item (each goes to one node) and runs it. */
  let isPulling = false;
  async function pull(): Promise<void> {
    if (isPulling) return;
    isPulling = true;
    try {
      while (!isBusy()) {
        const [mediaId] = await redis.zpopmin(waitingKey);
        if (!mediaId) return;
        const mine = parked.get(mediaId);
        forget(mediaId);
        if (mine) {
          runHere(mediaId, mine);
          continue;
        }
        try {
          // Another node's item: its commit may still be on its way here.
          await catalogue.sync();
          deps.resume(mediaId);
        } catch (err) {
          // Not ready to run it (starting up, the database away): it waits for the next node.
          await park(mediaId);
          throw err;
        }
      }
    } finally {
      isPulling = false;
    }
  }

  /** Items still `processing` that no node holds a lease on, waits for, or has queued here: a dead node's. They wait again. */
  async function sweep(): Promise<void> {
    await catalogue.sync();
    const mine = new Set(local.list().filter((j) => j.state === 'queued' || j.state === 'running').map((j) => j.mediaId));
    for (const item of catalogue.read().media) {
      if (item.status !== 'processing' || mine.has(item.id) || parked.has(item.id)) continue;
      const [leased, waiting] = await Promise.all([redis.exists(leaseKey(item.id)), redis.zscore(waitingKey, item.id)]);
      if (leased !== 0 || waiting !== null) continue;
      // Nodes on catalogues of their own (no PostgreSQL) cannot run each other's items: this one resumes its own.
      if (deps.isShared) await park(item.id);
      else deps.resume(item.id);
    }
    await pull();
  }
  const sweepNow = () => void sweep().catch(deps.onSweepError);
  const sweeper = setInterval(sweepNow, SWEEP_MS);

  const theirs = () => [...others.values()].filter((o) => deps.isAlive(o.node)).map((o) => ({ ...o.job }));
  const waitingHere = () => [...parked.values()].map((p) => ({ ...p.job }));

  return {
    ...local,
    enqueue(mediaId, kind, fn) {
      // Alone on its catalogue, or a runner free: here, now.
      if (!deps.isShared || !isBusy()) return runHere(mediaId, { kind, fn });
      const job: Job = { id: `job-waiting-${mediaId}`, mediaId, kind, state: 'queued', progress: 0, createdAt: new Date().toISOString() };
      parked.set(mediaId, { kind, fn, job });
      void park(mediaId).catch(() => (forget(mediaId), runHere(mediaId, { kind, fn })));
      return { ...job };
    },
    list: () => [...local.list(), ...waitingHere(), ...theirs()],
    /** This node's jobs only (its own and those it parked), for /metrics: summed over nodes, each job counts once. */
    listHere: () => [...local.list(), ...waitingHere()],
    get: (id) => local.get(id) ?? waitingHere().find((j) => j.id === id) ?? theirs().find((j) => j.id === id),
    latestFor: (mediaId) => local.latestFor(mediaId) ?? (parked.has(mediaId) ? { ...parked.get(mediaId)!.job } : undefined) ?? theirs().filter((j) => j.mediaId === mediaId).at(-1),
    async cancelFor(mediaId) {
      forget(mediaId);
      await redis.zrem(waitingKey, mediaId).catch(() => undefined);
      await local.cancelFor(mediaId);
    },
    isShared: deps.isShared,
    /** Once the media service is up: this node's share of what waits, now rather than at the first sweep. */
    start: sweepNow,
    sweep,
    async close() {
      clearInterval(renewer);
      clearInterval(sweeper);
      const stopped = [...held];
      await local.close();
      // A job stopped by shutdown leaves its item `processing`: it waits again for the others at once.
      await Promise.all(stopped.map((mediaId) => release(mediaId).then(() => (deps.isShared ? park(mediaId) : undefined)).catch(() => undefined)));
    },
  };
}
