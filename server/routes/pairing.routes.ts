// Pairing by staff: claim the code an unclaimed screen shows, revoke a screen's device token.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema } from '../../playlists/catalogue.schema.js';
import { ScreenWithStatusSchema } from '../api.schema.js';
import { ErrorBodySchema } from '../errors.js';
import { ClaimSchema, type PairingService } from '../pairing/pairing.service.js';

export function registerPairingRoutes(app: FastifyInstance, deps: { pairing: PairingService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['screens'];
  r.post(
    '/api/v1/screens/claim',
    {
      schema: {
        tags,
        summary: 'Claim an unclaimed screen by the code it shows; the player receives its device token',
        description:
          'The screen becomes claimed with this name and place. Its player gets a `paired` message with a device token at once, or at its next hello if it is offline. 404 `unknown-pairing-code` when no unclaimed screen shows the code.',
        body: ClaimSchema,
        response: { 200: ScreenWithStatusSchema, 400: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    (req) => deps.pairing.claim(req.body),
  );
  r.post(
    '/api/v1/screens/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a screen\'s device token: its player is disconnected, shows that it is not authorised and stops airing',
        description: 'The player can be claimed again with the fresh code it then shows. 409 `not-claimed` for an unclaimed screen.',
        params: z.object({ id: IdSchema }),
        response: { 200: ScreenWithStatusSchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    (req) => deps.pairing.revoke(req.params.id),
  );
}
