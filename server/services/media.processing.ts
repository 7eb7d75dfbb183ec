// The background half of ingest: a job per video or audio item that renders its playback file,
// and the reference counting that removes files once no item points at them.
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { mediaFileName } from '../../playlists/build-manifest.js';
import type { Catalogue, MediaItem, Rendition } from '../../playlists/catalogue.schema.js';
import { makeAudioRenditions, makeVideoRenditions } from '../../media/av.renditions.js';
import { FfmpegError, probe, type Probe } from '../../media/ffmpeg.run.js';
import type { MadeFile } from '../../media/image.renditions.js';
import type { MediaStore } from '../../media/media.store.js';
import { JobFailure } from './media.jobs.js';
import type { MediaServiceDeps } from './media.service.js';

/** Moves made files into the served store, each named by its own hash; profiles that came out the same size share one file. */
export async function storeRenditions(mediaStore: MediaStore, files: MadeFile[]): Promise<Rendition[]> {
  const out: Rendition[] = [];
  const movedBySource = new Map<string, Awaited<ReturnType<MediaStore['putMove']>>>();
  for (const f of files) {
    const moved = movedBySource.get(f.file) ?? (await mediaStore.putMove(f.file, f.ext));
    movedBySource.set(f.file, moved);
    out.push({
      role: f.role,
      ...(f.profile ? { profile: f.profile } : {}),
      fileName: moved.fileName,
      mime: f.mime,
      bytes: moved.bytes,
      ...(f.width ? { width: f.width } : {}),
      ...(f.height ? { height: f.height } : {}),
      ...(f.durationMs ? { durationMs: f.durationMs } : {}),
    });
  }
  return out;
}

export function createMediaProcessing(deps: MediaServiceDeps) {
  const { catalogue, mediaStore, originals, tmpDir, jobs, settings, onChange } = deps;

  /** File names per store that some item still needs. Seeded items keep their file in the served store. */
  function referenced(c: Readonly<Catalogue>) {
    const media = new Set<string>();
    const orig = new Set<string>();
    for (const m of c.media) {
      for (const r of m.renditions ?? []) media.add(r.fileName);
      if (m.file?.storedAs) orig.add(m.file.storedAs);
      else if (m.file) media.add(mediaFileName(m));
    }
    return { media, originals: orig };
  }

  /** Removes the files of these (already removed or never stored) items unless another item shares them. */
  async function collect(items: MediaItem[]): Promise<void> {
    const refs = referenced(catalogue.read());
    const gone = referenced({ ...catalogue.read(), media: items });
    for (const f of gone.media) if (!refs.media.has(f)) await mediaStore.remove(f);
    for (const f of gone.originals) if (!refs.originals.has(f)) await originals.remove(f);
  }

  const setFailed = (id: string, reason: string, message: string) =>
    catalogue.update((draft) => {
      const item = draft.media.find((m) => m.id === id);
      if (item) Object.assign(item, { status: 'failed', error: { reason, message: message.slice(0, 500) } });
    });

  /** `probed` is the upload's own probe of this original; after a restart the job probes again. */
  function enqueue(item: MediaItem, probed?: Probe): void {
    const kind = item.kind === 'video' ? 'video' : 'audio';
    jobs.enqueue(item.id, kind, async (ctx) => {
      const workDir = path.join(tmpDir, `job-${randomUUID()}`);
      try {
        if (item.status !== 'processing') {
          await catalogue.update((draft) => {
            const m = draft.media.find((x) => x.id === item.id);
            if (m) (m.status = 'processing', delete m.error);
          });
        }
        const source = item.file?.storedAs;
        if (!source || !(await originals.has(source))) {
          throw new JobFailure('original-missing', '原始文件丢失，请重新上传 / the original file is missing: upload it again');
        }
        await mkdir(workDir, { recursive: true });
        const input = originals.pathOf(source);
        const p = probed ?? (await probe(input, ctx.signal));
        const opts = { workDir, signal: ctx.signal, onProgress: ctx.progress };
        const made =
          kind === 'video'
            ? await makeVideoRenditions(input, p, settings.videoMaxHeight, settings.videoPreset, opts)
            : await makeAudioRenditions(input, p, settings.loudness, opts);
        const renditions = await storeRenditions(mediaStore, made);
        const isKept = await catalogue.update((draft) => {
          const m = draft.media.find((x) => x.id === item.id);
          if (!m) return false;
          Object.assign(m, { status: 'ready', renditions, readyAt: deps.clock.now().toISOString() });
          delete m.error;
          return true;
        });
        // Deleted while we worked: drop what we made unless someone else shares it.
        if (!isKept) await collect([{ ...item, renditions }]);
        else onChange();
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const failure =
          err instanceof JobFailure
            ? err
            : err instanceof FfmpegError && err.isStalled
              ? new JobFailure('stalled', '转码卡住已停止，请重新上传 / processing stalled and was stopped: upload again')
              : new JobFailure('processing-failed', `文件无法转码，可能已损坏 / the file could not be converted (damaged?): ${(err as Error).message}`);
        await setFailed(item.id, failure.reason, failure.message);
        onChange();
        throw failure;
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    });
  }

  return { enqueue, collect, referenced };
}
