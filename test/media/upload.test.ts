import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import t from 'tap';
import { buildTestApp } from '../helper.js';
import { ffmpeg, form, jpeg, listTree, png, pngClaiming, upload, zip } from './fixtures/files.js';

type Rendition = { role: string; profile?: string; fileName: string; mime: string; width?: number; height?: number };

t.test('a phone photo becomes upright, metadata-free renditions for every profile, never upscaled', async (t) => {
  const app = await buildTestApp(t, { ledSizes: [{ width: 512, height: 128 }] });
  // 2400×1200 stored sideways: EXIF orientation 6 means the camera was turned.
  const photo = await jpeg(2400, 1200, (s) => s.withMetadata({ orientation: 6 }).withExif({ IFD0: { Copyright: 'secret-gps-owner' } }));
  const { status, body } = await upload(app, { name: '海报照片.jpg', data: photo }, { tags: ['刷单', '网贷'], title: '刷单海报' });
  t.equal(status, 201);
  t.match(body, { kind: 'image', status: 'ready', title: '刷单海报', tags: ['刷单', '网贷'], file: { mime: 'image/jpeg', width: 1200, height: 2400, fileName: '海报照片.jpg' } });
  const renditions = body.renditions as Rendition[];
  const profiles = new Set(renditions.filter((r) => r.role === 'display').map((r) => r.profile));
  t.same([...profiles].sort(), ['1080x1920', '1920x1080', '3840x2160', '512x128']);
  for (const r of renditions) {
    const res = await app.inject(`/media/${r.fileName}`);
    t.equal(res.statusCode, 200, r.fileName);
    t.match(res.headers['cache-control'], /immutable/);
    const meta = await sharp(res.rawPayload).metadata();
    t.equal(meta.format, { 'image/webp': 'webp', 'image/jpeg': 'jpeg' }[r.mime], `${r.role} ${r.profile} is ${r.mime}`);
    t.notOk(meta.exif, 'no EXIF left');
    t.notOk(meta.orientation && meta.orientation !== 1, 'no orientation flag left');
    t.ok(meta.height! >= meta.width!, 'upright (portrait)');
    t.ok(meta.height! <= 2400, 'never larger than the original');
    t.notOk(res.rawPayload.includes(Buffer.from('secret-gps-owner')), 'EXIF text gone');
  }
  const fourK = renditions.find((r) => r.role === 'display' && r.profile === '3840x2160')!;
  t.same([fourK.width, fourK.height], [1080, 2160]);
  const portrait = renditions.find((r) => r.role === 'display' && r.profile === '1080x1920')!;
  t.same([portrait.width, portrait.height], [960, 1920]);
  const thumb = renditions.find((r) => r.role === 'thumbnail')!;
  t.ok(thumb.width! <= 320 && thumb.height! <= 320);

  const again = await upload(app, { name: 'copy.jpg', data: photo });
  t.equal(again.status, 200, 'same bytes twice: the existing item');
  t.equal(again.body.id, body.id);
  t.equal(app.crier.catalogue.read().media.filter((m) => m.hash === body.hash).length, 1);
});

t.test('type by content: a PNG named .mp4 is an image; small images are never upscaled', async (t) => {
  const app = await buildTestApp(t, { ledSizes: [] });
  const { status, body } = await upload(app, { name: 'video.mp4', data: await png(300, 200) });
  t.equal(status, 201);
  t.match(body, { kind: 'image', file: { mime: 'image/png', width: 300, height: 200 } });
  for (const r of (body.renditions as Rendition[]).filter((r) => r.role === 'display')) t.same([r.width, r.height], [300, 200]);
  t.equal(new Set((body.renditions as Rendition[]).filter((r) => r.role === 'display').map((r) => r.fileName)).size, 1, 'one file shared by every profile');
});

