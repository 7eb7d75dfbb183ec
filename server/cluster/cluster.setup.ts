// Several Crier nodes as one (issue 15, docs/scaling.md): with CRIER_REDIS_URL set, app.ts hands the
// pieces that must see the whole cluster to these wrappers, one call each; without it, nothing here
// runs and every piece stays in memory as in a single process.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { ConsoleHub } from '../gateway/console.gateway.js';
import type { Presence } from '../gateway/presence.js';
import type { JobQueue } from '../services/media.jobs.js';
import type { CatalogueHooks, CatalogueStore } from '../storage/catalogue.store.js';
import { affectedScreens, type AffectedScreens } from '../../playlists/affected-screens.js';
import { openClusterBus } from './cluster.bus.js';
import { createCatalogueSignal } from './catalogue.signal.js';
import { relayConsoleHub } from './console.cluster.js';
import { clusterJobQueue } from './jobs.cluster.js';
import { createRunOnce } from './once.cluster.js';
import { createClusterPresence, type SharedScreenStatus } from './presence.cluster.js';

/** `sync` reloads what other nodes committed (PostgreSQL), `version` names this node's latest commit. */
type SharedCatalogue = Pick<CatalogueStore, 'read' | 'sync' | 'version'>;

export type Cluster = Awaited<ReturnType<typeof openCluster>>;

export async function openCluster(config: Pick<Config, 'redisUrl' | 'redisPrefix' | 'nodeId' | 'databaseUrl' | 'ffmpegConcurrency'>, log: FastifyBaseLogger) {
  if (!config.redisUrl) return null;
  if (!config.databaseUrl) log.warn('集群未共享存储（未设置 CRIER_DATABASE_URL），各节点的内容和记录互不相通 / a cluster without CRIER_DATABASE_URL: the nodes do not share content or records');
  const bus = await openClusterBus({ url: config.redisUrl, prefix: config.redisPrefix, nodeId: config.nodeId, log });
  const closers: (() => Promise<void> | void)[] = [];
  let clusterPresence: ReturnType<typeof createClusterPresence> | null = null;
  /** This node's own consoles (not relayed): told when another node's players change what their lists show. */
  let localHub: ConsoleHub | null = null;
  /** Set by followCatalogue: tells the other nodes what a commit of this node changed. */
  let announce: (version: number, affected: AffectedScreens) => void = () => undefined;
  /** Set by followCatalogue: a sync whose adopted versions the catalogue signal passes over. */
  let syncShared: () => Promise<boolean> = async () => false;
  log.info({ nodeId: bus.nodeId }, '已加入集群 / joined the cluster');

  return {
    nodeId: bus.nodeId,
    bus,
    /** Login failures counted in Redis, so an attacker gains nothing by spreading tries over nodes. */
    rateLimits: { redis: bus.redis, nameSpace: `${config.redisPrefix}login:` },
    runOnce: createRunOnce(bus),
    presence(local: Presence): Presence {
      clusterPresence = createClusterPresence(local, bus, log);
      closers.push(() => clusterPresence!.close());
      // Another node's player came, went, changed its sound, or its node died: this node's consoles reload
      // their lists once the new state is here (the other node's own hint may arrive before it).
      clusterPresence.onShownChange(() => localHub?.refresh('screens'));
      void clusterPresence.beat().catch(() => undefined);
      return clusterPresence.presence;
    },
    /** The nodes alive (this one first, live; the others as of the last beat), for /healthz and /metrics: read from memory. */
    view: () => ({ nodeId: bus.nodeId, nodes: clusterPresence?.view() ?? [] }),
    /** Every node's players, for /metrics. */
    everywhere: () => (clusterPresence ? [...clusterPresence.everywhere()] : []),
    consoleHub: (local: ConsoleHub) => relayConsoleHub((localHub = local), bus),
    /** Screens' live status (last heartbeat, health) shared with every node, both ways. */
    screens: (service: SharedScreenStatus) => clusterPresence?.shareStatus(service),
    jobs(local: JobQueue, deps: { catalogue: SharedCatalogue; resume: (mediaId: string) => void }) {
      return clusterJobQueue(local, {
        bus,
        ...deps,
        concurrency: config.ffmpegConcurrency,
        isShared: !!config.databaseUrl,
        isAlive: (id) => !clusterPresence || clusterPresence.nodes().includes(id),
        onSweepError: (err) => log.warn({ err }, '媒体任务巡检失败，稍后重试 / media job sweep failed, will retry'),
      });
    },
    /**
     * Local commits are announced (announceCommits); an announced commit of another node is synced and then
     * handled like a local one (`republish`: manifests for this node's own players of the screens it named,
     * console hints, boundaries).
     */
    followCatalogue(catalogue: SharedCatalogue, republish: (named?: AffectedScreens) => AffectedScreens): () => void {
      const signal = createCatalogueSignal({ adopted: (named) => void republish(named) });
      closers.push(() => signal.close());
      // Every sync (this bus's, or the store's own notice) says which versions it adopted.
      syncShared = async () => {
        const from = catalogue.version();
        const changed = await catalogue.sync();
        if (changed) signal.synced(from, catalogue.version());
        return changed;
      };
      let syncing = Promise.resolve();
      bus.on('catalogue', (message) => {
        signal.announced(message.version, message.screenIds);
        syncing = syncing.then(async () => void (await syncShared())).catch((err: unknown) => log.error({ err }, '目录同步失败 / catalogue sync failed'));
      });
      announce = (version, affected) => {
        signal.committed(version, affected);
        bus.publish({ type: 'catalogue', version, screenIds: affected === 'all' ? null : [...affected] });
      };
      return () => void republish();
    },
    /**
     * Every commit of this node is announced with the screens it can affect (affected-screens.ts), from the
     * catalogue before and after it: also commits no service republishes for (a paired-ack, a first hello's
     * mode), so other nodes never wait for an announcement that does not come.
     */
    announceCommits<C>(hooks: CatalogueHooks<C>, version: () => number): CatalogueHooks<C> {
      return {
        ...hooks,
        committed(before, after, context) {
          hooks.committed?.(before, after, context);
          announce(version(), affectedScreens(before, after));
        },
      };
    },
    /**
     * The catalogue as the store's own follower (PostgreSQL LISTEN) should sync it: what it adopts is passed
     * over by the signal, for the screens the committing nodes named, so the follower needs no callback.
     */
    sharedCatalogue<C extends SharedCatalogue>(catalogue: C): C {
      return new Proxy(catalogue, {
        get(target, key) {
          if (key === 'sync') return syncShared;
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
    async close(): Promise<void> {
      for (const close of closers) await close();
      await bus.close();
    },
  };
}
