// The build worker (server/services/manifest.build-worker.ts): frames built in the thread are byte for byte
// the main thread's; a pass given up gets no late answers; a thread that dies fails over and the next pass
// starts another; a thread warmed before the first pass holds the catalogue it was given; and through the
// publisher: a push to screens whose rules all differ goes through the worker, every player gets what a
// main-thread build gives in its form, a change during the pass causes one more pass, a worker killed
// mid-pass leaves no player without its manifest, the server's close ends it, and a fleet of more than 64
// screens has the thread warmed before its first large pass.
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import type { Test } from 'tap';
import t from 'tap';
import { buildManifest } from '../../playlists/build-manifest.js';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { applyManifestPatch, type Json, type ManifestPatch } from '../../playlists/manifest-patch.js';
import { sharedManifestJson } from '../../playlists/timeline-manifest.js';
import type { CrierApp } from '../../server/app.js';
import type { PlayerSession } from '../../server/gateway/presence.js';
import { catalogueChange, createBuildWorker, dropFrames, type BuildRequest, type BuildScreen, type BuildWorker, type WorkerFrame } from '../../server/services/manifest.build-worker.js';
import { createBuildPool } from '../../server/services/manifest.build-pool.js';
import { createManifestPublisher } from '../../server/services/manifest.publisher.js';
import { compactManifestFrame, FRAME_OPEN } from '../../server/services/manifest-frames.js';
import { buildInWorker, checkGivenUpPass, distinctCatalogue, mainFrame, same, TZ } from '../fixtures/distinct-builds.js';
import { catalogueArb, NOW } from '../fixtures/random-catalogue.js';
import { buildTestApp, niceOfThread, socketlessSession, threadsAtNice } from '../helper.js';
import type { Config } from '../../server/config.js';

const DISPLAYS = [{ width: 1920, height: 1080 }, { width: 1080, height: 1920 }, undefined];
const MODES = ['screen', 'audio', undefined] as const;

/** Every screen of the catalogue (and one it lacks) in every mode and display, fields present but undefined too. */
const screensOf = (c: Catalogue): BuildScreen[] =>
  [...c.screens.map((s) => s.id), 'scr-unknown'].flatMap((id) => MODES.flatMap((mode) => DISPLAYS.map((display) => ({ id, display, mode }))));

t.test('frames built in the worker are byte for byte the main thread’s', async (t) => {
  const worker = createBuildWorker({ timeZone: TZ });
  t.teardown(() => worker.close());

  // Random catalogues: every screen, mode and display; the worker keeps no state a new catalogue could miss.
  let compared = 0;
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(catalogueArb, async (c) => {
      const screens = screensOf(c);
      const built = await buildInWorker(worker, c, NOW, screens);
      screens.forEach((screen, i) => {
        const expected = mainFrame(c, screen, NOW);
        if (!same(built[i]!, expected)) throw new Error(`the worker's frame of ${JSON.stringify(screen)} differs from the main thread's`);
        if (expected) seen.add(expected.version);
        compared++;
      });
      return true;
    }),
    { numRuns: 40 },
  );
  t.ok(compared > 1000, `${compared} frames compared`);
  t.ok(seen.size > 100, `${seen.size} different versions among them`);

  // Many screens whose rules all differ, in one pass.
  const c = distinctCatalogue(300);
  const screens = c.screens.flatMap((s) => [{ id: s.id, display: DISPLAYS[0] }, { id: s.id, display: DISPLAYS[1], mode: undefined }]);
  const built = await buildInWorker(worker, c, NOW, screens);
  const differing = screens.filter((screen, i) => !same(built[i]!, mainFrame(c, screen, NOW)));
  t.same(differing, [], `all ${screens.length} frames equal`);
  t.equal(new Set(built.map((f) => f?.version)).size, c.screens.length, 'one manifest per screen: their rules all differ');
  t.ok(built.every((f) => f?.isCompact), 'all in the compact form');
});

