import { randomUUID } from 'node:crypto';
import t from 'tap';
import { buildTestApp } from '../helper.js';

const json = (res: { body: string }) => JSON.parse(res.body);

t.test('health, pages and docs answer', async (t) => {
  const app = await buildTestApp(t);
  const health = await app.inject('/healthz');
  t.equal(health.statusCode, 200);
  t.match(json(health), { status: 'ok', timeZone: 'Asia/Shanghai', mediaTools: { ffmpeg: /^ffmpeg version /, ffprobe: /^ffprobe version / } });
  for (const url of ['/player', '/console']) {
    const res = await app.inject(url);
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-type'], /text\/html/);
  }
  const spec = json(await app.inject('/docs/json'));
  t.ok(spec.paths['/api/v1/playlists'], 'OpenAPI lists the playlists API');
  t.ok(spec.paths['/api/v1/plays'].get.parameters.some((p: { name: string }) => p.name === 'screenId'), 'and the plays filters');
  t.equal((await app.inject('/docs')).statusCode < 400, true);
  t.equal((await app.inject('/fonts/noto-sans-sc/700.css')).statusCode, 200, 'the font is served by us');
  t.equal((await app.inject('/nope')).statusCode, 404);
});

t.test('a fresh data directory gets the embedded default campaign', async (t) => {
  const app = await buildTestApp(t);
  const media = json(await app.inject('/api/v1/media')) as { kind: string; tags: string[]; id: string }[];
  const count = (kind: string) => media.filter((m) => m.kind === kind).length;
  t.ok(count('text') >= 8, 'at least 8 slogans');
  t.ok(count('image') >= 2, 'at least 2 posters');
  t.ok(count('video') >= 1 && count('audio') >= 1, 'a video and an audio clip');
  const tags = new Set(media.flatMap((m) => m.tags));
  for (const tag of ['网贷', '投资博彩', '刷单', '网购退赔', '冒充领导/熟人']) t.ok(tags.has(tag), `covers ${tag}`);
  const playlists = json(await app.inject('/api/v1/playlists'));
  t.equal(playlists.length, 1);
  t.equal(app.crier.catalogue.read().defaultPlaylistId, playlists[0].id);
  const usedMedia = new Set(playlists[0].items.map((i: { mediaId: string }) => i.mediaId));
  t.equal(usedMedia.size, media.length, 'the loop uses every campaign item');
});

t.test('campaign media is served immutable with Range support', async (t) => {
  const app = await buildTestApp(t);
  const video = (json(await app.inject('/api/v1/media')) as { kind: string; hash: string; file: { bytes: number } }[]).find((m) => m.kind === 'video')!;
  const url = `/media/${video.hash}.mp4`;
  const full = await app.inject(url);
  t.equal(full.statusCode, 200);
  t.match(full.headers['cache-control'], /immutable/);
  t.equal(Number(full.headers['content-length']), video.file.bytes);
  const part = await app.inject({ url, headers: { range: 'bytes=0-99' } });
  t.equal(part.statusCode, 206);
  t.equal(part.rawPayload.length, 100);
  t.equal((await app.inject({ url, headers: { range: `bytes=${video.file.bytes + 10}-` } })).statusCode, 416);
});

t.test('restart keeps the catalogue and does not seed twice', async (t) => {
  const dir = t.testdir();
  const first = await buildTestApp(t, { dataDir: dir });
  const mediaId = first.crier.catalogue.read().media[0]!.id;
  const made = await first.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '重启之前', items: [{ mediaId, durationMs: 5000 }] } });
  t.equal(made.statusCode, 201);
  const before = first.crier.catalogue.read();
  await first.close();
  const second = await buildTestApp(t, { dataDir: dir });
  t.equal(second.crier.catalogue.read().media.length, before.media.length, 'no second seeding');
  t.same(second.crier.catalogue.read().playlists.map((p) => p.name).sort(), before.playlists.map((p) => p.name).sort());
  t.ok(second.crier.catalogue.read().playlists.some((p) => p.name === '重启之前'), 'the playlist made before the restart is there');
});

