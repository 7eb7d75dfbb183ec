// Backup while the server runs and plays are being written, then restore into an empty data dir of a
// stopped server, start it and compare: accounts, catalogue, media files and every play acknowledged
// before the backup began. Real servers (server/main.ts) in child processes, the real CLI.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { BACKUP_MANIFEST } from '../../server/backup/backup.js';
import { startServer, type RunningChild } from '../fixtures/child-server.js';
import { connectPlayer, helloMessage, TEST_ADMIN } from '../helper.js';
import { png } from '../media/fixtures/files.js';
import { nodeCommand } from '../node-command.js';

const execFileP = promisify(execFile);

/** The real CLI, as `npm run backup|restore -- DIR` runs it; resolves with its exit code and output. */
async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileP(...nodeCommand(['--import', 'tsx', 'server/backup/cli.ts', ...args]), { env: { ...process.env, CRIER_DATA_DIR: dataDir } });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** A signed-in HTTP client of a child server. */
async function client(server: RunningChild) {
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_ADMIN) });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { cookie, 'x-csrf-token': csrfToken };
  return {
    get: async <T>(url: string) => (await (await fetch(`${server.baseUrl}${url}`, { headers })).json()) as T,
    send: async (method: string, url: string, body: BodyInit, type?: string) => fetch(`${server.baseUrl}${url}`, { method, headers: { ...headers, ...(type ? { 'content-type': type } : {}) }, body }),
  };
}

type Play = { id: string };
type Snapshot = { users: unknown; media: unknown; playlists: unknown; schedules: unknown };

t.test('backup while plays are written, restore into an empty data dir, and everything is back', async (t) => {
  // Short paths: the control socket lives in the data dir.
  const root = await mkdtemp(path.join(os.tmpdir(), 'crier-bk-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const [dataA, backup, dataC] = ['a', 'backup', 'c'].map((d) => path.join(root, d)) as [string, string, string];
  const env = { CRIER_PLAYS_PER_MINUTE: '10000' };

  const a = await startServer(t, dataA, env);
  const http = await client(a);
  t.equal((await http.send('POST', '/api/v1/users', JSON.stringify({ username: 'wang.clerk', displayName: '王办事员', role: 'editor', password: 'Qx7-clerk-password' }), 'application/json')).status, 201);
  const body = new FormData();
  body.append('file', new Blob([await png(640, 360)]), 'poster.png');
  const uploaded = await http.send('POST', '/api/v1/media', body);
  t.equal(uploaded.status, 201, 'an upload (media and its original)');
  const poster = (await uploaded.json()) as { id: string };
  const playlist = await http.send('POST', '/api/v1/playlists', JSON.stringify({ name: '备份前的列表', items: [{ mediaId: poster.id, durationMs: 5000 }] }), 'application/json');
  t.equal(playlist.status, 201);

  // A player writes plays in batches, all through the backup.
  const player = await connectPlayer(t, a.baseUrl.replace('http', 'ws') + '/ws/player');
  player.send(helloMessage());
  await player.next('welcome');
  const { manifest } = await player.next('manifest');
  const item = manifest.items[0]!;
  const acked: string[] = [];
  const sent: string[] = [];
  let isWriting = true;
  const writer = (async () => {
    while (isWriting) {
      const at = Date.now();
      const records = Array.from({ length: 50 }, (_, i) => ({
        id: randomUUID(), itemId: item.id, mediaId: item.mediaId, hash: item.hash, manifestVersion: manifest.version,
        startedAt: new Date(at - 6000 + i).toISOString(), endedAt: new Date(at - 1000 + i).toISOString(), completed: true,
      }));
      sent.push(...records.map((r) => r.id));
      player.send({ type: 'plays', records });
      acked.push(...(await player.next('plays-ack', 10_000)).ids);
      // Under the gateway's 2 frames a second and the plays rate set above.
      await new Promise((r) => setTimeout(r, 600));
    }
  })();
  while (acked.length < 50) await new Promise((r) => setTimeout(r, 50));

  const ackedBefore = new Set(acked);
  const first = await cli(dataA, 'backup', backup);
  const ackedAfter = new Set(acked);
  t.equal(first.code, 0, first.out);
  t.match(first.out, /备份完成 \/ backup done.*from the running server/, 'made by the running server');
  t.ok(ackedAfter.size > ackedBefore.size, `plays were acknowledged while the backup ran (${ackedAfter.size - ackedBefore.size})`);

  // The second backup is the one restored below: what it must hold is bounded by these two moments.
  const ackedBeforeLast = new Set(acked);
  const again = await cli(dataA, 'backup', backup);
  const sentBy = new Set(sent);
  t.equal(again.code, 0, again.out);
  t.match(again.out, / 0 个文件新复制 files copied/, 'the second backup copies no media file again');

  const refused = await cli(dataA, 'restore', backup);
  t.equal(refused.code, 1);
  t.match(refused.out, /请先停止它再恢复 \/ .*stop it before restoring/, 'restore refuses a running server');

  isWriting = false;
  await writer;
  const snapshot = async (h: Awaited<ReturnType<typeof client>>): Promise<Snapshot> => ({
    users: await h.get('/api/v1/users'),
    media: await h.get('/api/v1/media'),
    playlists: await h.get('/api/v1/playlists'),
    schedules: await h.get('/api/v1/schedules'),
  });
  const before = await snapshot(http);
  await a.stop();

  // An incomplete backup is refused before anything is written.
  const partial = path.join(root, 'partial');
  await cp(backup, partial, { recursive: true });
  const mediaFile = (await readdir(path.join(partial, 'media')))[0]!;
  await rm(path.join(partial, 'media', mediaFile));
  const empty = path.join(root, 'empty');
  const incomplete = await cli(empty, 'restore', partial);
  t.equal(incomplete.code, 1);
  t.match(incomplete.out, new RegExp(`备份不完整.*media/${mediaFile}.* / incomplete backup`), 'a missing media file is named');
  await rm(path.join(partial, BACKUP_MANIFEST));
  t.match((await cli(empty, 'restore', partial)).out, /backup\.json/, 'a backup without its manifest is incomplete');
  t.notOk(await stat(empty).catch(() => null), 'nothing was written for a refused restore');

  const restored = await cli(dataC, 'restore', backup);
  t.equal(restored.code, 0, restored.out);
  const c = await startServer(t, dataC, env);
  const httpC = await client(c);
  t.same(await snapshot(httpC), before, 'accounts, media, playlists and schedules are as they were');
  const file = ((before.media as { renditions?: { fileName: string }[] }[]).find((m) => m.renditions?.length)?.renditions ?? [])[0]?.fileName;
  t.equal((await fetch(`${c.baseUrl}/media/${file}`)).status, 200, 'media files are served again');

  const plays = await httpC.get<{ total: number; records: Play[] }>('/api/v1/plays?unclaimed=include&limit=1000');
  const ids = new Set(plays.records.map((p) => p.id));
  t.equal(plays.total, ids.size, 'all restored plays listed');
  t.ok([...ackedBeforeLast].every((id) => ids.has(id)), `every play acknowledged before the backup began is restored (${ackedBeforeLast.size} of ${ids.size})`);
  t.ok([...ids].every((id) => sentBy.has(id)), 'and none sent after it ended');
  t.ok([...ids].every((id) => acked.includes(id)), 'and each of them was acknowledged');
  await c.stop();
});