t.test('the worker keeps the lists a new catalogue shares with the one before and takes the others', async (t) => {
  const worker = createBuildWorker({ timeZone: TZ });
  t.teardown(() => worker.close());
  const first = distinctCatalogue(200, 4);
  const screens: BuildScreen[] = first.screens.map((s) => ({ id: s.id }));
  const createdAt = '2026-01-02T00:00:00.000Z';
  // Each as a commit makes it: the lists it changes are new, the others the same objects.
  const alert = { ...first, alerts: [{ id: 'al-x', title: 'x', playlistId: 'pl-b', target: { kind: 'all' as const }, priority: 5, startsAt: '2026-03-27T08:00:00.000Z', createdAt }] };
  const fewerSchedules = { ...alert, schedules: alert.schedules.slice(50) };
  const { broadcasts: _gone, ...withoutBroadcasts } = fewerSchedules;
  const steps: [string, Catalogue][] = [['first', first], ['an alert', alert], ['fewer schedules', fewerSchedules], ['no broadcasts list', withoutBroadcasts as Catalogue], ['the first again', first]];
  t.same(catalogueChange(first, alert), { changed: { alerts: alert.alerts }, removed: [] }, 'an alert sends the alerts only');
  t.same(catalogueChange(fewerSchedules, withoutBroadcasts as Catalogue), { changed: {}, removed: ['broadcasts'] }, 'a list gone is named');
  for (const [label, c] of steps) {
    const built = await buildInWorker(worker, c, NOW, screens);
    t.ok(built.every((f, i) => same(f, mainFrame(c, screens[i]!, NOW))), `${label}: every frame is the main thread's`);
  }
});

t.test('on Linux the thread builds at the process\'s priority unless given a nice value (CRIER_BUILD_NICE)', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  const c = distinctCatalogue(20, 6);
  const screens = c.screens.map((s) => ({ id: s.id }));
  const built = async (options: { nice?: number }, create: typeof createBuildWorker = createBuildWorker) => {
    const worker = create({ timeZone: TZ, ...options });
    t.teardown(() => worker.close());
    await buildInWorker(worker, c, NOW, screens);
    return worker;
  };
  // By default a fair share: at 10 any other busy process on the machine held the builds back (docs/scaling.md, sixteenth session).
  t.ok((await built({})).thread, 'the thread is running');
  t.same(readdirSync('/proc/self/task').map(niceOfThread).filter((n) => n !== niceOfThread(process.pid)), [], 'by default every thread runs at the main thread\'s nice value');
  const atTen = threadsAtNice(10);
  await built({ nice: 10 });
  t.equal(threadsAtNice(10), atTen + 1, 'given nice 10, one more thread at 10');
  await built({ nice: 10 }, createBuildPool);
  t.equal(threadsAtNice(10), atTen + 2, 'a pool\'s thread too (the server makes a pool)');
  t.equal(niceOfThread(process.pid), 0, 'the main thread stays at 0');
});

t.test('a pass given up gets no late answers; a thread that dies fails the pass over, and the next pass starts another', async (t) => {
  const worker = createBuildWorker({ timeZone: TZ });
  t.teardown(() => worker.close());
  const c = distinctCatalogue(600, 2);
  const screens: BuildScreen[] = c.screens.map((s) => ({ id: s.id }));

  await checkGivenUpPass(t, worker, c, NOW, screens);

  // Killed while it builds (a catalogue it has not built from: ~0.1 s of builds): the pass fails over once; the frames it did get are right.
  const cold = distinctCatalogue(600, 5);
  const got: WorkerFrame[] = [];
  const failed = new Promise<Error | null>((resolve) => {
    const pass = worker.startPass(cold, NOW, {
      onBuilt(f) {
        got.push(...f);
        void worker.thread?.terminate();
        if (got.length === screens.length) resolve(null);
      },
      onFailed: resolve,
    });
    pass.add(screens);
    pass.finish();
  });
  t.match((await failed)?.message, /exited/, 'a killed thread fails the pass');
  t.ok(got.length > 0 && got.length < screens.length, `${got.length} of ${screens.length} frames came before it died`);
  t.ok(got.every((f, i) => same(f, mainFrame(cold, screens[i]!, NOW))), 'those are right');
  t.equal(worker.thread, null, 'no thread is kept after a failure');
  const again = await buildInWorker(worker, c, NOW, screens);
  t.ok(again.every((f, i) => same(f, mainFrame(c, screens[i]!, NOW))), 'the next pass starts a new thread and gets every frame');
});

