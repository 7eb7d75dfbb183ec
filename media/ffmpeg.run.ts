// Runs ffmpeg and ffprobe as child processes: progress from `-progress pipe:1`, a watchdog so a
// stuck process can never hang a job, and cancellation when the server shuts down.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { ffmpegPath, ffprobePath } from './ffmpeg.paths.js';

/**
 * ffmpeg ignores SIGPIPE, so when the server dies without closing (SIGKILL, OOM, power button on a
 * shared box) an encoder would run on as an orphan, and at the next start its job is queued again
 * beside it. On Linux, util-linux's setpriv (always installed on Debian) starts each child with a
 * parent-death signal, so the kernel kills it together with the server. Elsewhere the child runs
 * plain and only a clean shutdown stops it.
 */
export const setprivPath = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => process.platform === 'linux' && existsSync(p));
export function tiedToServer(file: string, args: string[]): [string, string[]] {
  return setprivPath ? [setprivPath, ['--pdeathsig', 'SIGKILL', '--', file, ...args]] : [file, args];
}

export interface FfmpegOptions {
  /** Length of the input, to turn ffmpeg's out_time into a fraction. */
  durationMs?: number;
  onProgress?: (fraction: number) => void;
  /** Every out_time ffmpeg reports, in ms: the last one is the length of what it wrote. */
  onOutTime?: (ms: number) => void;
  signal?: AbortSignal;
  /** Kill the process when it prints nothing for this long. */
  stallMs?: number;
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
    readonly isStalled = false,
  ) {
    super(message);
  }
}

const STDERR_KEEP = 256 * 1024;

/** Resolves to ffmpeg's stderr (where filters such as loudnorm report), or rejects with its tail. */
export function runFfmpeg(args: string[], options: FfmpegOptions = {}): Promise<string> {
  const { durationMs, onProgress, onOutTime, signal, stallMs = 120_000 } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(...tiedToServer(ffmpegPath, ['-hide_banner', '-nostdin', '-nostats', '-y', '-progress', 'pipe:1', ...args]), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdoutRest = '';
    let isStalled = false;
    let watchdog: NodeJS.Timeout;
    const kick = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        isStalled = true;
        child.kill('SIGKILL');
      }, stallMs);
    };
    kick();
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      kick();
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      kick();
      const lines = (stdoutRest + chunk).split('\n');
      stdoutRest = lines.pop() ?? '';
      for (const line of lines) {
        // This 2018 build names microseconds out_time_ms; newer builds add out_time_us.
        const m = /^out_time_(?:us|ms)=(\d+)/.exec(line);
        if (!m) continue;
        const ms = Number(m[1]) / 1000;
        onOutTime?.(ms);
        if (durationMs && onProgress) onProgress(Math.min(1, ms / durationMs));
      }
    });
    child.on('error', (err) => {
      clearTimeout(watchdog);
      reject(new FfmpegError(`ffmpeg could not start: ${err.message}`, ''));
    });
    child.on('close', (code, sig) => {
      clearTimeout(watchdog);
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(signal.reason);
      if (code === 0) return resolve(stderr);
      const tail = stderr.slice(-2000);
      const why = isStalled ? `ffmpeg stalled (no output for ${stallMs / 1000} s)` : `ffmpeg exited with ${code ?? sig}`;
      reject(new FfmpegError(why, tail, isStalled));
    });
  });
}

export interface Probe {
  formatName: string;
  durationMs: number | undefined;
  /** `frames`: the stream's frame count when the container says (GIF does). */
  video?: { codec: string; width: number; height: number; rotation: number; frames?: number };
  audio?: { codec: string; channels: number; sampleRate: number };
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  nb_frames?: string;
  channels?: number;
  sample_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number }>;
}

const run = promisify(execFile);

/** Throws when ffprobe cannot read the file at all, or cannot run (the caller tells the two apart). */
export async function probe(file: string, signal?: AbortSignal): Promise<Probe> {
  const { stdout } = await run(...tiedToServer(ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]), {
    maxBuffer: 16 << 20,
    timeout: 60_000,
    ...(signal ? { signal } : {}),
  });
  const data = JSON.parse(stdout) as { format?: { format_name?: string; duration?: string }; streams?: RawStream[] };
  const streams = data.streams ?? [];
  // Cover art in an MP3 is a "video" stream with attached_pic; it is not a video.
  const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height);
  const a = streams.find((s) => s.codec_type === 'audio');
  const seconds = Number(data.format?.duration);
  const rotation = v ? Number(v.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? v.tags?.rotate ?? 0) : 0;
  return {
    formatName: data.format?.format_name ?? 'unknown',
    durationMs: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined,
    ...(v
      ? {
          video: {
            codec: v.codec_name ?? 'unknown',
            width: v.width!,
            height: v.height!,
            rotation: ((Math.round(rotation) % 360) + 360) % 360,
            ...(Number(v.nb_frames) > 0 ? { frames: Number(v.nb_frames) } : {}),
          },
        }
      : {}),
    ...(a ? { audio: { codec: a.codec_name ?? 'unknown', channels: a.channels ?? 0, sampleRate: Number(a.sample_rate ?? 0) } } : {}),
  };
}

export interface MediaTools {
  /** First line of `-version`, or null when the binary cannot run. */
  ffmpeg: string | null;
  ffprobe: string | null;
}

let toolsChecked: Promise<MediaTools> | undefined;

/**
 * Runs `ffmpeg -version` and `ffprobe -version`: without them every video and audio upload would
 * fail, so the server says so at start and in /healthz, not at the first upload. A good answer is
 * kept for the life of the process; a missing tool is looked for again at the next call, in case
 * the first check only timed out on a busy machine.
 */
export async function checkMediaTools(): Promise<MediaTools> {
  const tools = await (toolsChecked ??= toolVersions(ffmpegPath, ffprobePath));
  if (!tools.ffmpeg || !tools.ffprobe) toolsChecked = undefined;
  return tools;
}

export async function toolVersions(ffmpegBin: string, ffprobeBin: string): Promise<MediaTools> {
  const firstLine = (bin: string) =>
    run(...tiedToServer(bin, ['-version']), { timeout: 10_000 }).then(
      ({ stdout }) => stdout.split('\n')[0]!.trim() || null,
      () => null,
    );
  const [ffmpeg, ffprobe] = await Promise.all([firstLine(ffmpegBin), firstLine(ffprobeBin)]);
  return { ffmpeg, ffprobe };
}
