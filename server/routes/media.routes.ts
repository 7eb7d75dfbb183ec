// The media library: upload (multipart, streamed), slogans, list/get/patch/delete, and jobs.
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema, MediaItemSchema } from '../../playlists/catalogue.schema.js';
import type { Received } from '../../media/receive.js';
import { AppError, ErrorBodySchema } from '../errors.js';
import { JobSchema, type JobQueue } from '../services/media.jobs.js';
import { multipartRequired, readParts } from './multipart.js';
import { MediaPatchSchema, SloganInputSchema, UploadFieldsSchema, type MediaService } from '../services/media.service.js';

const tags = ['media'];
const Params = z.object({ id: IdSchema });
/** A media item with its latest job (progress, failure) while the server remembers one. */
const MediaViewSchema = MediaItemSchema.extend({ job: JobSchema.optional() });
const errors = { 400: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 413: ErrorBodySchema, 415: ErrorBodySchema, 422: ErrorBodySchema, 503: ErrorBodySchema };

export function registerMediaRoutes(app: FastifyInstance, deps: { media: MediaService; jobs: JobQueue }): void {
  const { media, jobs } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const view = (item: z.infer<typeof MediaItemSchema>) => {
    const job = media.jobFor(item.id);
    return job ? { ...item, job } : item;
  };

  r.get(
    '/api/v1/media',
    { schema: { tags, summary: 'List media (slogans, posters, video, audio) with their renditions and status', response: { 200: z.array(MediaViewSchema) } } },
    () => media.list().map(view),
  );
  r.get(
    '/api/v1/media/:id',
    { schema: { tags, summary: 'Get a media item', params: Params, response: { 200: MediaViewSchema, 404: ErrorBodySchema } } },
    (req) => view(media.get(req.params.id)),
  );
  r.post(
    '/api/v1/media',
    {
      schema: {
        tags,
        summary: 'Upload an image, video or audio file (multipart/form-data)',
        description:
          'One `file` part plus optional fields `title`, `tags` (repeat, or comma-separated), `validFrom`, `validTo` (ISO 8601). ' +
          'The type is decided by content. 201 with the new item (video and audio are `processing` until their job finishes); ' +
          '200 with the existing item when the same file was uploaded before; 413 over the size or duration limit; 415 unsupported type; 422 damaged file; 503 when the server cannot run ffprobe.',
        response: { 200: MediaViewSchema, 201: MediaViewSchema, ...errors },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw multipartRequired();
      const fields: Record<string, string | string[]> = {};
      let received: Received | undefined;
      let refusal: unknown;
      let fileName = 'upload';
      try {
        // Every part is read to the end even after a refusal, so the client is never left mid-send.
        for await (const part of readParts(req)) {
          if (part.type !== 'file') {
            const value = String(part.value);
            const prev = fields[part.fieldname];
            fields[part.fieldname] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
          } else if (received || refusal) {
            part.file.resume();
            refusal ??= new AppError(400, 'one-file-only', '一次只能上传一个文件 / upload one file at a time');
          } else {
            const file: MultipartFile = part;
            fileName = file.filename || fileName;
            received = await media.receive(file.file, () => file.file.truncated).catch((err: unknown) => {
              refusal = err;
              return undefined;
            });
          }
        }
        if (refusal) throw refusal;
        if (!received) throw new AppError(400, 'file-required', '没有收到文件 / no file part in the upload');
        const parsed = UploadFieldsSchema.safeParse(fields);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new AppError(400, 'invalid-request', `请求无效 / invalid request: ${issue.path.join('.') || '/'} ${issue.message}`);
        }
        const { item, isNew } = await media.ingest(received, parsed.data, fileName);
        return reply.code(isNew ? 201 : 200).send(view(item));
      } finally {
        await media.discard(received);
      }
    },
  );
  r.post(
    '/api/v1/media/slogans',
    {
      schema: {
        tags,
        summary: 'Create a text slogan (headline, optional subline, theme, slide or ticker); a PNG preview is rendered',
        body: SloganInputSchema,
        response: { 200: MediaViewSchema, 201: MediaViewSchema, 400: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const { item, isNew } = await media.createSlogan(req.body);
      return reply.code(isNew ? 201 : 200).send(item);
    },
  );
  r.patch(
    '/api/v1/media/:id',
    {
      schema: {
        tags,
        summary: 'Change title, tags or validity window (null clears a bound)',
        params: Params,
        body: MediaPatchSchema,
        response: { 200: MediaViewSchema, 400: ErrorBodySchema, 404: ErrorBodySchema, 422: ErrorBodySchema },
      },
    },
    async (req) => view(await media.update(req.params.id, req.body)),
  );
  r.delete(
    '/api/v1/media/:id',
    {
      schema: {
        tags,
        summary: 'Delete a media item (409 while a playlist uses it unless force=true, which also takes it out of those playlists)',
        params: Params,
        querystring: z.object({ force: z.enum(['true', 'false']).default('false') }),
        response: { 204: z.null(), 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      await media.remove(req.params.id, req.query.force === 'true');
      return reply.code(204).send(null);
    },
  );
  r.get(
    '/api/v1/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Background media jobs (transcodes, loudness), newest last, with progress',
        querystring: z.object({ mediaId: IdSchema.optional(), state: JobSchema.shape.state.optional() }),
        response: { 200: z.array(JobSchema) },
      },
    },
    (req) => jobs.list().filter((j) => (!req.query.mediaId || j.mediaId === req.query.mediaId) && (!req.query.state || j.state === req.query.state)),
  );
  r.get(
    '/api/v1/jobs/:id',
    { schema: { tags: ['jobs'], summary: 'One job', params: z.object({ id: z.string().max(64) }), response: { 200: JobSchema, 404: ErrorBodySchema } } },
    (req) => {
      const job = jobs.get(req.params.id);
      if (!job) throw new AppError(404, 'not-found', `未找到任务 / job not found: ${req.params.id}`);
      return job;
    },
  );
}