t.test('warmed before the first pass: the thread takes the catalogue in and builds, and that pass sends no catalogue', async (t) => {
  const worker = createBuildWorker({ timeZone: TZ, arenaBytes: 1 << 20 });
  t.teardown(() => worker.close());
  const c = distinctCatalogue(150, 8);
  const screens: BuildScreen[] = c.screens.map((s) => ({ id: s.id }));
  t.equal(worker.thread, null, 'no thread before');
  t.equal(await worker.warm(c, NOW, screens.slice(0, 100)), 100, 'it built the 100 screens it was given');
  const thread = worker.thread!;
  t.ok(thread, 'the thread is running');
  t.equal(worker.heldArenaBytes, 0, 'their frames were dropped: the arena is free');
  t.equal(await worker.warm(c, NOW, screens), 0, 'a running thread is not warmed again');

  // The pass after: the catalogue is the one it holds, so only screens go over.
  const kinds: string[] = [];
  const post = thread.postMessage.bind(thread);
  thread.postMessage = (request: BuildRequest, ...rest: unknown[]) => {
    kinds.push(request.kind);
    return post(request, ...(rest as []));
  };
  const built = await buildInWorker(worker, c, NOW, screens);
  t.same(kinds, ['build', 'build'], 'the pass sent its screens and no catalogue');
  t.ok(built.every((f, i) => same(f, mainFrame(c, screens[i]!, NOW))), 'every frame is the main thread’s');

  // Closed while warming: the warm-up ends with what it built, and no error.
  const closing = createBuildWorker({ timeZone: TZ });
  const warming = closing.warm(c, NOW, screens);
  await closing.close();
  t.ok((await warming) < screens.length, 'a close ends the warm-up early, without failing it');
  // A pass ending during the shutdown warms on its way out (the publisher): a closed worker starts no thread.
  t.equal(await closing.warm(c, NOW, screens), 0, 'a closed worker is not warmed again');
  t.equal(closing.thread, null, 'and has no thread');
});

t.test('frames cross in the worker’s arena and go round it; what is let go of, and a pass given up, comes back', async (t) => {
  // A ring of 1 MB: ~125 frames of 8 KB, the worker at most half of it ahead of what the main thread received
  // (a chunk of its builds, ~10 ms, fits in that half; the server's ring is 32 MB).
  const worker = createBuildWorker({ timeZone: TZ, arenaBytes: 1 << 20 });
  t.teardown(() => worker.close());
  const c = distinctCatalogue(400, 4);
  const screens: BuildScreen[] = c.screens.map((s) => ({ id: s.id }));
  const expected = screens.map((screen) => mainFrame(c, screen, NOW));

  // Held (never released): the first fill the ring, the rest come in buffers of their own.
  const held = await buildInWorker(worker, c, NOW, screens);
  const placed = held.filter((f) => f?.place).length;
  t.ok(placed > 0 && placed < screens.length / 2, `${placed} of ${screens.length} in the arena while they were held, the rest in buffers of their own`);
  t.ok(held.every((f, i) => same(f, expected[i]!)), 'all byte for byte the main thread’s');
  t.ok(worker.heldArenaBytes > 0, `${worker.heldArenaBytes} bytes held`);
  dropFrames(held);
  t.equal(worker.heldArenaBytes, 0, 'let go of: nothing held');

  // Let go of as they come (as a pass that has sent them): the ring goes round, frames checked as they arrive.
  let inArena = 0;
  let arenaBytes = 0;
  const wrong: number[] = [];
  await buildInWorker(worker, c, NOW, screens, (frames, from) => {
    frames.forEach((f, i) => {
      if (f?.place) {
        inArena++;
        arenaBytes += f.frame.length;
      }
      if (!same(f, expected[from + i]!)) wrong.push(from + i);
    });
    dropFrames(frames);
  });
  t.same(wrong, [], 'every frame right on arrival');
  t.ok(arenaBytes > 1.5 * (1 << 20), `${inArena} of ${screens.length} came in the arena: ${(arenaBytes / (1 << 20)).toFixed(1)} laps of it`);
  t.equal(worker.heldArenaBytes, 0);

  // A pass given up: its late frames are let go of by the worker's side, not leaked.
  const given = worker.startPass(c, NOW, { onBuilt: () => t.fail('no late frames'), onFailed: () => undefined });
  given.add(screens);
  const next = await buildInWorker(worker, c, NOW, screens.slice(0, 20));
  t.ok(next.every((f, i) => same(f, expected[i]!)), 'the newer pass gets its own');
  dropFrames(next);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(worker.heldArenaBytes, 0, 'and nothing stays held of the pass given up');

  // A pool gives back what it had not delivered when a pass fails.
  const pool = createBuildPool({ timeZone: TZ, threads: 2, arenaBytes: 1 << 20 });
  t.teardown(() => pool.close());
  const pooled = await buildInWorker(pool, c, NOW, screens);
  t.ok(pooled.every((f, i) => same(f, expected[i]!)), 'a pool’s frames, from two arenas, are right too');
  t.ok(pool.heldArenaBytes > 0);
  dropFrames(pooled);
  t.equal(pool.heldArenaBytes, 0, 'and come back once let go of');
});

