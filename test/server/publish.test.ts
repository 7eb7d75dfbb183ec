// Pushes at scale, with real WebSocket players: one serialisation per distinct manifest, the same bytes
// to every player that shares it, a township change only to that township, and a bounded queue for a
// player that does not read.
import type { Test } from 'tap';
import type { Socket } from 'node:net';
import t from 'tap';
import WebSocket, { WebSocketServer } from 'ws';
import { CAPABILITY_COMPACT_MANIFEST, CAPABILITY_SHARED_MANIFEST, ServerMessageSchema } from '../../player/protocol.js';
import { createSendQueue } from '../../server/gateway/send-queue.js';
import type { CrierApp } from '../../server/app.js';
import { helloPlayer, sleep, startTestServer } from '../helper.js';
import { placeSite } from '../register.fixtures.js';

const SHARED = ['text', 'image', 'video', 'audio', CAPABILITY_SHARED_MANIFEST];

/** A player claimed into a township through the real pairing path; `frames` keeps every raw manifest frame. */
async function claimedPlayer(t: Test, app: CrierApp, wsUrl: string, township: string, capabilities: string[]) {
  const { player, welcome } = await helloPlayer(t, wsUrl, { capabilities });
  const frames: string[] = [];
  player.socket.on('message', (data, isBinary) => {
    const text = data.toString();
    if (text.startsWith('{"type":"manifest"')) frames.push(isBinary ? 'a binary frame: browsers would get a Blob' : text);
  });
  const siteId = await placeSite(app, township);
  const res = await app.inject({ method: 'POST', url: '/api/v1/screens/claim', payload: { code: welcome.pairingCode, name: `屏 ${welcome.screenId}`, siteId } });
  if (res.statusCode !== 200) throw new Error(`claim failed: ${res.statusCode} ${res.body}`);
  const paired = await player.next('paired');
  player.send({ type: 'paired-ack', screenId: paired.screenId });
  return { player, screenId: welcome.screenId, frames };
}

/** A bare ws server's socket and the client connected to it (real sockets on loopback). */
async function socketPair(t: Test): Promise<{ socket: WebSocket; client: WebSocket; wire: Socket }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  t.teardown(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  // `wire`: the upgrade request's TCP socket, as the gateway gives its send queues.
  const accepted = new Promise<{ socket: WebSocket; wire: Socket }>((resolve) => server.once('connection', (socket, request) => resolve({ socket, wire: request.socket })));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((resolve) => client.once('open', resolve));
  return { ...(await accepted), client };
}

const alert = (app: CrierApp, target: object) =>
  app.inject({ method: 'POST', url: '/api/v1/alerts', payload: { title: '测试插播', playlistId: app.crier.catalogue.read().defaultPlaylistId, target, priority: 50 } });

t.test('a change for all: each distinct manifest is serialised once and shared players get the same bytes', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {}, { logger: false });
  const fleet = [];
  for (let i = 0; i < 6; i++) fleet.push(await claimedPlayer(t, app, wsUrl, '城关镇', i < 4 ? SHARED : ['text', 'image']));
  await sleep(300);
  for (const p of fleet) p.frames.length = 0;
  const before = app.crier.publisher.stats.serialised;
  t.equal((await alert(app, { kind: 'all' })).statusCode, 201);
  await sleep(500);
  t.ok(fleet.every((p) => p.frames.length === 1), 'every player got one manifest');
  const shared = fleet.slice(0, 4).map((p) => p.frames[0]!);
  t.equal(new Set(shared).size, 1, 'the four shared players got identical bytes');
  t.ok(shared[0]!.startsWith('{"type":"manifest"'), 'in a text frame');
  t.notOk((JSON.parse(shared[0]!) as { manifest: { screenId?: string } }).manifest.screenId, 'the shared manifest names no screen');
  for (const p of fleet.slice(4)) t.equal((JSON.parse(p.frames[0]!) as { manifest: { screenId: string } }).manifest.screenId, p.screenId, 'a player without the capability still gets its screenId');
  t.equal(app.crier.publisher.stats.serialised - before, 1, 'six players, one serialisation');
});