t.test('playlists: create, get, update, delete', async (t) => {
  const app = await buildTestApp(t);
  const [a, b] = json(await app.inject('/api/v1/media')) as { id: string }[];
  const created = await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '商场循环', items: [{ mediaId: a!.id, durationMs: 5000 }, { mediaId: b!.id, durationMs: 6000 }] } });
  t.equal(created.statusCode, 201);
  const pl = json(created);
  t.match(pl, { name: '商场循环', description: '', items: [{ mediaId: a!.id, durationMs: 5000 }, { mediaId: b!.id }] });
  t.equal(new Set(pl.items.map((i: { id: string }) => i.id)).size, 2, 'items get their own ids');
  t.same(json(await app.inject(`/api/v1/playlists/${pl.id}`)), pl);

  const updated = await app.inject({ method: 'PUT', url: `/api/v1/playlists/${pl.id}`, payload: { name: '商场循环（新）', items: [{ id: pl.items[1].id, mediaId: b!.id, durationMs: 7000 }] } });
  t.equal(updated.statusCode, 200);
  t.match(json(updated), { name: '商场循环（新）', items: [{ id: pl.items[1].id, durationMs: 7000 }] });

  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/playlists/${pl.id}` })).statusCode, 204);
  t.equal((await app.inject(`/api/v1/playlists/${pl.id}`)).statusCode, 404);
});

t.test('playlists: bad input is refused with a clear error and changes nothing', async (t) => {
  const app = await buildTestApp(t);
  const mediaId = (json(await app.inject('/api/v1/media')) as { id: string; kind: string }[]).find((m) => m.kind === 'text')!.id;
  const snapshot = JSON.stringify(app.crier.catalogue.read());
  const cases: [unknown, number, RegExp][] = [
    [{ name: '', items: [{ mediaId, durationMs: 5000 }] }, 400, /name/],
    [{ name: 'x', items: [] }, 400, /至少需要一个节目|at least one item/],
    [{ name: 'x', items: [{ mediaId: 'nope', durationMs: 5000 }] }, 422, /unknown media nope/],
    [{ name: 'x', items: [{ mediaId }] }, 422, /needs durationMs/],
    [{ name: 'x', items: [{ mediaId, durationMs: 10 }] }, 400, /durationMs/],
    [{ name: 'x', items: [{ mediaId: '../../etc', durationMs: 5000 }] }, 400, /mediaId/],
    ['not json at all', 400, /.+/],
  ];
  for (const [payload, status, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: payload as object, headers: { 'content-type': 'application/json' } });
    t.equal(res.statusCode, status, JSON.stringify(payload));
    t.match(json(res).message, message);
    t.type(json(res).reason, 'string');
  }
  const defaultId = app.crier.catalogue.read().defaultPlaylistId!;
  const del = await app.inject({ method: 'DELETE', url: `/api/v1/playlists/${defaultId}` });
  t.equal(del.statusCode, 409);
  t.equal(json(del).reason, 'default-playlist');
  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/playlists/missing', payload: { name: 'x', items: [{ mediaId, durationMs: 5000 }] } })).statusCode, 404);
  t.equal(JSON.stringify(app.crier.catalogue.read()), snapshot, 'catalogue unchanged');
});

t.test('schedules: a scheduled playlist cannot be deleted without force', async (t) => {
  const app = await buildTestApp(t);
  const mediaId = (json(await app.inject('/api/v1/media')) as { id: string }[])[0]!.id;
  const pl = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: 'p', items: [{ mediaId, durationMs: 5000 }] } }));
  const sch = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.id, target: { kind: 'all' }, priority: 5 } });
  t.equal(sch.statusCode, 201);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: 'nope', target: { kind: 'all' } } })).statusCode, 422);
  const unknownTarget = await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.id, target: { kind: 'screens', screenIds: ['ghost'] } } });
  t.equal(unknownTarget.statusCode, 422);
  t.equal(json(unknownTarget).reason, 'unknown-target');
  const refused = await app.inject({ method: 'DELETE', url: `/api/v1/playlists/${pl.id}` });
  t.equal(refused.statusCode, 409);
  t.equal(json(refused).reason, 'playlist-scheduled');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/playlists/${pl.id}?force=true` })).statusCode, 204);
  t.same(json(await app.inject('/api/v1/schedules')), [], 'its schedule entries went with it');
});

t.test('plays: filtered by screen and time range, with bad filters refused', async (t) => {
  const app = await buildTestApp(t);
  const record = (startedAt: string) => ({
    id: randomUUID(), itemId: 'i', mediaId: 'm', hash: 'a'.repeat(64), manifestVersion: 'v',
    startedAt, endedAt: new Date(Date.parse(startedAt) + 5000).toISOString(), completed: true,
  });
  await app.crier.airingLog.recordPlays('scr-a', false, [record('2026-01-10T00:00:00.000Z'), record('2026-01-11T00:00:00.000Z')]);
  await app.crier.airingLog.recordPlays('scr-b', false, [record('2026-01-10T12:00:00.000Z')]);
  const all = json(await app.inject('/api/v1/plays'));
  t.equal(all.total, 3);
  const a = json(await app.inject('/api/v1/plays?screenId=scr-a'));
  t.same(a.records.map((r: { startedAt: string }) => r.startedAt), ['2026-01-11T00:00:00.000Z', '2026-01-10T00:00:00.000Z']);
  const ranged = json(await app.inject(`/api/v1/plays?from=${encodeURIComponent('2026-01-10T08:00:00+08:00')}&to=${encodeURIComponent('2026-01-11T08:00:00+08:00')}`));
  t.same(ranged.records.map((r: { screenId: string }) => r.screenId).sort(), ['scr-a', 'scr-b'], 'a Shanghai calendar day');
  for (const q of ['from=yesterday', 'limit=0', 'limit=5000', 'from=2026-01-11T00:00:00Z&to=2026-01-10T00:00:00Z', 'screenId=a%20b']) {
    const res = await app.inject(`/api/v1/plays?${q}`);
    t.equal(res.statusCode, 400, q);
    t.equal(json(res).reason, 'invalid-request');
  }
});

t.test('screens: unknown ids answer 404; bad commands 400', async (t) => {
  const app = await buildTestApp(t);
  t.same(json(await app.inject('/api/v1/screens')), []);
  t.equal((await app.inject('/api/v1/screens/ghost')).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/screens/ghost/commands', payload: { command: 'reload' } })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/screens/ghost/commands', payload: { command: 'format-disk' } })).statusCode, 400);
});
