// HTTP fuzz of every route (issue 13): bad bodies, parameters, queries and headers, sent as the county
// admin (so they pass the door and reach validation) to every route the app serves, plus malformed
// requests on a raw socket. No answer is a 5xx other than the intended 503/507, every refusal of an API
// route says why (reason + message) and changes nothing, and the server keeps serving.
import fc from 'fast-check';
import net from 'node:net';
import t from 'tap';
import { isMutating } from '../../server/auth/permissions.js';
import { startTestServer } from '../helper.js';
import { appRoutes, draw, figure, fillParams, HOSTILE_STRINGS, seed, size, stateOf } from './driver.js';

type Body = { payload?: string | Buffer; contentType?: string };
interface Case {
  param: string;
  query: Record<string, string | string[]>;
  body: Body;
  headers: Record<string, string>;
}

const hostile = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
/** A JSON value of a wrong type for whatever field it lands in. */
const wrongValue = fc.oneof(fc.constantFrom(null, true, -1, 1e308, -0, [], {}, '', [null], { __proto__: 1 }), hostile, fc.jsonValue({ maxDepth: 3 }));

function caseArbitrary(fields: string[]): fc.Arbitrary<Case> {
  const jsonBody = (value: fc.Arbitrary<unknown>) => value.map((v): Body => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' }));
  const body: fc.Arbitrary<Body> = fc.oneof(
    // The route's own fields with wrong values, or some of them missing.
    jsonBody(fields.length ? fc.dictionary(fc.constantFrom(...fields), wrongValue, { maxKeys: fields.length }) : fc.constant({})),
    jsonBody(fc.jsonValue({ maxDepth: 4 })),
    fc.constantFrom<Body>(
      {},
      { payload: '', contentType: 'application/json' },
      { payload: '{"a":', contentType: 'application/json' },
      { payload: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{}}}', contentType: 'application/json' },
      { payload: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', contentType: 'application/json' },
      { payload: `[${'['.repeat(5000)}${']'.repeat(5001)}`, contentType: 'application/json' },
      { payload: 'name=x&id=1', contentType: 'application/x-www-form-urlencoded' },
      { payload: '<xml/>', contentType: 'application/xml' },
      { payload: 'plain', contentType: 'text/plain' },
      { payload: '{"name":"x"}', contentType: 'application/json; charset=utf-16' },
      { payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc', contentType: 'multipart/form-data; boundary=x' },
      { payload: 'no boundary here', contentType: 'multipart/form-data' },
      { payload: '--y\r\n\r\n', contentType: `multipart/form-data; boundary=${'b'.repeat(2000)}` },
      { payload: Buffer.alloc(3 << 20, 0x7b), contentType: 'application/json' },
      { payload: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28]), contentType: 'application/json' },
    ),
  );
  const header = fc.constantFrom<Record<string, string>>(
    {},
    { accept: 'application/xml' },
    { 'accept-language': '\u0000'.repeat(10) },
    { 'x-forwarded-for': '1.2.3.4, <script>' },
    { 'if-none-match': '*'.repeat(500) },
    { range: 'bytes=999999999-1' },
    { 'content-encoding': 'gzip' },
    { cookie: 'crier_session=' },
  );
  return fc.record({ param: hostile, query: fc.dictionary(fc.oneof(fc.constantFrom('limit', 'from', 'to', 'screenId', 'township', 'day', 'week', 'format', 'q', '__proto__'), hostile), fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })), { maxKeys: 4 }), body, headers: header });
}

/** The request body fields the OpenAPI document lists for each operation, to aim wrong values at them. */
function bodyFields(spec: { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: object } }> } }>> }) {
  const fields = new Map<string, string[]>();
  for (const [p, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const props = Object.values(op.requestBody?.content ?? {})[0]?.schema?.properties ?? {};
      fields.set(`${method.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`, Object.keys(props));
    }
  }
  return fields;
}

const isIntended = (status: number) => status < 500 || status === 503 || status === 507;

t.test('fuzzed requests to every route: no 5xx, a reason for each refusal, nothing changed, still serving', async (t) => {
  const { app, baseUrl } = await startTestServer(t);
  // Signing out would end the admin session the fuzz runs in; it is walked in access.test.ts.
  const routes = (await appRoutes(app)).filter((r) => r.url !== '/api/v1/auth/logout');
  const fields = bodyFields(JSON.parse((await app.inject({ url: '/docs/json' })).body));
  const perRoute = size(3, 25);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let cases = 0;
  const began = Date.now();
  for (const [index, route] of routes.entries()) {
    const key = `${route.method} ${route.url}`;
    for (const c of draw(caseArbitrary(fields.get(key) ?? []), perRoute, index)) {
      const url = fillParams(route.url, () => c.param);
      const withBody = isMutating(route.method) && c.body.payload !== undefined;
      const before = await stateOf(app);
      const res = await app.inject({
        method: route.method as 'POST',
        url,
        query: c.query,
        headers: { ...c.headers, ...(withBody && c.body.contentType ? { 'content-type': c.body.contentType } : {}) },
        ...(withBody ? { payload: c.body.payload } : {}),
      });
      cases++;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const label = `${key} (${JSON.stringify({ ...c, body: { ...c.body, payload: String(c.body.payload ?? '').slice(0, 80) } }).slice(0, 300)}) → ${res.statusCode} ${res.body.slice(0, 200)}`;
      if (!isIntended(res.statusCode)) failures.push(`server error: ${label}`);
      if (res.statusCode >= 400) {
        if (route.url.startsWith('/api/') && res.headers['content-type']?.includes('json')) {
          const body = JSON.parse(res.body) as { reason?: unknown; message?: unknown };
          if (typeof body.reason !== 'string' || typeof body.message !== 'string') failures.push(`refusal without reason and message: ${label}`);
        }
        if ((await stateOf(app)) !== before) failures.push(`a refused request changed the stores: ${label}`);
      }
    }
  }
  t.same(failures.slice(0, 20), [], 'no 5xx, every refusal explained, nothing changed');

  // Malformed HTTP on a raw socket: answered 4xx or cut, never 5xx.
  const rawFailures: string[] = [];
  const { port } = new URL(baseUrl);
  const raw = [
    'GARBAGE\r\n\r\n',
    'GET /healthz HTTP/9.9\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHeader\r\n\r\n',
    `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}',
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    'GET /api/v1/\u0000screens HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /%%%%%% HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\n\r\n',
    'POST /api/v1/media HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=zz\r\nContent-Length: 100\r\n\r\n--zz\r\n',
  ];
  for (const request of raw) {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(request));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      socket.setTimeout(15_000, () => socket.destroy());
    });
    cases++;
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
    if (status && !isIntended(status)) rawFailures.push(`raw ${JSON.stringify(request.slice(0, 60))} → ${answer.slice(0, 120)}`);
  }
  t.same(rawFailures, [], 'malformed requests never answered 5xx');
  t.equal((await fetch(`${baseUrl}/healthz`)).status, 200, 'the server still answers');
  t.equal((await app.inject({ url: '/api/v1/screens' })).statusCode, 200, 'and still serves the admin');
  const spread = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  figure(t, `HTTP fuzz: ${cases} cases over ${routes.length} routes in ${((Date.now() - began) / 1000).toFixed(1)} s (seed ${seed}), ${failures.length + rawFailures.length} failures; answers ${spread}`);
});
