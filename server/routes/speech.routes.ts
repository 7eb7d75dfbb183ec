// Speech for loudspeakers: the one-step urgent alert (headline → full-screen slogan + spoken clip)
// and “生成广播音频” for any slogan.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, MediaItemSchema } from '../../playlists/catalogue.schema.js';
import { AlertSchema } from '../../playlists/schedule.schema.js';
import { ErrorBodySchema } from '../errors.js';
import { MessageAlertInputSchema, type createMessageAlerts } from '../services/alert-message.service.js';
import type { MediaService } from '../services/media.service.js';
import { SloganSpeechInputSchema, type SpeechService } from '../services/speech.service.js';

const SpokenSchema = z.object({ item: MediaItemSchema, engine: z.string() });
const errors = { 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema, 503: ErrorBodySchema };

export function registerSpeechRoutes(
  app: FastifyInstance,
  deps: { media: MediaService; speech: SpeechService; messageAlerts: ReturnType<typeof createMessageAlerts> },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/alerts/message',
    {
      schema: {
        tags: ['alerts'],
        summary: 'One-step urgent alert: a headline (and subline) full-screen on screens, spoken in Mandarin on audio stations',
        description:
          'Makes an alert slogan, a playlist and the alert, which airs on screens at once and until cleared or expired; then ' +
          '(unless repeats is 0) a loudness-normalised clip of a chime and the words read once, which joins the alert when its ' +
          'processing is done: audio stations air it `repeats` times, counted from then, and return to their schedule.',
        body: MessageAlertInputSchema,
        response: { 201: z.object({ alert: AlertSchema, slogan: MediaItemSchema, speech: SpokenSchema.nullable() }), ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await deps.messageAlerts.send(req.body)),
  );
  r.post(
    '/api/v1/media/:id/speech',
    {
      schema: {
        tags: ['media'],
        summary: 'Make a loudspeaker clip from a slogan (生成广播音频): a chime, then its words read in Mandarin `repeats` times',
        params: z.object({ id: IdSchema }),
        body: SloganSpeechInputSchema,
        response: { 200: SpokenSchema, 201: SpokenSchema, ...errors },
      },
    },
    async (req, reply) => {
      const made = await deps.speech.fromSlogan(deps.media.get(req.params.id), req.body);
      return reply.code(made.isNew ? 201 : 200).send({ item: made.item, engine: made.engine });
    },
  );
}
