// Releasing media: an approver (or the admin) approves what editors uploaded, or rejects it with a note.
// Rejecting approved media takes it off air too. Either way the players' manifests follow within a second.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, MediaItemSchema, type MediaItem } from '../../playlists/catalogue.schema.js';
import type { Clock } from '../clock.js';
import { ErrorBodySchema, notFound } from '../errors.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

const Params = z.object({ id: IdSchema });

export function registerApprovalRoutes(app: FastifyInstance, deps: { catalogue: CatalogueStore; clock: Clock; onChange: () => void }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['media'];
  const decide = async (id: string, approval: NonNullable<MediaItem['approval']>): Promise<MediaItem> => {
    const item = await deps.catalogue.update((draft) => {
      const media = draft.media.find((m) => m.id === id);
      if (!media) throw notFound('媒体 media', id);
      media.approval = approval;
      return media; // copied out of the draft by the store
    });
    deps.onChange();
    return item;
  };
  r.post(
    '/api/v1/media/:id/approve',
    { schema: { tags, summary: 'Approve media: from now on it may air', params: Params, response: { 200: MediaItemSchema, 404: ErrorBodySchema } } },
    (req) => decide(req.params.id, { state: 'approved', by: req.signedIn!.user.username, at: deps.clock.now().toISOString() }),
  );
  r.post(
    '/api/v1/media/:id/reject',
    {
      schema: {
        tags,
        summary: 'Reject media (with an optional note for the editor): it never airs, and leaves the air if it was on',
        params: Params,
        body: z.object({ note: z.string().trim().max(500).optional() }).default({}),
        response: { 200: MediaItemSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    (req) =>
      decide(req.params.id, {
        state: 'rejected',
        by: req.signedIn!.user.username,
        at: deps.clock.now().toISOString(),
        ...(req.body.note ? { note: req.body.note } : {}),
      }),
  );
}
