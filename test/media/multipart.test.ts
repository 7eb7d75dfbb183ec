// Malformed multipart is the client's fault (issue 13.6): 400 malformed-multipart, nothing left on
// disk, nothing at error level in the log.
import path from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { buildTestApp } from '../helper.js';
import { form, listTree, png } from './fixtures/files.js';

t.test('missing or wrong boundary, a truncated body, a 2,000-character boundary: 400, nothing stored, the log quiet', async (t) => {
  const lines: { level: number; msg: string }[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l))));
  const app = await buildTestApp(t, { logLevel: 'info' }, { logger: true, logStream: stream });
  const dataDir = path.dirname(app.crier.mediaStore.dir);
  const before = await listTree(dataDir);
  const mediaBefore = app.crier.catalogue.read().media.length;
  const image = await png(800, 600);
  const good = form({ name: 'poster.png', data: image, type: 'image/png' });
  const body = good.payload.toString('latin1');
  const boundary = good.headers['content-type'].split('boundary=')[1]!;
  const long = 'b'.repeat(2000);
  const cases: { name: string; contentType: string; payload: Buffer }[] = [
    { name: 'no boundary', contentType: 'multipart/form-data', payload: good.payload },
    { name: 'wrong boundary', contentType: 'multipart/form-data; boundary=not-the-one', payload: good.payload },
    { name: 'cut in the headers', contentType: good.headers['content-type'], payload: good.payload.subarray(0, 60) },
    { name: 'cut in the file', contentType: good.headers['content-type'], payload: good.payload.subarray(0, Math.floor(good.payload.length / 2)) },
    { name: '2,000-character boundary', contentType: `multipart/form-data; boundary=${long}`, payload: Buffer.from(body.replaceAll(boundary, long), 'latin1') },
  ];
  for (const c of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/media', headers: { 'content-type': c.contentType }, payload: c.payload });
    t.equal(res.statusCode, 400, c.name);
    t.match(JSON.parse(res.body), { reason: 'malformed-multipart', message: /^上传内容不是有效的 multipart\/form-data \/ malformed multipart/ }, c.name);
  }
  t.equal(app.crier.catalogue.read().media.length, mediaBefore, 'no media item');
  t.same((await listTree(dataDir)).filter((f) => !f.startsWith('catalogue') && !/sqlite3/.test(f)), before.filter((f) => !f.startsWith('catalogue') && !/sqlite3/.test(f)), 'no file left behind');
  t.same(lines.filter((l) => l.level >= 50), [], 'no error-level line (no stack trace per bad body)');

  for (const name of ['__proto__', 'constructor']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/media', ...form({ name: 'poster.png', data: image, type: 'image/png' }, Object.fromEntries([[name, 'x']]) as Record<string, string>) });
    t.equal(res.statusCode, 400, `a "${name}" field is refused (by @fastify/multipart), never a server fault`);
  }
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/media', ...good })).statusCode, 201, 'a well-formed upload still works');
});
