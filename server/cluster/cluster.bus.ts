// The nodes' shared Redis: one connection for commands, one subscribed to this Crier's channel. Every
// message goes to every node on one channel; each handler takes the types it knows. Redis pub/sub does
// not keep messages for a node that is away: what must survive (presence, job leases, locks) is also
// kept in keys with an expiry, and a node that (re)joins reads those instead of past messages.
import type { FastifyBaseLogger } from 'fastify';
import { ClusterEnvelopeSchema, type ClusterMessage } from './cluster.protocol.js';

type Handler<T extends ClusterMessage['type']> = (message: Extract<ClusterMessage, { type: T }>, from: string) => void;

export type ClusterBus = Awaited<ReturnType<typeof openClusterBus>>;

export async function openClusterBus(opts: { url: string; prefix: string; nodeId: string; log: FastifyBaseLogger }) {
  const { prefix, nodeId, log } = opts;
  const channel = `${prefix}bus`;
  // Imported here, not with the server: only a node of several needs Redis (ioredis takes ~0.13 s to import).
  const { Redis } = await import('ioredis');
  // Commands fail fast while Redis is away (a request should not hang); the subscriber reconnects and resubscribes by itself.
  const redis = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  const sub = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: null });
  for (const [name, r] of [['redis', redis], ['redis-sub', sub]] as const) {
    r.on('error', (err: Error) => log.warn({ err: err.message, connection: name }, 'Redis 连接出错 / Redis connection error'));
  }
  try {
    await redis.connect();
    await sub.connect();
  } catch (err) {
    redis.disconnect();
    sub.disconnect();
    throw new Error(`无法连接 Redis / cannot reach Redis at CRIER_REDIS_URL: ${(err as Error).message}`);
  }
  const handlers = new Map<string, ((message: ClusterMessage, from: string) => void)[]>();
  sub.on('message', (_channel: string, text: string) => {
    let parsed;
    try {
      parsed = ClusterEnvelopeSchema.safeParse(JSON.parse(text));
    } catch {
      return log.warn('集群消息不是 JSON / cluster message is not JSON');
    }
    if (!parsed.success) return log.warn({ issue: parsed.error.issues[0]?.message }, '集群消息无效，已忽略 / invalid cluster message ignored');
    const { from, message } = parsed.data;
    if (from === nodeId) return;
    for (const handle of handlers.get(message.type) ?? []) {
      try {
        handle(message, from);
      } catch (err) {
        log.error({ err, type: message.type }, 'cluster message handler failed');
      }
    }
  });
  await sub.subscribe(channel);

  return {
    nodeId,
    redis,
    /** A Redis key of this Crier. */
    key: (name: string) => `${prefix}${name}`,
    publish(message: ClusterMessage): void {
      redis.publish(channel, JSON.stringify({ from: nodeId, message })).catch((err: unknown) => log.warn({ err: (err as Error).message, type: message.type }, '集群消息未能发出 / cluster message not sent'));
    },
    on<T extends ClusterMessage['type']>(type: T, handle: Handler<T>): void {
      const list = handlers.get(type) ?? [];
      list.push(handle as (message: ClusterMessage, from: string) => void);
      handlers.set(type, list);
    },
    async close(): Promise<void> {
      await Promise.allSettled([sub.quit(), redis.quit()]);
    },
  };
}
