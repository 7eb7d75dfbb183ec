// The ffmpeg and ffprobe binaries as the server runs them: a missing one is reported by name, and a
// server that dies without closing (SIGKILL) takes its ffmpeg with it. ffmpeg ignores SIGPIPE, so
// without the parent-death signal it runs on as an orphan beside the job the next start queues again.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { ffmpegPath, ffprobePath } from '../../media/ffmpeg.paths.js';
import { setprivPath, toolVersions } from '../../media/ffmpeg.run.js';
import { nodeCommand } from '../node-command.js';
import { ffmpeg } from './fixtures/files.js';

const run = promisify(execFile);

/** Pids whose command line mentions `marker`. */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(Number(entry));
  }
  return found;
}

t.test('the tools are found, and a missing one is reported as missing', async (t) => {
  t.match(await toolVersions(ffmpegPath, ffprobePath), { ffmpeg: /^ffmpeg version \S+/, ffprobe: /^ffprobe version \S+/ });
  t.same(await toolVersions('/nonexistent/ffmpeg', path.join(os.tmpdir())), { ffmpeg: null, ffprobe: null }, 'a missing file and a directory both count as missing');
});

t.test('without ffprobe a video upload gets 503 naming the server, not the file, and leaves nothing', async (t) => {
  const work = t.testdir({ data: {} });
  const video = path.join(work, 'clip.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', video]);
  const env = { ...process.env, FFPROBE_PATH: path.join(work, 'no-ffprobe') };
  const { stdout } = await run(...nodeCommand(['--import', 'tsx', 'test/fixtures/upload-without-ffprobe.ts', path.join(work, 'data'), video]), { env });
  const seen = JSON.parse(stdout.trim().split('\n').pop()!);
  t.equal(seen.res.status, 503);
  t.equal(seen.res.body.reason, 'media-tools-missing');
  t.match(seen.res.body.message, /ffprobe.* \/ .*administrator/, 'Chinese, then English');
  t.match(seen.mediaTools, { ffmpeg: /^ffmpeg version/, ffprobe: null }, '/healthz says which tool is missing');
  t.same(seen.after, seen.before, 'no file and no catalogue entry left behind');
});

// Debian always has util-linux's setpriv; the CI machine is Debian, so this runs there. The test
// skips only when setpriv is not found, never because the wrapping itself is off.
t.test('ffmpeg dies with a server killed by SIGKILL', { skip: setprivPath ? false : 'no setpriv on this system: only a clean shutdown stops ffmpeg' }, async (t) => {
  const marker = path.join(os.tmpdir(), `crier-orphan-${randomUUID()}.nut`);
  const server = spawn(...nodeCommand(['--import', 'tsx', 'test/fixtures/long-ffmpeg.ts', marker]), { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(async () => {
    server.kill('SIGKILL');
    for (const pid of await processesWith(marker)) process.kill(pid, 'SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('running') && resolve());
    server.on('exit', (code) => reject(new Error(`the stand-in server exited early (${code})`)));
  });
  const before = await processesWith(marker);
  t.ok(before.some((pid) => pid !== server.pid), 'ffmpeg runs beside the server');

  server.kill('SIGKILL');
  let left = before;
  for (let i = 0; i < 40 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = await processesWith(marker);
  }
  t.same(left, [], 'no ffmpeg is left running once the server is gone');
});