t.test('a player that reads the compact form gets it: smaller, and once expanded the manifest full-form players get', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {}, { logger: false });
  const compact = await claimedPlayer(t, app, wsUrl, '城关镇', [...SHARED, CAPABILITY_COMPACT_MANIFEST]);
  const shared = await claimedPlayer(t, app, wsUrl, '城关镇', SHARED);
  const old = await claimedPlayer(t, app, wsUrl, '城关镇', ['text', 'image', 'video', 'audio']);
  const fleet = [compact, shared, old];
  t.equal((await alert(app, { kind: 'all' })).statusCode, 201);
  const alertOn = (frame: string) => frame.includes('"kind":"alert"');
  // Frames from before the alert never satisfy this: each player waits for one that airs it.
  while (!fleet.every((p) => p.frames.some(alertOn))) await new Promise((resolve) => setImmediate(resolve));
  const [c, s, o] = fleet.map((p) => p.frames.find(alertOn)!);
  t.ok(c!.includes('"itemsLoop"') && !s!.includes('"itemsLoop"') && !o!.includes('"itemsLoop"'), 'only the compact player got the compact form');
  t.ok(c!.length < s!.length * 0.7, `compact ${c!.length} bytes against ${s!.length} (the default campaign's loops share their items)`);
  const manifestOf = (frame: string) => {
    const m = ServerMessageSchema.parse(JSON.parse(frame));
    if (m.type !== 'manifest') throw new Error('not a manifest');
    const { screenId: _, ...rest } = m.manifest;
    return rest;
  };
  t.same(manifestOf(c!), manifestOf(s!), 'expanded, it is the shared full form');
  t.same(manifestOf(c!), manifestOf(o!), 'and the full form with the screenId');
  t.equal(JSON.stringify(manifestOf(c!)), JSON.stringify(manifestOf(s!)), 'field for field, in order');
});

t.test('a township change is pushed to that township only', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {}, { logger: false });
  const east = [await claimedPlayer(t, app, wsUrl, '东乡', SHARED), await claimedPlayer(t, app, wsUrl, '东乡', SHARED)];
  const west = [await claimedPlayer(t, app, wsUrl, '西乡', SHARED), await claimedPlayer(t, app, wsUrl, '西乡', ['text'])];
  await sleep(300);
  for (const p of [...east, ...west]) p.frames.length = 0;
  t.equal((await alert(app, { kind: 'townships', townships: ['东乡'] })).statusCode, 201);
  await sleep(500);
  t.same(east.map((p) => p.frames.length), [1, 1], 'both screens of 东乡 got the change');
  t.same(west.map((p) => p.frames.length), [0, 0], 'no screen of 西乡 was sent anything');
  t.equal(app.crier.publisher.stats.lastVisited, 2, 'the pass went over the two players of 东乡 only');
});

t.test('work in proportion to the change: an edit no screen airs passes over no player', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {}, { logger: false });
  const east = await claimedPlayer(t, app, wsUrl, '东乡', SHARED);
  const west = [await claimedPlayer(t, app, wsUrl, '西乡', SHARED), await claimedPlayer(t, app, wsUrl, '西乡', SHARED)];
  const { publisher } = app.crier;
  while (!publisher.isIdle) await sleep(20);
  for (const p of west) p.frames.length = 0;
  const visited = publisher.stats.visited;
  const mediaId = app.crier.catalogue.read().media[0]!.id;
  const unaired = await app.inject({ method: 'POST', url: '/api/v1/playlists', payload: { name: '未排播', items: [{ mediaId, durationMs: 5000 }] } });
  t.equal(unaired.statusCode, 201, 'a playlist no rule airs');
  // Then a change for 东乡 alone: once its player has it, every pass since has run.
  east.frames.length = 0;
  t.equal((await alert(app, { kind: 'townships', townships: ['东乡'] })).statusCode, 201);
  while (east.frames.length === 0) await sleep(20);
  t.equal(publisher.stats.visited - visited, 1, 'the two changes together went over one player: 东乡\'s');
  t.same(west.map((p) => p.frames.length), [0, 0]);
});

t.test('a manifest written as a ready frame: a text frame of the same bytes at every length, in order with what ws sends', async (t) => {
  const { socket, client, wire } = await socketPair(t);
  const received: { text: string; isBinary: boolean }[] = [];
  client.on('message', (data, isBinary) => received.push({ text: data.toString(), isBinary }));
  const queue = createSendQueue(socket, undefined, undefined, wire);
  // Each length form of the header (7-bit, 16-bit, 64-bit) at its edges; two-byte text; a string between each.
  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 200_000];
  const frames = sizes.map((n, i) => Buffer.from(`${i}:${'测'.repeat(Math.floor(n / 3))}`.padEnd(n, 'x').slice(0, Math.max(n, String(i).length + 1))));
  let written = 0;
  // Each twice: a manifest's first send goes through ws (one player's frame is not copied), the next as a ready frame.
  for (const [i, frame] of [...frames.entries(), ...frames.entries()]) {
    queue.sendLatest(frame, () => written++);
    queue.send(`after ${i}`);
  }
  while (received.length < 4 * frames.length) await sleep(10);
  t.same(
    received.map((r) => r.isBinary),
    received.map(() => false),
    'every frame a text frame',
  );
  t.same(
    received.map((r) => r.text),
    [...frames, ...frames].flatMap((f, i) => [f.toString(), `after ${i % frames.length}`]),
    'the same bytes, in the order sent',
  );
  t.equal(written, 2 * frames.length, 'each manifest said written once');
  t.equal(socket.bufferedAmount, 0, 'ws counts what was written beside it (nothing left)');
  client.close();
  await new Promise((resolve) => socket.once('close', resolve));
});

