// The media library: uploads become catalogue items with renditions, slogans get a preview,
// deletes respect playlists, and files go once nothing references them.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { FraudTagSchema, IsoTimeSchema, MediaItemSchema, SloganSchema, type MediaItem, type Rendition } from '../../playlists/catalogue.schema.js';
import type { X264Preset } from '../../media/av.renditions.js';
import { analyseUpload, type IngestSettings } from '../../media/ingest.js';
import type { MadeFile } from '../../media/image.renditions.js';
import { MediaRejection } from '../../media/media.errors.js';
import type { MediaStore } from '../../media/media.store.js';
import { receiveUpload, type Received } from '../../media/receive.js';
import { renderSloganPreview } from '../../media/slogan.preview.js';
import { sloganHash } from '../../media/slogan-hash.js';
import type { Clock } from '../clock.js';
import { AppError, notFound } from '../errors.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import { createMediaProcessing, storeRenditions } from './media.processing.js';
import type { JobQueue } from './media.jobs.js';

const ValidityShape = { validFrom: IsoTimeSchema.optional(), validTo: IsoTimeSchema.optional() };
const validWindow = (v: { validFrom?: string | undefined; validTo?: string | undefined }) =>
  !v.validFrom || !v.validTo || Date.parse(v.validFrom) < Date.parse(v.validTo);
const windowMessage = { message: '有效期结束时间必须晚于开始时间 / validTo must be after validFrom', path: ['validTo'] };

/** Tags arrive as repeated form fields or one comma-separated field. */
const TagsField = z.preprocess(
  (v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(/[,，]/)).map((s) => s.trim()).filter(Boolean)),
  z.array(FraudTagSchema).max(6),
);
export const UploadFieldsSchema = z
  .object({ title: MediaItemSchema.shape.title.optional(), tags: TagsField, ...ValidityShape })
  .refine(validWindow, windowMessage);
export type UploadFields = z.infer<typeof UploadFieldsSchema>;

export const SloganInputSchema = z
  .object({ title: MediaItemSchema.shape.title.optional(), tags: z.array(FraudTagSchema).max(6).default([]), slogan: SloganSchema, ...ValidityShape })
  .refine(validWindow, windowMessage);
export type SloganInput = z.infer<typeof SloganInputSchema>;

export const MediaPatchSchema = z
  .object({
    title: MediaItemSchema.shape.title.optional(),
    tags: z.array(FraudTagSchema).max(6).optional(),
    validFrom: IsoTimeSchema.nullable().optional(),
    validTo: IsoTimeSchema.nullable().optional(),
  })
  .refine((p) => validWindow({ validFrom: p.validFrom ?? undefined, validTo: p.validTo ?? undefined }), windowMessage);
export type MediaPatch = z.infer<typeof MediaPatchSchema>;

export interface MediaServiceDeps {
  catalogue: CatalogueStore;
  /** Served at /media/: renditions (and the seeded campaign's files). */
  mediaStore: MediaStore;
  /** Not served: uploaded originals, kept to re-render from. */
  originals: MediaStore;
  tmpDir: string;
  jobs: JobQueue;
  clock: Clock;
  settings: IngestSettings & { videoPreset: X264Preset; loudness: { I: number; TP: number; LRA: number } };
  onChange: () => void;
  /** Whether items left `processing` are queued here at start; false where the cluster's queue decides (jobs.cluster.ts `start`). */
  resumeAtStart?: boolean;
}

export type MediaService = Awaited<ReturnType<typeof createMediaService>>;

const newId = () => `media-${randomUUID().slice(0, 8)}`;
const asAppError = (err: unknown) => (err instanceof MediaRejection ? new AppError(err.statusCode, err.reason, err.message) : err);

