// The shape of a media job, apart from the job queue so the browser console can import it without
// pulling in Node modules.
import * as z from 'zod';
import { IdSchema, IsoTimeSchema, MediaErrorSchema } from '../../playlists/catalogue.schema.js';

export const JobSchema = z.object({
  id: z.string(),
  mediaId: IdSchema,
  kind: z.enum(['video', 'audio']),
  state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  /** 0–100, from ffmpeg's -progress output. */
  progress: z.number().min(0).max(100),
  error: MediaErrorSchema.optional(),
  createdAt: IsoTimeSchema,
  startedAt: IsoTimeSchema.optional(),
  finishedAt: IsoTimeSchema.optional(),
});
export type Job = z.infer<typeof JobSchema>;

/** What the jobs module tells the outside world; one event type today, a union tomorrow. */
export type JobEvent = { type: 'job-updated'; job: Job };
