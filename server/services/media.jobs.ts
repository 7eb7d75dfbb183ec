// Background media jobs (transcodes, loudness passes) with bounded concurrency. State lives in
// memory; the catalogue's `processing` status is what survives a restart, and the media service
// queues those items again at start-up. Every change of a job goes out through `notify`, one
// explicit callback that app.ts wires (a console WebSocket can forward it).
import { randomUUID } from 'node:crypto';
import type { Job, JobEvent } from './media-job.schema.js';
import type { Clock } from '../clock.js';

export { JobSchema, type Job, type JobEvent } from './media-job.schema.js';
export type JobEventSink = (event: JobEvent) => void;

export interface JobContext {
  signal: AbortSignal;
  progress(fraction: number): void;
}

/** Thrown by work to fail a job with a reason staff can read. */
export class JobFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Finished jobs kept for the API; older ones are forgotten (the media item keeps a failure's reason). */
const HISTORY = 200;

export type JobQueue = ReturnType<typeof createJobQueue>;

export function createJobQueue(deps: { concurrency: number; clock: Clock; notify: JobEventSink }) {
  const { concurrency, clock, notify } = deps;
  const jobs = new Map<string, Job>();
  const work = new Map<string, (ctx: JobContext) => Promise<void>>();
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const waiting: string[] = [];
  let isClosed = false;

  const emit = (job: Job) => notify({ type: 'job-updated', job: { ...job } });
  const now = () => clock.now().toISOString();

  function forget() {
    const finished = [...jobs.values()].filter((j) => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled');
    for (const j of finished.slice(0, Math.max(0, finished.length - HISTORY))) jobs.delete(j.id);
  }

  function pump() {
    while (!isClosed && running.size < concurrency && waiting.length) {
      const id = waiting.shift()!;
      const job = jobs.get(id);
      const fn = work.get(id);
      if (!job || !fn || job.state !== 'queued') continue;
      const controller = new AbortController();
      Object.assign(job, { state: 'running', startedAt: now() });
      emit(job);
      const ctx: JobContext = {
        signal: controller.signal,
        progress(fraction) {
          const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
          // One event per whole percent: enough for a progress bar, few enough for a socket.
          if (pct > job.progress) {
            job.progress = pct;
            emit(job);
          }
        },
      };
      const done = fn(ctx).then(
        () => Object.assign(job, { state: 'done', progress: 100 }),
        (err: unknown) => {
          if (controller.signal.aborted) return Object.assign(job, { state: 'cancelled' });
          const error = err instanceof JobFailure ? { reason: err.reason, message: err.message } : { reason: 'processing-failed', message: String((err as Error)?.message ?? err).slice(0, 500) };
          return Object.assign(job, { state: 'failed', error });
        },
      ).then(() => {
        job.finishedAt = now();
        work.delete(id);
        running.delete(id);
        emit(job);
        forget();
        pump();
      });
      running.set(id, { controller, done });
    }
  }

  return {
    enqueue(mediaId: string, kind: Job['kind'], fn: (ctx: JobContext) => Promise<void>): Job {
      const job: Job = { id: `job-${randomUUID().slice(0, 8)}`, mediaId, kind, state: 'queued', progress: 0, createdAt: now() };
      jobs.set(job.id, job);
      work.set(job.id, fn);
      waiting.push(job.id);
      emit(job);
      pump();
      return job;
    },
    list: (): Job[] => [...jobs.values()].map((j) => ({ ...j })),
    get: (id: string): Job | undefined => (jobs.has(id) ? { ...jobs.get(id)! } : undefined),
    /** The newest job of a media item, if any is remembered. */
    latestFor(mediaId: string): Job | undefined {
      const mine = [...jobs.values()].filter((j) => j.mediaId === mediaId);
      const last = mine[mine.length - 1];
      return last ? { ...last } : undefined;
    },
    /** Stops a media item's queued or running jobs (it was deleted). */
    async cancelFor(mediaId: string): Promise<void> {
      const pending: Promise<void>[] = [];
      for (const job of jobs.values()) {
        if (job.mediaId !== mediaId) continue;
        if (job.state === 'queued') {
          Object.assign(job, { state: 'cancelled', finishedAt: now() });
          work.delete(job.id);
          emit(job);
        }
        const r = running.get(job.id);
        if (r) (r.controller.abort(new Error('cancelled')), pending.push(r.done));
      }
      await Promise.all(pending);
    },
    /** On shutdown: nothing new starts, running ffmpeg processes are killed; their media stays `processing` and resumes at the next start. */
    async close(): Promise<void> {
      isClosed = true;
      const pending = [...running.values()].map((r) => (r.controller.abort(new Error('shutting down')), r.done));
      await Promise.all(pending);
    },
  };
}