t.test('a player that does not read: the server holds one manifest for it, and ends it past the hard bound', async (t) => {
  const { socket, client } = await socketPair(t);
  const received: string[] = [];
  client.on('message', (data) => received.push(data.toString().slice(0, 8)));
  client.pause(); // stops reading: the kernel buffers fill, then ws's own buffer grows
  const limits = { holdAboveBytes: 256 << 10, closeAboveBytes: 64 << 20, retryMs: 50 };
  const queue = createSendQueue(socket, limits);
  const frame = (n: number) => `${String(n).padStart(8, '0')}${'x'.repeat(128 << 10)}`;
  let peak = 0;
  for (let n = 0; n < 400; n++) {
    queue.sendLatest(frame(n));
    peak = Math.max(peak, socket.bufferedAmount + queue.heldBytes);
  }
  t.ok(socket.bufferedAmount <= limits.holdAboveBytes + (128 << 10) + 64, `ws buffer stayed bounded (${socket.bufferedAmount} B after 400 manifests of 128 KiB)`);
  t.ok(peak <= limits.holdAboveBytes + 2 * ((128 << 10) + 64), `held + buffered never passed ${peak} B`);
  t.ok(queue.heldBytes > 0, 'the newest manifest waits');
  client.resume();
  await t.resolves(
    (async () => {
      while (!received.includes('00000399')) await sleep(20);
    })(),
    'once the player reads again it gets the newest manifest',
  );
  t.ok(received.length < 400, `older manifests were dropped (${received.length} of 400 sent)`);

  // Anything but a manifest past the hard bound ends the connection instead of growing without limit.
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const tight = createSendQueue(socket, { ...limits, closeAboveBytes: 256 << 10 });
  client.pause();
  for (let n = 0; n < 200 && socket.readyState === socket.OPEN; n++) tight.send(frame(n));
  await closed;
  t.pass('the connection was ended');
  queue.close();
  tight.close();
});

t.test('a push is timed: the commit, the pass, the first and last send and the last frame written, in that order', async (t) => {
  const { app, wsUrl } = await startTestServer(t, {}, { logger: false });
  const fleet = [await claimedPlayer(t, app, wsUrl, '城关镇', SHARED), await claimedPlayer(t, app, wsUrl, '东乡', SHARED)];
  const { publisher } = app.crier;
  while (!publisher.isIdle) await sleep(20);
  const arrivedAt: number[] = [];
  for (const p of fleet) p.player.socket.once('message', () => arrivedAt.push(performance.timeOrigin + performance.now()));
  const postedAt = performance.timeOrigin + performance.now();
  t.equal((await alert(app, { kind: 'all' })).statusCode, 201);
  while (!(publisher.stats.lastPass && publisher.stats.lastPass.committedAt >= postedAt && arrivedAt.length === 2)) await sleep(10);
  const timing = publisher.stats.lastPass!;
  t.equal(timing.sent, 2, 'the pass sent both players their manifest');
  const order = [0, timing.passMs, timing.firstSendMs, timing.lastSendMs, timing.lastWrittenMs] as number[];
  t.ok(order.every((x, k) => typeof x === 'number' && (k === 0 || x >= order[k - 1]!)), `commit ≤ pass ≤ first send ≤ last send ≤ last written (${order.join(' ≤ ')} ms)`);
  t.ok(Math.min(...arrivedAt) >= timing.committedAt + timing.firstSendMs!, 'no player had it before the first send');
  t.ok(timing.committedAt - postedAt < 5000, 'the commit is this change\'s');
});

t.test('the send queue says when each manifest is done with: written, replaced while it waited, or dropped', async (t) => {
  const { socket, client } = await socketPair(t);
  const queue = createSendQueue(socket, { holdAboveBytes: 256 << 10, closeAboveBytes: 64 << 20, retryMs: 50 });
  const done: number[] = [];
  queue.sendLatest('first', () => done.push(0));
  await t.resolves((async () => { while (done.length === 0) await sleep(5); })(), 'a manifest written to a reading player is done');
  client.pause();
  const big = 'x'.repeat(128 << 10);
  let n = 1;
  for (; n <= 60 && queue.heldBytes === 0; n++) queue.sendLatest(big, () => done.push(n));
  t.ok(queue.heldBytes > 0, 'past the hold bound the newest waits');
  const before = done.length;
  queue.sendLatest(big, () => done.push(-1));
  t.equal(done.length, before + 1, 'the one it replaced is done at once (it will never be written)');
  queue.close();
  t.equal(done.at(-1), -1, 'closing drops the waiting one, and says so');
  client.resume();
  await t.resolves((async () => { while (done.length < n + 1) await sleep(5); })(), `every manifest was done with exactly once (${n + 1})`);
  await sleep(50);
  t.equal(done.length, n + 1, 'and none twice');
  client.close();
  await new Promise((resolve) => socket.once('close', resolve));
  let late = 0;
  createSendQueue(socket).sendLatest('after', () => late++);
  t.equal(late, 1, 'a closed socket: done at once, nothing sent');
});