/** An app at a fixed instant with `n` screens whose rules all differ, one socketless session each of the forms given. */
async function distinctPush(t: Test, n: number, session: (i: number, record: (frame: Buffer | string) => void) => Partial<PlayerSession>, config: Partial<Config> = {}) {
  const at = new Date('2026-03-27T09:30:00Z');
  const app = await buildTestApp(t, { timeZone: TZ, ...config }, { clock: { now: () => at } });
  const { catalogue, presence, publisher } = app.crier;
  const c = distinctCatalogue(n, 3);
  await catalogue.update((draft) => {
    draft.media.push(...c.media.filter((m) => !draft.media.some((d) => d.id === m.id)));
    draft.playlists.push(...c.playlists.filter((p) => !draft.playlists.some((d) => d.id === p.id)));
    draft.screens.push(...c.screens);
    draft.schedules.push(...c.schedules);
    (draft.broadcasts ??= []).push(...(c.broadcasts ?? []));
  });
  await publisher.publishNow();
  const received: (Buffer | string)[][] = c.screens.map(() => []);
  const sessions = c.screens.map((s, i) => {
    const added = socketlessSession(s.id, { ...session(i, (frame) => received[i]!.push(frame)) });
    presence.add(added);
    return added;
  });
  const idle = async () => {
    while (!publisher.isIdle) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return { app, at, sessions, received, idle, screens: c.screens };
}

/** A copy of each catalogue the expected frames are built from (nothing the publisher's builds cached). */
const copies = new WeakMap<object, Catalogue>();
/** What a main-thread build gives this session now, in its form. */
function expectedFrame(app: CrierApp, at: Date, session: PlayerSession): string {
  const read = app.crier.catalogue.read();
  let copy = copies.get(read);
  if (!copy) copies.set(read, (copy = structuredClone(read) as Catalogue));
  const m = buildManifest(copy, { id: session.screenId, display: session.display, mode: session.mode }, at, { timeZone: TZ })!;
  if (session.acceptsSharedManifest && session.acceptsCompactManifest) return compactManifestFrame(m).bytes.toString();
  if (session.acceptsSharedManifest) return `${FRAME_OPEN}${sharedManifestJson(m)}}`;
  return `{"type":"manifest","manifest":{"screenId":${JSON.stringify(session.screenId)},${sharedManifestJson(m).slice(1)}}`;
}

t.test('a push to screens whose rules all differ: built in the worker, each player gets the main thread’s bytes in its form', async (t) => {
  const { app, at, sessions, received, idle } = await distinctPush(t, 240, (i, record) => ({
    acceptsCompactManifest: i % 3 !== 2,
    acceptsSharedManifest: i % 6 !== 5,
    sendManifest: (frame) => record(frame),
  }));
  const { publisher, alerts, catalogue } = app.crier;
  const before = { ...publisher.stats };
  await alerts.create({ title: '全部', playlistId: catalogue.read().defaultPlaylistId!, target: { kind: 'all' }, priority: 100 });
  await idle();
  t.ok(publisher.stats.inWorker - before.inWorker >= 240 - 64 - 1, `${publisher.stats.inWorker - before.inWorker} of 240 built in the worker`);
  t.equal(publisher.stats.workerFailures, 0);
  const wrong = sessions.filter((s, i) => String(received[i]!.at(-1)) !== expectedFrame(app, at, s)).map((s) => s.screenId);
  t.same(wrong, [], 'every player, compact, full shared or with its screenId, got the main thread’s frame');

  // A township's alert stays on the main thread: no hand-over for a few screens.
  const inWorker = publisher.stats.inWorker;
  await alerts.create({ title: '一屏', playlistId: catalogue.read().defaultPlaylistId!, target: { kind: 'screens', screenIds: [sessions[0]!.screenId] }, priority: 100 });
  await idle();
  t.equal(publisher.stats.inWorker, inWorker, 'a small pass builds on the main thread');
  t.equal(String(received[0]!.at(-1)), expectedFrame(app, at, sessions[0]!), 'and its player got the new frame');
});

t.test('a patch starts from a frame the worker built', async (t) => {
  const { app, at, sessions, received, idle } = await distinctPush(t, 100, (_, record) => ({
    acceptsCompactManifest: true,
    acceptsManifestPatch: true,
    sendManifest: (frame) => record(frame),
  }));
  const { publisher, alerts, catalogue, broadcasts } = app.crier;
  for (const s of sessions) {
    const original = s.sendManifest;
    s.sendManifest = (frame, done) => {
      original(frame, done);
      publisher.applied(s, s.sentManifestVersion!);
    };
  }
  await alerts.create({ title: '全部', playlistId: catalogue.read().defaultPlaylistId!, target: { kind: 'all' }, priority: 100 });
  await idle();
  t.ok(publisher.stats.inWorker >= 30, 'the push for all went through the worker');
  // The last screen's build is past the main thread's first 64: the worker built the frame its player holds.
  const last = sessions.length - 1;
  const held = JSON.parse(String(received[last]!.at(-1)).slice(FRAME_OPEN.length, -1)) as Json;
  // One screen's broadcast moves: a small pass, a patch from the frame its player holds.
  const patchedBefore = publisher.stats.patched;
  await broadcasts.create({ name: '加播', playlistId: 'pl-a', target: { kind: 'screens', screenIds: [sessions[last]!.screenId] }, times: ['10:15'], priority: 0 });
  await idle();
  t.equal(publisher.stats.patched, patchedBefore + 1, 'a patch was computed');
  const frame = JSON.parse(String(received[last]!.at(-1))) as { type: string; patch: ManifestPatch };
  t.equal(frame.type, 'manifest-patch', 'the player got a patch');
  const expected = JSON.parse(expectedFrame(app, at, sessions[last]!).slice(FRAME_OPEN.length, -1)) as Json;
  t.same(applyManifestPatch(held, frame.patch), expected, 'which, applied to the worker’s frame it holds, gives the new manifest');
});

t.test('a push through a small arena: each frame is read as it was built, however late its socket writes it; a hello or patch after the ring went round makes it again', async (t) => {
  // Sockets that write each frame up to 80 ms after it was handed over, reading its bytes then: the worker
  // builds half the ring's worth (~30 frames) in about 10 ms.
  const ringBytes = 512 << 10;
  /** Where each player's frame of the push lay in the ring, in the order the frames were handed over (= placed). */
  const placed: { player: number; offset: number; length: number }[] = [];
  const { app, at, sessions, received, idle } = await distinctPush(
    t,
    240,
    (i, record) => ({
      acceptsCompactManifest: true,
      acceptsManifestPatch: true,
      sendManifest: (frame, done) => {
        const bytes = frame as Buffer;
        if (bytes.buffer instanceof SharedArrayBuffer && !placed.some((p) => p.player === i)) placed.push({ player: i, offset: bytes.byteOffset, length: bytes.length });
        setTimeout(() => {
          record(Buffer.from(bytes));
          done?.();
        }, (i % 9) * 10);
      },
    }),
    // Half of it, 256 KB, is ~30 frames: the ring goes round several times in a push.
    { buildArenaBytes: ringBytes, buildThreads: 1 },
  );
  const { publisher, alerts, catalogue, buildWorker, broadcasts } = app.crier;
  const wrongOf = () => sessions.filter((s, i) => String(received[i]!.at(-1)) !== expectedFrame(app, at, s)).map((s) => s.screenId);
  const before = { ...publisher.stats };
  await alerts.create({ title: '全部', playlistId: catalogue.read().defaultPlaylistId!, target: { kind: 'all' }, priority: 100 });
  await idle();
  await new Promise((resolve) => setTimeout(resolve, 150));
  const inArena = publisher.stats.inArena - before.inArena;
  const inWorker = publisher.stats.inWorker - before.inWorker;
  t.ok(inArena > 0 && inArena < inWorker, `of ${inWorker} frames from the worker ${inArena} came in the arena, the rest on their own while sockets held it`);
  t.same(wrongOf(), [], 'every player got its own frame, byte for byte, though the worker wrote on while the sockets waited');
  t.equal(buildWorker!.heldArenaBytes, 0, 'all written: nothing held');

  // Sent again from the pass's frames (a hello within a second): one the worker wrote over is made again, one it has not is copied out.
  const resent = [70, 239];
  for (const s of resent.map((i) => sessions[i]!)) {
    s.sentManifestVersion = null;
    publisher.offerCurrent(s);
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.same(wrongOf(), [], 'both got their frame again, right');

  // Patches start from the frame a player holds: one gone from the ring gets a whole frame, a recent one a patch.
  // Which of the push's frames are gone depends on how the sockets' writes and the worker's builds met, so the
  // two are found from where the frames lay: a place is readable while it starts within half a ring of the
  // newest place's end (everything was given back), and places follow each other round the ring.
  let lap = 0;
  const laidOut = placed.map((p, k) => {
    if (k > 0 && p.offset < placed[k - 1]!.offset) lap++;
    return { ...p, start: lap * ringBytes + p.offset };
  });
  const newest = laidOut.at(-1)!;
  const readableFrom = newest.start + newest.length - ringBytes / 2;
  const pushedOnly = laidOut.filter((p) => !resent.includes(p.player));
  const goneFrom = pushedOnly.find((p) => p.start < readableFrom);
  const readable = [...pushedOnly].reverse().find((p) => p.start >= readableFrom);
  t.ok(goneFrom && readable, `the ring went round: ${laidOut.length} frames placed over ${lap + 1} laps`);
  const [early, late] = [sessions[goneFrom!.player]!, sessions[readable!.player]!];
  const held = JSON.parse(String(received[readable!.player]!.at(-1)).slice(FRAME_OPEN.length, -1)) as Json;
  for (const s of [early, late]) publisher.applied(s, s.sentManifestVersion!);
  const patchedBefore = publisher.stats.patched;
  await broadcasts.create({ name: '加播', playlistId: 'pl-a', target: { kind: 'screens', screenIds: [early.screenId, late.screenId] }, times: ['10:15'], priority: 0 });
  await idle();
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.equal(publisher.stats.patched, patchedBefore + 1, 'one patch: none from bytes the worker wrote over');
  t.equal(String(received[goneFrom!.player]!.at(-1)), expectedFrame(app, at, early), 'the whole new frame instead');
  const patch = JSON.parse(String(received[readable!.player]!.at(-1))) as { type: string; patch: ManifestPatch };
  t.equal(patch.type, 'manifest-patch', 'the recent one got a patch');
  t.same(applyManifestPatch(held, patch.patch), JSON.parse(expectedFrame(app, at, late).slice(FRAME_OPEN.length, -1)), 'from the frame it holds');
});

t.test('a change during a worker pass causes one more pass; a worker killed mid-pass leaves no player without its manifest', async (t) => {
  let onSend: (() => void) | null = null;
  const { app, at, sessions, received, idle } = await distinctPush(t, 200, (_, record) => ({
    acceptsCompactManifest: true,
    sendManifest: (frame) => {
      record(frame);
      onSend?.();
    },
  }));
  const { publisher, alerts, catalogue, buildWorker } = app.crier;
  const playlistId = catalogue.read().defaultPlaylistId!;

  let changed: Promise<unknown> | null = null;
  let sends = 0;
  onSend = () => {
    // Past the main thread's own builds, while the worker's frames come in.
    if (++sends === 100) changed = alerts.create({ title: '又一条', playlistId: 'pl-a', target: { kind: 'all' }, priority: 200 });
  };
  const passes = publisher.stats.passes;
  await alerts.create({ title: '全部', playlistId, target: { kind: 'all' }, priority: 100 });
  await idle();
  await changed;
  await idle();
  t.ok(changed, 'the change came during the pass');
  t.equal(publisher.stats.passes, passes + 2, 'one more pass after the one it interrupted');
  t.same(sessions.filter((s, i) => String(received[i]!.at(-1)) !== expectedFrame(app, at, s)).map((s) => s.screenId), [], 'every player holds the latest catalogue’s manifest');

  // Killed while its frames come in: the rest is built here.
  sends = 0;
  onSend = () => {
    if (++sends === 100) void buildWorker!.thread?.terminate();
  };
  const inWorker = publisher.stats.inWorker;
  await alerts.create({ title: '第三条', playlistId: 'pl-b', target: { kind: 'all' }, priority: 300 });
  await idle();
  t.equal(publisher.stats.workerFailures, 1, 'the pass failed over once');
  t.ok(publisher.stats.inWorker > inWorker, 'after some frames from the worker');
  t.same(sessions.filter((s, i) => String(received[i]!.at(-1)) !== expectedFrame(app, at, s)).map((s) => s.screenId), [], 'every player got its manifest all the same');

  // The next large pass has a worker again.
  onSend = null;
  const inWorkerAfter = publisher.stats.inWorker;
  await alerts.create({ title: '第四条', playlistId: 'pl-a', target: { kind: 'all' }, priority: 400 });
  await idle();
  t.ok(publisher.stats.inWorker > inWorkerAfter, 'a new thread builds the next large pass');
  t.same(sessions.filter((s, i) => String(received[i]!.at(-1)) !== expectedFrame(app, at, s)).map((s) => s.screenId), [], 'and every player got it');

  // The server's close ends the thread.
  const thread = buildWorker!.thread!;
  t.ok(thread, 'a thread is running after a large pass');
  const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
  await app.close();
  t.type(await exited, 'number', 'closing the server ends it');
  t.equal(buildWorker!.thread, null);
});

t.test('the publisher warms the build thread once the fleet is larger than a pass builds on the main thread: at its start, or after the pass of a change that makes it so', async (t) => {
  const at = new Date('2026-03-27T09:30:00Z');
  const app = await buildTestApp(t, { timeZone: TZ, buildWorker: false });
  const { catalogue, presence } = app.crier;
  const fleet = distinctCatalogue(100, 9);
  const addScreens = (from: number, to: number) =>
    catalogue.update((draft) => {
      draft.media.push(...fleet.media.filter((m) => !draft.media.some((d) => d.id === m.id)));
      draft.playlists.push(...fleet.playlists.filter((p) => !draft.playlists.some((d) => d.id === p.id)));
      draft.screens.push(...fleet.screens.slice(from, to));
      draft.schedules.push(...fleet.schedules.filter((s) => s.target.kind === 'screens' && s.target.screenIds.some((id) => fleet.screens.slice(from, to).some((x) => x.id === id))));
    });
  /** A publisher over a build thread whose warm-ups are recorded: the screens each was given, and what it built. */
  const publisherOver = () => {
    const worker = createBuildWorker({ timeZone: TZ });
    t.teardown(() => worker.close());
    const warmUps: { screens: number; built: Promise<number> }[] = [];
    const warm = worker.warm;
    worker.warm = (c, when, screens) => {
      const built = warm(c, when, screens);
      warmUps.push({ screens: screens.length, built });
      return built;
    };
    const publisher = createManifestPublisher({ catalogue, presence, clock: { now: () => at }, log: app.log, timeZone: TZ, buildWorker: worker });
    return { worker, warmUps, publisher };
  };

  await addScreens(0, 60);
  const small = publisherOver();
  t.same(small.warmUps, [], 'a fleet of 60 (a pass builds 64 here): no thread');
  t.equal(small.worker.thread, null);

  const idle = async (publisher: ReturnType<typeof publisherOver>['publisher']) => {
    while (!publisher.isIdle) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  await addScreens(60, 100);
  small.publisher.catalogueChanged();
  t.same(small.warmUps, [], 'the change that made it 100: not before its pass (whose builds would queue behind the warm-up)');
  await idle(small.publisher);
  t.equal(small.warmUps.length, 1, 'after it');
  t.equal(await small.warmUps[0]!.built, 100, 'every screen of it built in the thread');
  small.publisher.catalogueChanged();
  await idle(small.publisher);
  t.equal(small.warmUps.length, 1, 'once: the thread is running');

  const large = publisherOver();
  t.equal(large.warmUps.length, 1, 'a publisher started over 100 screens warms at once');
  t.equal(await large.warmUps[0]!.built, 100);
  t.ok(large.worker.thread, 'its thread is running before any pass');
});

t.test('CRIER_BUILD_WORKER=off: no worker, every build on the main thread', async (t) => {
  const app = await buildTestApp(t, { buildWorker: false });
  t.equal(app.crier.buildWorker, null);
});
