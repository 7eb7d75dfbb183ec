// HTTP compression for the large answers (a day's as-run log is ~2 MB of JSON, exports run to many
// MB of JSON Lines or CSV): brotli, gzip or deflate as the client's Accept-Encoding asks, none when it
// asks none (or sends x-no-compression). Opt-in per route (`compress: LARGE_ANSWER`), not global, so
// pages, bundles, media (range requests) and WebSockets are served exactly as before.
import fastifyCompress, { type FastifyCompressRouteOptions } from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * Route option of an answer worth compressing: JSON, CSV and JSON Lines (which mime-db does not call
 * compressible) above 1 KiB. Here, not in the plugin's options: a route's options replace them whole.
 */
export const LARGE_ANSWER: NonNullable<FastifyCompressRouteOptions['compress']> = { threshold: 1024, customTypes: /^application\/x-ndjson/ };

export async function installCompression(app: FastifyInstance): Promise<void> {
  // global: false also leaves request bodies alone (no decompression of uploads).
  await app.register(fastifyCompress, { global: false });
}
