// A full disk, on a real small tmpfs holding the data dir: writes answer 507 disk-full (Chinese, then
// English), sign-in keeps working, /healthz says so, nothing is left in tmp/, and everything works
// again by itself once space is freed. Mounting needs root (CI runs as root).
import { randomUUID } from 'node:crypto';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { helloPlayer, injectRaw, signIn, sleep, startTestServer, TEST_ADMIN } from '../helper.js';
import { DISK_STATE_MAX_AGE_MS } from '../../server/routes/health.routes.js';
import { createCatalogueStore } from '../../server/storage/catalogue.store.js';
import { png, upload } from '../media/fixtures/files.js';
import { fillDisk, mountSmallDisk, smallDiskSkip } from '../fixtures/small-disk.js';

const PAD_BYTES = 96 * 1024;

t.test('a full data disk is named, survivable and recovers by itself', { skip: smallDiskSkip }, async (t) => {
  const disk = await mountSmallDisk(t);
  // Session time moves on by hand, so reading a session wants to write its idle clock (a touch).
  let sessionTimeMs = 0;
  const { app, wsUrl } = await startTestServer(t, { dataDir: path.join(disk, 'data') }, { authClock: { now: () => new Date(Date.now() + sessionTimeMs) } });
  const { player } = await helloPlayer(t, wsUrl);
  const { manifest } = await player.next('manifest');
  const item = manifest.items[0]!;
  const plays = Array.from({ length: 20 }, (_, i) => ({
    id: randomUUID(), itemId: item.id, mediaId: item.mediaId, hash: item.hash, manifestVersion: manifest.version,
    startedAt: new Date(Date.now() - 60_000 + i * 1000).toISOString(), endedAt: new Date(Date.now() - 59_500 + i * 1000).toISOString(), completed: true,
  }));
  const clerk = await signIn(app, TEST_ADMIN.username, TEST_ADMIN.password);
  const mediaId = app.crier.catalogue.read().media[0]!.id;
  const slogan = (headline: string) => app.inject({ method: 'POST', url: '/api/v1/media/slogans', payload: { slogan: { headline, theme: 'alert' } } });
  // 100 items: a change is one journal line, and a line shorter than the free end of the journal's last
  // page is written even on a full disk (and rightly kept); this one needs new pages, so it meets ENOSPC.
  const playlist = (name: string) => app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name, items: Array.from({ length: 100 }, () => ({ mediaId, durationMs: 5000 })) } });
  const health = async () => JSON.parse((await app.inject('/healthz')).body) as { disk: { isFull: boolean; freeBytes: number } | null };
  t.equal((await health()).disk?.isFull, false, 'room to begin with');

  const filler = path.join(disk, 'filler');
  // A little room kept aside, freed below: enough to write a slogan's preview but not to store it too.
  const pad = path.join(disk, 'pad');
  await writeFile(pad, Buffer.alloc(PAD_BYTES));
  await fillDisk(filler);

  const full = [
    ['an upload', await upload(app, { name: 'poster.png', data: await png(800, 600) })],
    ['a slogan', await slogan('磁盘满时的标语')],
    ['a new playlist', await playlist('磁盘满时的列表')],
  ] as const;
  for (const [what, res] of full) {
    const { status, body } = 'status' in res ? res : { status: res.statusCode, body: JSON.parse(res.body) };
    t.equal(status, 507, `${what}: 507`);
    t.match(body, { reason: 'disk-full', message: /^服务器磁盘已满.* \/ the server's disk is full/ }, `${what}: named, Chinese then English`);
  }
  t.same(await readdir(path.join(disk, 'data', 'tmp')), [], 'no temp file left behind in tmp/');
  await rm(pad);
  const almost = await slogan('磁盘将满时的标语');
  t.equal(almost.statusCode, 507, `almost full, a slogan's preview fits in tmp/ but not in the library: 507 (${almost.body})`);
  t.same(await readdir(path.join(disk, 'data', 'tmp')), [], 'and its preview is not left in tmp/');
  await fillDisk(path.join(disk, 'filler-2'));
  t.notOk(app.crier.catalogue.read().playlists.some((p) => p.name === '磁盘满时的列表'), 'the refused playlist is not half there');

  // A player's plays: not acknowledged while the disk is full (the player keeps them), named as disk-full.
  player.send({ type: 'plays', records: plays });
  t.equal((await player.next('error', 10_000)).reason, 'disk-full', 'plays sent to a full disk: the player is told why');
  t.notOk(player.received.some((m) => m.type === 'plays-ack'), 'and nothing is acknowledged (the player keeps them)');

  const login = await injectRaw(app)({ method: 'POST', url: '/api/v1/auth/login', payload: TEST_ADMIN });
  t.equal(login.statusCode, 200, `sign-in still works: ${login.body}`);
  const fresh = login.cookies.find((c) => c.name === 'crier_session');
  t.equal((await injectRaw(app)({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `crier_session=${fresh?.value}` } })).statusCode, 200, 'and its session reads');
  sessionTimeMs += 5 * 60_000;
  const me = await injectRaw(app)({ method: 'GET', url: '/api/v1/auth/me', headers: clerk });
  t.equal(me.statusCode, 200, 'an existing session still reads, although its touch cannot be written');
  await sleep(DISK_STATE_MAX_AGE_MS + 100); // /healthz asks the disk at most every two seconds
  t.equal((await health()).disk?.isFull, true, '/healthz says the disk is full');

  await rm(filler);
  await rm(path.join(disk, 'filler-2'));
  await sleep(DISK_STATE_MAX_AGE_MS + 100);
  t.equal((await health()).disk?.isFull, false, 'space is back, and /healthz says so');
  player.send({ type: 'plays', records: plays });
  t.same((await player.next('plays-ack', 10_000)).ids.sort(), plays.map((p) => p.id).sort(), 'the resent plays are stored and acknowledged');
  t.equal(await app.crier.airingLog.countPlays({ screenId: undefined }), plays.length, 'each once');
  t.equal((await slogan('空间恢复后的标语')).statusCode, 201, 'a slogan works again');
  t.equal((await playlist('空间恢复后的列表')).statusCode, 201, 'a playlist works again');
  t.equal((await upload(app, { name: 'poster.png', data: await png(800, 600) })).status, 201, 'an upload works again');
  await app.close();
  // The next start reads what the full disk left: no torn line of the refused change before the later ones.
  const reopened = (await createCatalogueStore(path.join(disk, 'data'))).read().playlists.map((p) => p.name);
  t.ok(reopened.includes('空间恢复后的列表') && !reopened.includes('磁盘满时的列表'), 'the stored catalogue opens again, with the later playlist and without the refused one');
});
