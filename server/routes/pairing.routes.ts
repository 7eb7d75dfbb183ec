// Pairing by staff: claim the code an unclaimed screen shows, revoke a screen's device token.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema } from '../../playlists/catalogue.schema.js';
import { ScreenWithStatusSchema } from '../api.schema.js';
import { ErrorBodySchema } from '../errors.js';
import type {} from '../auth/auth.hooks.js';
import { ClaimSchema, type PairingService, type StaffScope } from '../pairing/pairing.service.js';

/** The signed-in user's township (the auth hook has already checked `screens:write`). */
const scopeOf = (req: FastifyRequest): StaffScope => ({ township: req.signedIn?.user.township ?? null });

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
          'Needs `screens:write`; township-scoped staff claim into their own township (filled in when left out, else 403 `out-of-scope`). The screen becomes claimed with this name and place. Its player gets a `paired` message with a device token at once, or at its next hello if it is offline. 404 `unknown-pairing-code` when no unclaimed screen shows the code.',
        body: ClaimSchema,
        response: { 200: ScreenWithStatusSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    (req) => deps.pairing.claim(req.body, scopeOf(req)),
  );
  r.post(
    '/api/v1/screens/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a screen\'s device token: its player is disconnected, shows that it is not authorised and stops airing',
        description: 'Needs `screens:write`; township-scoped staff only for screens of their township (403 `out-of-scope`). The player can be claimed again with the fresh code it then shows. 409 `not-claimed` for an unclaimed screen.',
        params: z.object({ id: IdSchema }),
        response: { 200: ScreenWithStatusSchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    (req) => deps.pairing.revoke(req.params.id, scopeOf(req)),
  );
}
