import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, PlaylistSchema } from '../../playlists/catalogue.schema.js';
import { ErrorBodySchema } from '../errors.js';
import { PlaylistInputSchema, type PlaylistsService } from '../services/playlists.service.js';

const tags = ['playlists'];
const Params = z.object({ id: IdSchema });

export function registerPlaylistRoutes(app: FastifyInstance, playlists: PlaylistsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/playlists', { schema: { tags, summary: 'List playlists', response: { 200: z.array(PlaylistSchema) } } }, () =>
    playlists.list(),
  );
  r.get(
    '/api/v1/playlists/:id',
    { schema: { tags, summary: 'Get a playlist', params: Params, response: { 200: PlaylistSchema, 404: ErrorBodySchema } } },
    (req) => playlists.get(req.params.id),
  );
  r.post(
    '/api/v1/playlists',
    {
      schema: {
        tags,
        summary: 'Create a playlist',
        body: PlaylistInputSchema,
        response: { 201: PlaylistSchema, 400: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req, reply) => reply.code(201).send(await playlists.create(req.body)),
  );
  r.put(
    '/api/v1/playlists/:id',
    {
      schema: {
        tags,
        summary: 'Replace a playlist; players airing it get the new loop at their next item boundary',
        params: Params,
        body: PlaylistInputSchema,
        response: { 200: PlaylistSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    (req) => playlists.update(req.params.id, req.body),
  );
  r.delete(
    '/api/v1/playlists/:id',
    {
      schema: {
        tags,
        summary: 'Delete a playlist (409 while scheduled unless force=true)',
        params: Params,
        querystring: z.object({ force: z.enum(['true', 'false']).default('false') }),
        response: { 204: z.null(), 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      await playlists.remove(req.params.id, req.query.force === 'true');
      return reply.code(204).send(null);
    },
  );
}
