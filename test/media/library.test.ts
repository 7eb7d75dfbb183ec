import path from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { buildManifest } from '../../playlists/build-manifest.js';
import { adminHeaders, buildTestApp, helloPlayer, startTestServer } from '../helper.js';
import { form, jpeg, listTree, png, upload } from './fixtures/files.js';

const json = (res: { body: string }) => JSON.parse(res.body);
type Rendition = { role: string; profile?: string; fileName: string; mime: string };

t.test('slogans: headline, subline, theme and a ticker variant, with a CJK PNG preview', async (t) => {
  const app = await buildTestApp(t);
  const create = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/media/slogans', payload });
  const slide = await create({ slogan: { headline: '刷单返利就是诈骗', subline: '先垫付、再返利，都是骗局', theme: 'alert' }, tags: ['刷单'] });
  t.equal(slide.statusCode, 201);
  t.match(json(slide), { kind: 'text', status: 'ready', title: '刷单返利就是诈骗', slogan: { theme: 'alert' }, tags: ['刷单'] });
  const preview = (json(slide).renditions as Rendition[]).find((r) => r.role === 'preview')!;
  const res = await app.inject(`/media/${preview.fileName}`);
  t.equal(res.statusCode, 200);
  const stats = await sharp(res.rawPayload).stats();
  t.ok(stats.channels[0]!.max > 240 && stats.channels[1]!.max > 240, 'white text drawn on the red background');
  const ticker = await create({ slogan: { headline: '刷单返利就是诈骗', subline: '先垫付、再返利，都是骗局', theme: 'alert', variant: 'ticker' } });
  t.equal(ticker.statusCode, 201, 'a ticker is its own item');
  t.not(json(ticker).hash, json(slide).hash);
  const tickerPreview = (json(ticker).renditions as Rendition[]).find((r) => r.role === 'preview')!;
  const meta = await sharp((await app.inject(`/media/${tickerPreview.fileName}`)).rawPayload).metadata();
  t.ok(meta.width! / meta.height! >= 6, 'a strip-shaped preview');
  t.equal((await create({ slogan: { headline: '刷单返利就是诈骗', subline: '先垫付、再返利，都是骗局', theme: 'alert' } })).statusCode, 200, 'same words: the existing item');
  t.equal((await create({ slogan: { headline: '' } })).statusCode, 400);
  // Players get the words (and the variant) to draw as HTML.
  const pl = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: 't', items: [{ mediaId: json(ticker).id, durationMs: 8000 }] } }));
  await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.id, target: { kind: 'all' }, priority: 3 } });
  t.match(app.crier.publisher.manifestFor('x')!.items[0], { type: 'text', slogan: { headline: '刷单返利就是诈骗', variant: 'ticker' } });
  t.equal(app.crier.publisher.manifestFor('x')!.items[0]!.url, undefined);
});

t.test('manifests point at the rendition that fits the screen, and honour the validity window', async (t) => {
  const app = await buildTestApp(t, { ledSizes: [{ width: 512, height: 128 }] });
  const { body: poster } = await upload(app, { name: 'p.jpg', data: await jpeg(4000, 2250) }, {
    validFrom: '2026-01-10T00:00:00+08:00',
    validTo: '2026-03-31T23:59:59+08:00',
  });
  const pl = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: 'p', items: [{ mediaId: poster.id, durationMs: 5000 }] } }));
  await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.id, target: { kind: 'all' }, priority: 3 } });
  const catalogue = app.crier.catalogue.read();
  const byName = new Map((poster.renditions as Rendition[]).map((r) => [`/media/${r.fileName}`, r]));
  const during = new Date('2026-02-01T12:00:00+08:00');
  const pick = (display?: { width: number; height: number }) => {
    const item = buildManifest(catalogue, { id: 's', ...(display ? { display } : {}) }, during)!.items[0]!;
    return item.mediaId === poster.id ? byName.get(item.url!)!.profile : 'not airing';
  };
  t.equal(pick(), '1920x1080', 'default: the 1080p rendition');
  t.equal(pick({ width: 3840, height: 2160 }), '3840x2160');
  t.equal(pick({ width: 1080, height: 1920 }), '1080x1920');
  t.equal(pick({ width: 384, height: 96 }), '512x128', 'a small LED module gets the small rendition');
  const item = buildManifest(catalogue, { id: 's' }, during)!.items[0]!;
  t.equal(item.mime, 'image/webp');
  const fallback = byName.get(item.fallbackUrl!)!;
  t.match(fallback, { role: 'fallback', mime: 'image/jpeg', profile: '1920x1080' }, 'a JPEG of the same still for browsers without WebP');
  t.equal((await app.inject(item.fallbackUrl!)).headers['content-type'], 'image/jpeg');
  t.notOk(item.url!.includes(poster.hash), 'never the original');
  const before = buildManifest(catalogue, { id: 's' }, new Date('2026-01-09T12:00:00+08:00'))!;
  const after = buildManifest(catalogue, { id: 's' }, new Date('2026-04-01T00:00:00+08:00'))!;
  for (const m of [before, after]) {
    t.notOk(m.items.some((i) => i.mediaId === poster.id), 'outside its window it never airs');
    t.match(m.reason, /default-campaign/, 'the screen falls back to the default campaign rather than go stale');
  }
  const patched = await app.inject({ method: 'PATCH', url: `/api/v1/media/${poster.id}`, payload: { validFrom: null, validTo: null, title: '新标题' } });
  t.match(json(patched), { title: '新标题' });
  t.notOk('validFrom' in json(patched));
  t.equal((await app.inject({ method: 'PATCH', url: `/api/v1/media/${poster.id}`, payload: { validFrom: '2026-05-01T00:00:00Z', validTo: '2026-04-01T00:00:00Z' } })).statusCode, 400);
});

