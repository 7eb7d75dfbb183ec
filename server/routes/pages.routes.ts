// Pages and static files: the player and console pages, their bundles, the served font and media.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webDistDir } from '../web/bundle.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fontDir = path.dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/package.json'));

export async function registerPages(app: FastifyInstance, opts: { mediaDir: string }): Promise<void> {
  const hide = { schema: { hide: true } };
  // Media files are named by content hash, so a URL's bytes never change: cache forever.
  await app.register(fastifyStatic, { root: opts.mediaDir, prefix: '/media/', maxAge: '365d', immutable: true, index: false, list: false });
  // Fonts come from our own npm dependency: screens on an intranet need no CDN.
  await app.register(fastifyStatic, { root: fontDir, prefix: '/fonts/noto-sans-sc/', decorateReply: false, maxAge: '30d', allowedPath: (p) => /\.(css|woff2?)$/.test(p) });
  // Bundles keep stable names; revalidate so a deploy reaches kiosks on their next reload.
  await app.register(fastifyStatic, { root: webDistDir, prefix: '/assets/', decorateReply: false, maxAge: 0 });

  app.get('/', hide, (_req, reply) => reply.redirect('/console'));
  const page = (dir: string) => (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', path.join(root, dir), { cacheControl: false });
  app.get('/player', hide, page('player'));
  // The player's service worker: always revalidated (a new one must reach screens on their next
  // check), controlling /player pages only, though it answers their /media, /assets and /fonts requests.
  app.get('/player-sw.js', hide, (_req, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('service-worker-allowed', '/player')
      .type('text/javascript; charset=utf-8')
      .sendFile('player-sw.js', webDistDir, { cacheControl: false }),
  );
  app.get('/console', hide, page('server/console'));
}