t.test('an SVG is rasterized and never served as SVG; its script runs nowhere', async (t) => {
  let hits = 0;
  const trap = createServer((_req, res) => (hits++, res.end('x')));
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  t.teardown(() => trap.close());
  const port = (trap.address() as { port: number }).port;
  const app = await buildTestApp(t);
  const svg = `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="200">
    <script>fetch('http://127.0.0.1:${port}/script')</script>
    <rect width="400" height="200" fill="#d22420" onload="fetch('http://127.0.0.1:${port}/onload')"/>
    <image href="http://127.0.0.1:${port}/image.png" width="10" height="10"/></svg>`;
  const { status, body } = await upload(app, { name: 'slogan.svg', data: Buffer.from(svg) });
  t.equal(status, 201);
  t.match(body, { kind: 'image', file: { mime: 'image/svg+xml' } });
  const display = (body.renditions as Rendition[]).find((r) => r.role === 'display' && r.profile === '1920x1080')!;
  t.equal(display.mime, 'image/webp');
  t.ok(display.width! >= 1900, 'a drawing is rasterized at screen size, not at its nominal 400 px');
  t.notOk((body.renditions as Rendition[]).some((r) => /svg/.test(r.mime) || r.fileName.endsWith('.svg')));
  t.notOk((await listTree(app.crier.mediaStore.dir)).some((f) => f.includes('.svg')), 'nothing SVG in the served folder');
  t.equal((await app.inject(`/media/${body.hash}.svg`)).statusCode, 404);
  const pixel = await sharp((await app.inject(`/media/${display.fileName}`)).rawPayload).extract({ left: 5, top: 5, width: 1, height: 1 }).raw().toBuffer();
  t.ok(pixel[0]! > 180 && pixel[1]! < 80, 'the drawing itself is there (red)');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(hits, 0, 'no script, handler or external reference was fetched');
  const manifest = app.crier.publisher.manifestFor('any');
  t.notOk(manifest!.items.some((i) => i.url?.endsWith('.svg')));
});

t.test('bad files get their documented status and leave the data directory as it was', async (t) => {
  const dir = t.testdir();
  const app = await buildTestApp(t, { dataDir: dir, maxImageBytes: 40_000, maxVideoMs: 1000 });
  const work = await mkdtemp(path.join(os.tmpdir(), 'crier-test-'));
  t.teardown(() => rm(work, { recursive: true, force: true }));
  const goodJpeg = await jpeg(400, 300);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', path.join(work, 'long.mp4')]);
  const longVideo = await readFile(path.join(work, 'long.mp4'));
  const svgBomb = Buffer.from('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;</text></svg>');
  const cases: Array<[string, Buffer, number, string]> = [
    ['truncated.jpg', goodJpeg.subarray(0, Math.floor(goodJpeg.length / 2)), 422, 'corrupt-file'],
    ['archive.zip', zip('poster.jpg', goodJpeg), 415, 'unsupported-type'],
    ['empty.jpg', Buffer.alloc(0), 422, 'empty-file'],
    ['bomb.png', pngClaiming(30_000, 30_000), 422, 'too-many-pixels'],
    ['big.jpg', await jpeg(800, 600), 413, 'too-large'],
    ['long.mp4', longVideo, 413, 'too-long'],
    ['notes.txt', Buffer.from('这不是图片 just text\n'.repeat(50)), 415, 'unsupported-type'],
    ['fake.mp4', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(5000, 7)]), 422, 'corrupt-file'],
    ['entities.svg', svgBomb, 422, 'unsafe-svg'],
  ];
  t.ok((await jpeg(800, 600)).length > 40_000, 'the over-limit file is over the limit');
  const before = await listTree(dir);
  const catalogueBefore = JSON.stringify(app.crier.catalogue.read());
  for (const [name, data, status, reason] of cases) {
    const res = await upload(app, { name, data });
    t.equal(res.status, status, `${name} → ${status}`);
    t.equal(res.body.reason, reason, `${name}: ${res.body.message}`);
    t.match(res.body.message, /[\u4e00-\u9fff].* \/ [A-Za-z]/, 'Chinese, then English');
    t.same(await listTree(dir), before, `${name} left nothing behind`);
  }
  t.match((await upload(app, { name: 'big.jpg', data: await jpeg(800, 600) })).body.message, /最大 0 MB|最大 0\.\d MB/);
  t.match((await upload(app, { name: 'long.mp4', data: longVideo })).body.message, /2 秒.*1 秒|2 s, the limit is 1 s/);
  t.equal(JSON.stringify(app.crier.catalogue.read()), catalogueBefore, 'catalogue unchanged');
});

t.test('upload requests without a file or with bad fields are refused', async (t) => {
  const app = await buildTestApp(t);
  const noFile = await app.inject({ method: 'POST', url: '/api/v1/media', ...form(null, { title: 'x' }) });
  t.equal(noFile.statusCode, 400);
  t.equal(JSON.parse(noFile.body).reason, 'file-required');
  const badTag = await upload(app, { name: 'a.png', data: await png(20, 20) }, { tags: '彩票' });
  t.equal(badTag.status, 400);
  const badWindow = await upload(app, { name: 'a.png', data: await png(20, 20) }, { validFrom: '2026-02-01T00:00:00+08:00', validTo: '2026-01-01T00:00:00+08:00' });
  t.equal(badWindow.status, 400);
  t.match(badWindow.body.message, /validTo/);
  const json = await app.inject({ method: 'POST', url: '/api/v1/media', payload: { a: 1 } });
  t.equal(json.statusCode, 415);
  t.same(await listTree(path.join(app.crier.mediaStore.dir, '..', 'tmp')), [], 'no temp files left');
});