t.test('delete: 409 while used, force takes it out of playlists; files go when nothing references them', async (t) => {
  const app = await buildTestApp(t, { ledSizes: [] });
  // The same pixels in two PNG encodings: two originals, identical renditions shared by both items.
  const a = (await upload(app, { name: 'a.png', data: await png(200, 100, 9) })).body;
  const b = (await upload(app, { name: 'b.png', data: await png(200, 100, 1) })).body;
  t.not(a.hash, b.hash);
  const shared = (a.renditions as Rendition[]).map((r) => r.fileName).filter((f) => (b.renditions as Rendition[]).some((r) => r.fileName === f));
  t.ok(shared.length > 0, 'renditions are shared by content');
  const text = app.crier.catalogue.read().media.find((m) => m.kind === 'text')!;
  const pl = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: 'p', items: [{ mediaId: a.id, durationMs: 5000 }, { mediaId: text.id, durationMs: 5000 }] } }));

  const refused = await app.inject({ method: 'DELETE', url: `/api/v1/media/${a.id}` });
  t.equal(refused.statusCode, 409);
  t.match(json(refused), { reason: 'media-in-use', message: /播放列表.*\/ media is used by 1 playlist/ });
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/media/${a.id}?force=true` })).statusCode, 204);
  t.same(json(await app.inject(`/api/v1/playlists/${pl.id}`)).items.map((i: { mediaId: string }) => i.mediaId), [text.id], 'taken out of the playlist');
  const mediaDir = app.crier.mediaStore.dir;
  for (const f of shared) t.equal((await app.inject(`/media/${f}`)).statusCode, 200, 'still used by b');
  t.notOk((await listTree(path.join(mediaDir, '..', 'originals'))).some((f) => f.startsWith(a.hash)), "a's original is gone");

  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/media/${b.id}` })).statusCode, 204);
  for (const f of shared) t.equal((await app.inject(`/media/${f}`)).statusCode, 404, 'gone with its last user');
  t.same(await app.crier.media.orphans(), [], 'no orphan files');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/media/${b.id}` })).statusCode, 404);
  // The last item of a playlist cannot be forced out: a playlist is never empty.
  const only = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: 'solo', items: [{ mediaId: text.id, durationMs: 5000 }] } }));
  const emptied = await app.inject({ method: 'DELETE', url: `/api/v1/media/${text.id}?force=true` });
  t.equal(emptied.statusCode, 409);
  t.equal(json(emptied).reason, 'playlist-would-be-empty');
  t.ok(json(await app.inject(`/api/v1/playlists/${only.id}`)).items.length === 1);
});

t.test('over a real socket, an upload over the limit is cut short with 413 and leaves nothing', async (t) => {
  const { app, baseUrl } = await startTestServer(t, { maxImageBytes: 50_000 });
  const big = await jpeg(1600, 1200);
  t.ok(big.length > 200_000);
  const before = await listTree(path.join(app.crier.mediaStore.dir, '..'));
  const { payload, headers } = form({ name: 'big.jpg', data: big }, { title: '大图' });
  const res = await fetch(`${baseUrl}/api/v1/media`, { method: 'POST', body: payload, headers: { ...headers, ...(await adminHeaders(app)) } });
  t.equal(res.status, 413);
  t.match(await res.json(), { reason: 'too-large', message: /图片最大 0 MB|最大/ });
  const after = await listTree(path.join(app.crier.mediaStore.dir, '..'));
  t.same(after.filter((f) => !f.startsWith('catalogue.json') && !f.startsWith('airing')), before.filter((f) => !f.startsWith('catalogue.json') && !f.startsWith('airing')));
  t.equal((await fetch(`${baseUrl}/healthz`)).status, 200, 'the server carries on');
});

t.test('a connected player gets the still made for its own device pixels', async (t) => {
  const { app, wsUrl } = await startTestServer(t);
  const { body: poster } = await upload(app, { name: 'p.jpg', data: await jpeg(2400, 1350) });
  const pl = json(await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: 'p', items: [{ mediaId: poster.id, durationMs: 5000 }] } }));
  await app.inject({ method: 'POST', url: '/api/v1/schedules', payload: { playlistId: pl.id, target: { kind: 'all' }, priority: 3 } });
  const profileOf = (url: string) => (poster.renditions as Rendition[]).find((r) => `/media/${r.fileName}` === url)?.profile;
  // A portrait kiosk reporting 540×960 CSS pixels at ratio 2 is a 1080×1920 panel.
  const portrait = await helloPlayer(t, wsUrl, { screen: { width: 540, height: 960, pixelRatio: 2 } });
  const landscape = await helloPlayer(t, wsUrl, { screen: { width: 1920, height: 1080, pixelRatio: 1 } });
  t.equal(profileOf((await portrait.player.next('manifest')).manifest.items[0]!.url!), '1080x1920');
  t.equal(profileOf((await landscape.player.next('manifest')).manifest.items[0]!.url!), '1920x1080');
});