export async function createMediaService(deps: MediaServiceDeps) {
  const { catalogue, mediaStore, originals, tmpDir, clock, onChange } = deps;
  // Whatever a crash left half-received is garbage: nothing in the catalogue points at it.
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });
  const processing = createMediaProcessing(deps);

  const store = (files: MadeFile[]) => storeRenditions(mediaStore, files);

  const find = (id: string) => catalogue.read().media.find((m) => m.id === id);

  if (deps.resumeAtStart !== false) for (const item of catalogue.read().media) if (item.status === 'processing') processing.enqueue(item);

  return {
    list: (): MediaItem[] => catalogue.read().media,
    get(id: string): MediaItem {
      const item = find(id);
      if (!item) throw notFound('素材 media', id);
      return item;
    },
    jobFor: (mediaId: string) => deps.jobs.latestFor(mediaId),
    /** Streams one upload to a temp file; refusals (413/415/422) leave nothing behind. */
    async receive(source: Readable, isTruncated: () => boolean): Promise<Received> {
      const file = path.join(tmpDir, `upload-${randomUUID()}`);
      await mkdir(tmpDir, { recursive: true });
      try {
        return await receiveUpload(source, file, deps.settings.limits, isTruncated);
      } catch (err) {
        throw asAppError(err);
      }
    },
    discard: (received: Received | undefined) => (received ? rm(received.file, { force: true }) : Promise.resolve()),
    /** Returns the new item, or the existing one when the same bytes were uploaded before. */
    async ingest(received: Received, fields: UploadFields, fileName: string): Promise<{ item: MediaItem; isNew: boolean }> {
      const workDir = path.join(tmpDir, `work-${randomUUID()}`);
      try {
        const existing = catalogue.read().media.find((m) => m.hash === received.hash && m.kind !== 'text');
        if (existing) {
          if (existing.status === 'failed') processing.enqueue(existing);
          return { item: existing, isNew: false };
        }
        await mkdir(workDir, { recursive: true });
        const analysed = await analyseUpload(received, deps.settings, workDir);
        const original = await originals.putMove(received.file, analysed.ext, received.hash);
        const renditions = await store(analysed.files);
        const isReady = analysed.kind === 'image';
        const item: MediaItem = {
          id: newId(),
          kind: analysed.kind,
          title: fields.title ?? (path.parse(fileName).name.slice(0, 120).trim() || '未命名素材'),
          hash: received.hash,
          tags: fields.tags,
          file: {
            fileName: path.basename(fileName).slice(0, 200) || 'upload',
            mime: analysed.mime,
            bytes: received.bytes,
            storedAs: original.fileName,
            ...(analysed.width ? { width: analysed.width, height: analysed.height } : {}),
            ...(analysed.durationMs ? { durationMs: analysed.durationMs } : {}),
            ...(analysed.videoCodec ? { videoCodec: analysed.videoCodec } : {}),
            ...(analysed.audioCodec ? { audioCodec: analysed.audioCodec } : {}),
            ...(analysed.rotation ? { rotation: analysed.rotation } : {}),
          },
          status: isReady ? 'ready' : 'processing',
          ...(fields.validFrom ? { validFrom: fields.validFrom } : {}),
          ...(fields.validTo ? { validTo: fields.validTo } : {}),
          renditions,
          createdAt: clock.now().toISOString(),
        };
        try {
          await catalogue.update((draft) => void draft.media.push(item));
        } catch (err) {
          await processing.collect([item]);
          throw err;
        }
        if (!isReady) processing.enqueue(item, analysed.probed);
        onChange();
        return { item, isNew: true };
      } catch (err) {
        throw asAppError(err);
      } finally {
        await rm(received.file, { force: true });
        await rm(workDir, { recursive: true, force: true });
      }
    },
    async createSlogan(input: SloganInput): Promise<{ item: MediaItem; isNew: boolean }> {
      const slogan = { ...input.slogan, ...(input.slogan.variant === 'slide' ? { variant: undefined } : {}) };
      const hash = sloganHash(slogan);
      const existing = catalogue.read().media.find((m) => m.kind === 'text' && m.hash === hash);
      if (existing) return { item: existing, isNew: false };
      const preview = await renderSloganPreview(slogan);
      const file = path.join(tmpDir, `preview-${randomUUID()}.png`);
      let renditions: Rendition[];
      try {
        await writeFile(file, preview.png);
        renditions = await store([{ role: 'preview', file, ext: 'png', mime: 'image/png', width: preview.width, height: preview.height }]);
      } finally {
        // Also when the disk is full mid-write: no half-written preview stays behind in tmp/.
        await rm(file, { force: true });
      }
      const item: MediaItem = {
        id: newId(),
        kind: 'text',
        title: input.title ?? slogan.headline.slice(0, 120),
        hash,
        tags: input.tags,
        slogan: JSON.parse(JSON.stringify(slogan)),
        status: 'ready',
        ...(input.validFrom ? { validFrom: input.validFrom } : {}),
        ...(input.validTo ? { validTo: input.validTo } : {}),
        renditions,
        createdAt: clock.now().toISOString(),
      };
      await catalogue.update((draft) => void draft.media.push(item));
      onChange();
      return { item, isNew: true };
    },
    async update(id: string, patch: MediaPatch): Promise<MediaItem> {
      const item = await catalogue.update((draft) => {
        const current = draft.media.find((m) => m.id === id);
        if (!current) throw notFound('素材 media', id);
        if (patch.title !== undefined) current.title = patch.title;
        if (patch.tags !== undefined) current.tags = patch.tags;
        for (const key of ['validFrom', 'validTo'] as const) {
          if (patch[key] === null) delete current[key];
          else if (patch[key] !== undefined) current[key] = patch[key];
        }
        if (!validWindow(current)) throw new AppError(422, 'invalid-window', windowMessage.message);
        return current;
      });
      onChange();
      return item;
    },
    /** 409 while a playlist uses it, unless forced (then it leaves those playlists too). */
    async remove(id: string, force: boolean): Promise<void> {
      const removed = await catalogue.update((draft) => {
        const item = draft.media.find((m) => m.id === id);
        if (!item) throw notFound('素材 media', id);
        const using = draft.playlists.filter((p) => p.items.some((i) => i.mediaId === id));
        if (using.length && !force) {
          const names = using.map((p) => `“${p.name}”`).join('、');
          throw new AppError(409, 'media-in-use', `该素材正被播放列表 ${names} 使用 / media is used by ${using.length} playlist(s) (use ?force=true to remove it from them)`);
        }
        const emptied = using.filter((p) => p.items.every((i) => i.mediaId === id));
        if (emptied.length) {
          throw new AppError(409, 'playlist-would-be-empty', `删除后播放列表 ${emptied.map((p) => `“${p.name}”`).join('、')} 将为空，请先修改或删除该列表 / removing it would leave ${emptied.length} playlist(s) empty: edit or delete them first`);
        }
        for (const p of using) p.items = p.items.filter((i) => i.mediaId !== id);
        draft.media = draft.media.filter((m) => m.id !== id);
        return item;
      });
      await deps.jobs.cancelFor(id);
      await processing.collect([removed]);
      onChange();
    },
    /** Queues an item left `processing` again (a cluster node found it orphaned by a node that died). */
    resume(id: string): void {
      const item = find(id);
      if (item?.status === 'processing') processing.enqueue(item);
    },
    async close(): Promise<void> {
      await deps.jobs.close();
    },
    /** Leftover files in the stores that nothing references (for diagnostics). */
    async orphans(): Promise<string[]> {
      const refs = processing.referenced(catalogue.read());
      const list = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((f) => !f.startsWith('.'));
      return [...(await list(mediaStore.dir)).filter((f) => !refs.media.has(f)), ...(await list(originals.dir)).filter((f) => !refs.originals.has(f))];
    },
  };
}
