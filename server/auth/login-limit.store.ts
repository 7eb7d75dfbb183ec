// Failed sign-ins counted in Redis under keys that say what they limit (`<prefix>login:ip:<address>`,
// `<prefix>login:user:<name>`). @fastify/rate-limit's own Redis store names a limiter made with
// `createRateLimit` after a route it does not have (`<nameSpace>undefinedundefined-`), because it
// derives each limiter's key from the route's method and URL; here each limiter's key generator names
// what it counts, so the namespace alone is the prefix. The counting itself is the library's (its Lua
// scripts, one round trip per failure), so limits hold across nodes exactly as they did.
import { createRequire } from 'node:module';
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

type Counted = (key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max: number) => void;
/** The library's Redis store (not in its typings): incr and read by key, with the namespace in front. */
type LibraryRedisStore = { incr: Counted; read: Counted };
const LibraryRedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key: string,
) => LibraryRedisStore;

/** A store class for `@fastify/rate-limit`'s `store` option: every limiter keeps `nameSpace` as its only prefix. */
export function namedLoginStore(redis: Redis, nameSpace: string): FastifyRateLimitStoreCtor {
  /** The plugin hands each store its merged settings; only these two change how the library counts. */
  type Settings = { continueExceeding?: boolean; exponentialBackoff?: boolean };
  const open = (params: Settings): FastifyRateLimitStore & { read: Counted } => {
    const store = new LibraryRedisStore(params.continueExceeding ?? false, params.exponentialBackoff ?? false, redis, nameSpace);
    return {
      incr: (key, callback, timeWindow, max) => store.incr(key, callback, timeWindow, max),
      read: (key, callback, timeWindow, max) => store.read(key, callback, timeWindow, max),
      // A limiter's settings, without the route-derived part of the key.
      child: (options) => open(options as Settings),
    };
  };
  return function LoginStore(options: FastifyRateLimitOptions) {
    return open(options as Settings);
  } as unknown as FastifyRateLimitStoreCtor;
}
