// The airing loop following a manifest's timeline on a real (shifted) clock: a broadcast cuts in at its
// second, an alert cuts in the moment its manifest arrives and hands back when cleared, quiet hours
// silence audio at their boundary, and a loop resumes where it was after an interruption.
import t, { type Test } from 'tap';
import type { ManifestItem } from '../../playlists/manifest.schema.js';
import { createLoop } from '../../player/loop.js';
import type { PlayRecord } from '../../player/protocol.js';
import { FakeSlide, timelineManifest as manifest } from '../fixtures/loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The first truthy answer of `probe`, polled every 10 ms for up to `ms` (undefined if none came). */
async function waitFor<T>(probe: () => T | undefined, ms = 5000): Promise<T | undefined> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) {
    const found = probe();
    if (found) return found;
  }
  return probe();
}
const item = (id: string, type: ManifestItem['type'] = 'text', durationMs = 60_000): ManifestItem => ({
  id, mediaId: `m-${id}`, type, title: id, hash: 'c'.repeat(64), durationMs, ...(type === 'text' ? { slogan: { headline: id, theme: 'alert' as const } } : { url: `/media/${id}` }),
});

function harness(t: Test, offsetMs: number, canAir: (i: ManifestItem) => boolean = () => true) {
  const slides: FakeSlide[] = [];
  const records: PlayRecord[] = [];
  const switches: { id: string | null; at: number; segment: string | null }[] = [];
  // The player's clock runs like the server's: real time shifted (as after welcome.serverTime).
  const now = () => new Date(Date.now() + offsetMs);
  const loop = createLoop({
    canAir,
    prepare: (i) => {
      const s = new FakeSlide(i.id);
      slides.push(s);
      return s;
    },
    fallback: () => {
      const s = new FakeSlide('fallback');
      slides.push(s);
      return s;
    },
    now,
    newId: () => crypto.randomUUID(),
    onAiring: (i, _next, segment) => switches.push({ id: i?.id ?? null, at: now().getTime(), segment: segment?.key ?? null }),
    onApplied: () => {},
    onRecord: (r) => records.push(r),
  });
  t.teardown(() => loop.stop());
  const onScreen = () => slides.filter((s) => s.isPlaying && !s.isDisposed).at(-1)?.id;
  return { loop, slides, records, switches, onScreen, now };
}

const T0 = Date.parse('2026-01-12T06:59:59.500+08:00');

t.test('a fixed-time broadcast cuts the loop at its second; the loop resumes after it', async (t) => {
  const h = harness(t, T0 - Date.now());
  const seven = Date.parse('2026-01-12T07:00:00+08:00');
  // Segments long enough that a loaded machine's late timers (a test run beside others) change no step's order.
  h.loop.setManifest(manifest('v1', [
    { from: seven - 3600_000, to: seven, key: 'schedule:sch-1', items: [item('a'), item('b')] },
    { from: seven, to: seven + 1500, key: 'broadcast:bc-1@1', items: [item('bell', 'audio', 1500)], mode: 'once', anchor: seven },
    { from: seven + 1500, to: seven + 3600_000, key: 'schedule:sch-1', items: [item('a'), item('b')] },
  ]));
  h.loop.start();
  await sleep(50);
  t.equal(h.onScreen(), 'a');
  const bell = await waitFor(() => h.switches.find((s) => s.id === 'bell'));
  t.ok(bell, 'the broadcast aired');
  t.ok(bell!.at >= seven && bell!.at - seven < 400, `at 07:00:00, not before (${bell!.at - seven} ms after)`);
  t.same(h.records[0] && [h.records[0].itemId, h.records[0].completed], ['a', false], 'the loop item was cut');
  h.slides.find((s) => s.id === 'bell')!.finish('completed');
  await sleep(50);
  t.equal(h.onScreen(), 'bell', 'finished a moment early: its last frame holds until the segment ends');
  const resumed = await waitFor(() => h.switches.find((s) => s.id === 'b'));
  t.ok(resumed && resumed.at >= seven + 1500, `the loop resumes with the item after the one cut, when the segment ends (${resumed && resumed.at - seven - 1500} ms after)`);
});

t.test('an alert cuts in when its manifest arrives and hands back when cleared', async (t) => {
  const h = harness(t, 0);
  const base = Date.now();
  const plain = [{ from: base - 3600_000, to: base + 3600_000, key: 'default:pl', items: [item('a'), item('b')] }];
  h.loop.setManifest(manifest('v1', plain));
  h.loop.start();
  await sleep(30);
  t.equal(h.onScreen(), 'a');
  const arrived = Date.now();
  h.loop.setManifest(manifest('v2', [
    { from: base - 3600_000, to: arrived, key: 'default:pl', items: [item('a'), item('b')] },
    { from: arrived, to: base + 3600_000, key: 'alert:al-1', items: [item('warn')] },
  ]));
  await sleep(30);
  t.equal(h.onScreen(), 'warn', 'at once, not at the next item boundary');
  t.ok(h.switches.at(-1)!.at - arrived < 100);
  h.loop.setManifest(manifest('v3', plain));
  await sleep(30);
  t.equal(h.onScreen(), 'a', 'cleared: back to the loop (a new manifest starts it afresh)');
  t.same(h.records.map((r) => [r.itemId, r.completed]), [['a', false], ['warn', false]]);
});

t.test('quiet hours: audio is cut at the boundary; an audio station idles until they end', async (t) => {
  const h = harness(t, 0, (i) => i.type === 'audio');
  const base = Date.now();
  h.loop.setManifest(manifest('v1', [
    { from: base - 1000, to: base + 300, key: 'schedule:s', items: [item('song', 'audio')] },
    { from: base + 300, to: base + 700, key: 'schedule:s', items: [], isQuiet: true },
    { from: base + 700, to: base + 3600_000, key: 'schedule:s', items: [item('song', 'audio')] },
  ]));
  h.loop.start();
  await sleep(50);
  t.equal(h.onScreen(), 'song');
  await sleep(400);
  t.equal(h.onScreen(), 'fallback', 'silent in quiet hours');
  t.same(h.records.map((r) => [r.itemId, r.completed]), [['song', false]]);
  await sleep(450);
  t.equal(h.onScreen(), 'song', 'back on air when they end');
});
