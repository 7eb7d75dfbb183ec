// A client written from docs/protocol.md alone (issue 13.11): raw JSON frames as the document shows
// them, no import of player/protocol.ts. Each edge case the document decides is checked here.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import WebSocket from 'ws';
import { signIn, startTestServer, TEST_ADMIN } from '../helper.js';

type Frame = { type: string; [k: string]: unknown };

/** A bare client: sends JSON text, collects frames, waits for one of a type. */
async function client(url: string) {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  const waiters: { type: string; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as Frame;
    const i = waiters.findIndex((w) => w.type === f.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(f);
    else frames.push(f);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((r) => ws.once('open', r));
  return {
    ws,
    closed,
    send: (f: unknown) => ws.send(JSON.stringify(f)),
    next: (type: string) =>
      new Promise<Frame>((resolve, reject) => {
        const i = frames.findIndex((f) => f.type === type);
        if (i >= 0) return resolve(frames.splice(i, 1)[0]!);
        // Cleared once the frame came: a pending timer would hold the test process open until it fired.
        const timer = setTimeout(() => reject(new Error(`no ${type}`)), 4000);
        waiters.push({ type, resolve: (f: Frame) => (clearTimeout(timer), resolve(f)) });
      }),
  };
}

// The hello of the document's table: protocol 1, optional screenId and token, the rest as listed.
const hello = (extra: Record<string, unknown> = {}) => ({
  type: 'hello', protocol: 1, playerVersion: 'doc-client', mode: 'screen', capabilities: ['text', 'image'],
  screen: { width: 1920, height: 1080, pixelRatio: 1 }, manifestVersion: null, ...extra,
});

t.test('protocol.md, edge cases', async (t) => {
  const { app, baseUrl, wsUrl } = await startTestServer(t);

  await t.test('a hello with an unknown screen id is welcomed under that id', async (t) => {
    const c = await client(wsUrl);
    c.send(hello({ screenId: 'restored-screen-7' }));
    t.match(await c.next('welcome'), { screenId: 'restored-screen-7', isProvisional: true });
    c.ws.close();
  });

  await t.test('protocol: another number is 4001; missing or "1" is invalid-message and the connection stays', async (t) => {
    const other = await client(wsUrl);
    other.send(hello({ protocol: 2 }));
    t.match(await other.next('error'), { reason: 'unsupported-protocol' });
    t.equal(await other.closed, 4001);
    for (const protocol of [undefined, '1']) {
      const c = await client(wsUrl);
      c.send(hello({ protocol }));
      t.match(await c.next('error'), { reason: 'invalid-message' }, `protocol ${JSON.stringify(protocol)}`);
      c.send(hello());
      t.ok(await c.next('welcome'), 'a correct hello is still welcome');
      c.ws.close();
    }
  });

  const c = await client(wsUrl);
  c.send(hello());
  const welcome = await c.next('welcome');
  const { manifest } = (await c.next('manifest')) as unknown as { manifest: { version: string; items: { id: string; mediaId: string; hash: string }[] } };
  const item = manifest.items[0]!;
  const record = (startedAt: string, endedAt: string, extra: Record<string, unknown> = {}) => ({
    id: randomUUID(), itemId: item.id, mediaId: item.mediaId, hash: item.hash, manifestVersion: manifest.version, startedAt, endedAt, completed: true, ...extra,
  });
  const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

  await t.test('times are ISO 8601 strings with a zone; endedAt before startedAt refuses the whole batch', async (t) => {
    const offset = (msAgo: number) => new Date(Date.now() - msAgo + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    c.send({ type: 'plays', records: [record(offset(20_000), offset(12_000))] });
    t.equal(((await c.next('plays-ack')).ids as string[]).length, 1, 'an offset is fine');
    for (const [startedAt, endedAt] of [[Date.now() - 20_000, Date.now() - 12_000], [iso(20_000).replace('Z', ''), iso(12_000).replace('Z', '')], [iso(20_000).slice(0, 10), iso(12_000).slice(0, 10)]]) {
      c.send({ type: 'plays', records: [record(startedAt as string, endedAt as string)] });
      t.match(await c.next('error'), { reason: 'invalid-message' }, `${JSON.stringify(startedAt)} is refused`);
    }
    const good = record(iso(20_000), iso(12_000));
    c.send({ type: 'plays', records: [good, record(iso(10_000), iso(15_000))] });
    t.match(await c.next('error'), { reason: 'invalid-message', message: /endedAt/ });
    t.equal(await app.crier.airingLog.countPlays({ screenId: welcome.screenId as string }), 1, 'nothing of that batch stored');
  });

  await t.test('a resent id with different fields is acknowledged and keeps the first', async (t) => {
    const first = record(iso(40_000), iso(32_000));
    c.send({ type: 'plays', records: [first] });
    await c.next('plays-ack');
    c.send({ type: 'plays', records: [{ ...first, completed: false, endedAt: iso(35_000) }] });
    t.same((await c.next('plays-ack')).ids, [first.id]);
    const stored = (await app.crier.airingLog.listPlays({ screenId: welcome.screenId as string, limit: 10 })).find((p) => p.id === first.id)!;
    t.match(stored, { completed: true, endedAt: first.endedAt });
  });

  await t.test('a valid token with another screen\'s id is welcomed as the token\'s screen', async (t) => {
    const headers = await signIn(app, TEST_ADMIN.username, TEST_ADMIN.password);
    const claim = await fetch(`${baseUrl}/api/v1/screens/claim`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ code: welcome.pairingCode, name: '文档测试屏' }) });
    t.equal(claim.status, 200);
    const paired = await c.next('paired');
    const other = await client(wsUrl);
    other.send(hello({ screenId: 'restored-screen-7', token: paired.token }));
    t.match(await other.next('welcome'), { screenId: welcome.screenId, isProvisional: false, screenName: '文档测试屏' });
    other.ws.close();
  });
  c.ws.close();
});
