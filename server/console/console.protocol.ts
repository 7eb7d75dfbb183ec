// Events the server pushes to open consoles over /ws/console, in one typed map shared by both sides.
// The console only listens; everything it changes goes through the HTTP API.
import * as z from 'zod';
import { JobSchema } from '../services/media-job.schema.js';

export const ConsoleEventSchema = z.discriminatedUnion('type', [
  /** A media job was queued, made progress, finished or failed. */
  z.object({ type: z.literal('job-updated'), job: JobSchema }),
  /** Screens or the catalogue changed: reload the lists now instead of at the next poll. */
  z.object({ type: z.literal('refresh'), topic: z.enum(['screens', 'catalogue', 'plays']) }),
  /** An item went on air at a screen (the player's `airing` frame; the latest per screen, coalesced). */
  z.object({
    type: z.literal('airing'),
    screenId: z.string(),
    itemId: z.string(),
    mediaId: z.string(),
    startedAt: z.string(),
    isAlert: z.boolean(),
  }),
]);
export type ConsoleEvent = z.infer<typeof ConsoleEventSchema>;
