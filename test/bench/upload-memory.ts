// Upload abuse against a real server process, watching its memory (issue 13.6): distinct 24 MP JPEGs
// four at a time, plus malformed bodies, while the server's RSS is sampled from /proc. Run:
//   npx tsx test/bench/upload-memory.ts [uploads=16] [parallel=4]
// It prints the server's RSS before, its peak (VmHWM) and after, in MiB. Linux only (/proc).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from '../../media/sharp.js';

const uploads = Number(process.argv[2] ?? 16);
const parallel = Number(process.argv[3] ?? 4);
const port = Number(process.env.PORT ?? 8107);
const base = `http://127.0.0.1:${port}`;
const password = 'upload-memory-bench-7731';

const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
async function memoryOf(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'crier-upload-memory-'));
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CRIER_DATA_DIR: dataDir, CRIER_ADMIN_PASSWORD: password, CRIER_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
try {
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('crier_session='))!.split(';')[0]!;
  const headers = { cookie, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
  // One 6000×4000 photo-like JPEG; each upload changes a corner so none is a duplicate.
  const noise = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 80 }).toBuffer();
  const variant = (i: number) => sharp(noise).composite([{ input: { create: { width: 16, height: 16, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: 9 } } }, left: 0, top: 0 }]).jpeg({ quality: 80 }).toBuffer();
  const settle = async () => (global.gc?.(), new Promise((r) => setTimeout(r, 2000)));
  await settle();
  const before = await memoryOf(server.pid!);
  let next = 0;
  const statuses: number[] = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < uploads) {
        const i = next++;
        const body = new FormData();
        body.append('file', new Blob([await variant(i)], { type: 'image/jpeg' }), `photo-${i}.jpg`);
        statuses.push((await fetch(`${base}/api/v1/media`, { method: 'POST', headers, body })).status);
        // And a malformed body between each: a boundary past 256 bytes.
        const bad = await fetch(`${base}/api/v1/media`, { method: 'POST', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${'b'.repeat(2000)}` }, body: 'x'.repeat(1000) });
        statuses.push(bad.status);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const during = await memoryOf(server.pid!);
  await settle();
  const after = await memoryOf(server.pid!);
  const counts = statuses.reduce<Record<number, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
  console.log(`${uploads} uploads of a 24 MP JPEG (${(noise.length / 1e6).toFixed(1)} MB), ${parallel} at a time, in ${seconds.toFixed(1)} s; answers ${JSON.stringify(counts)}`);
  console.log(`server RSS: before ${mib(before.rss)}, peak ${mib(during.peak)}, right after ${mib(during.rss)}, 2 s later ${mib(after.rss)}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
