// The large answers go compressed when the client asks (Accept-Encoding), and only then: the as-run
// log and both export formats, read over real HTTP and decompressed, are byte for byte what an
// uncompressed answer says; pages, the player and media are served as before (no encoding, same CSP).
import http from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import t from 'tap';
import { adminHeaders, startTestServer, testPlayRecord } from '../helper.js';

const at = '2026-01-01T00:00:00.000Z';

/** A GET over a real socket: status, headers and the raw bytes as sent (node:http decompresses nothing). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) })).on('error', reject);
    }).on('error', reject);
  });
}

const decode = { br: brotliDecompressSync, gzip: gunzipSync, deflate: inflateSync } as const;
/**
 * An export's header line and a report's "generated" line say when they were made (the two requests may fall in
 * different seconds: CI once saw 01:47:36 and 01:47:37): equal but for that.
 */
const withoutExportTime = (text: string) =>
  text.replace(/"exportedAt":"[^"]+"/, '"exportedAt":null').replace(/("生成时间 Generated",)"[^"]+"/, '$1""');

t.test('as-run log and exports: compressed as Accept-Encoding asks, the same answer once decompressed; none without it', async (t) => {
  const { app, baseUrl } = await startTestServer(t);
  await app.crier.catalogue.update((draft) => {
    draft.screens.push({ id: 'scr-mall', name: '万达广场', isProvisional: false, township: '城关镇', groups: [], createdAt: at });
  });
  // A day gone by: today's as-run log and reports change as the clock passes planned items, between one request and the next.
  const day = '2026-01-10';
  const start = Date.parse('2026-01-10T02:00:00Z');
  await app.crier.airingLog.recordPlays('scr-mall', false, Array.from({ length: 60 }, (_, i) => testPlayRecord(start + i * 10_000)));
  await app.crier.airingLog.flush();
  const session = await adminHeaders(app);
  const urls = {
    'as-run': `${baseUrl}/api/v1/proof/as-run?screenId=scr-mall&day=${day}`,
    'export (JSON Lines)': `${baseUrl}/api/v1/proof/export?from=${day}&to=${day}`,
    'export (OPRS CSV)': `${baseUrl}/api/v1/proof/export?from=${day}&to=${day}&format=oprs`,
    'proof report': `${baseUrl}/api/v1/reports/proof?screenId=scr-mall&day=${day}`,
    'proof report (CSV)': `${baseUrl}/api/v1/reports/proof/csv?screenId=scr-mall&day=${day}`,
  };
  for (const [name, url] of Object.entries(urls)) {
    const plain = await get(url, session);
    t.equal(plain.status, 200, `${name}: ${plain.bytes.toString().slice(0, 200)}`);
    t.equal(plain.headers['content-encoding'], undefined, `${name}: not compressed when the client does not ask`);
    const text = withoutExportTime(plain.bytes.toString());
    for (const encoding of ['br', 'gzip', 'deflate'] as const) {
      const packed = await get(url, { ...session, 'accept-encoding': encoding });
      t.equal(packed.headers['content-encoding'], encoding, `${name}: ${encoding} when asked for it`);
      t.match(packed.headers.vary, /accept-encoding/i, `${name}: caches told the answer varies with Accept-Encoding`);
      t.equal(withoutExportTime(decode[encoding](packed.bytes).toString()), text, `${name}: ${encoding}, decompressed, is the same answer`);
      t.ok(packed.bytes.length * 4 < plain.bytes.length, `${name}: ${encoding} ${packed.bytes.length} bytes against ${plain.bytes.length}`);
    }
    const refused = await get(url, { ...session, 'accept-encoding': 'br', 'x-no-compression': '1' });
    t.equal(refused.headers['content-encoding'], undefined, `${name}: x-no-compression sends it plain`);
  }
  const pdf = await get(`${baseUrl}/api/v1/reports/proof/pdf?screenId=scr-mall&day=${day}`, { ...session, 'accept-encoding': 'br, gzip' });
  t.equal(pdf.headers['content-type'], 'application/pdf', 'the proof report as PDF');
  t.equal(pdf.headers['content-encoding'], undefined, 'a PDF (already compressed) is sent as it is');
  t.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
});

t.test('pages, the player bundle and media are served as before: no encoding, the same security headers', async (t) => {
  const { app, baseUrl } = await startTestServer(t);
  const session = await adminHeaders(app);
  const poster = app.crier.catalogue.read().media.find((m) => m.kind === 'image')!;
  const paths = ['/console', '/player', '/healthz', `/api/v1/media/${poster.id}`];
  for (const path of paths) {
    const plain = await get(`${baseUrl}${path}`, session);
    const asked = await get(`${baseUrl}${path}`, { ...session, 'accept-encoding': 'br, gzip' });
    t.equal(asked.status, plain.status, `${path}: ${plain.status}`);
    t.equal(asked.headers['content-encoding'], undefined, `${path}: not compressed`);
    t.equal(asked.headers['content-security-policy'], plain.headers['content-security-policy'], `${path}: the same CSP`);
    t.same(asked.bytes, plain.bytes, `${path}: the same bytes`);
  }
});
