// A clock correction (welcome with the server's time) while an item airs: the loop re-arms its boundary
// timer, so a broadcast still cuts in at its second even when the player started on a clock that was off
// (a PC that booted with a wrong date, an offset stored by an earlier page load).
import t from 'tap';
import type { ManifestItem } from '../../playlists/manifest.schema.js';
import { createLoop, END_GRACE_MS } from '../../player/loop.js';
import type { PlayRecord } from '../../player/protocol.js';
import { FakeSlide, timelineManifest } from '../fixtures/loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const item = (id: string, durationMs = 60_000): ManifestItem => ({ id, mediaId: `m-${id}`, type: 'audio', title: id, hash: 'c'.repeat(64), url: `/media/${id}.mp3`, durationMs });

t.test('a corrected clock re-arms the boundary: the broadcast cuts in at its second on the new clock', async (t) => {
  const seven = Date.parse('2026-01-12T07:00:00+08:00');
  // The page starts with a clock 50 s slow (an offset stored by an earlier load), then welcome corrects it.
  let offset = seven - 300 - 50_000 - Date.now();
  const now = () => new Date(Date.now() + offset);
  const slides: FakeSlide[] = [];
  const records: PlayRecord[] = [];
  const aired: { id: string | null; at: number }[] = [];
  const loop = createLoop({
    canAir: () => true,
    prepare: (i) => (slides.push(new FakeSlide(i.id)), slides.at(-1)!),
    fallback: () => (slides.push(new FakeSlide('fallback')), slides.at(-1)!),
    now,
    newId: () => crypto.randomUUID(),
    onAiring: (i) => aired.push({ id: i?.id ?? null, at: now().getTime() }),
    onApplied: () => {},
    onRecord: (r) => records.push(r),
  });
  t.teardown(() => loop.stop());
  loop.setManifest(timelineManifest('v1', [
    { from: seven - 3_600_000, to: seven, key: 'default:pl', items: [item('loop')] },
    { from: seven, to: seven + 400, key: 'broadcast:bc@1', items: [item('bell', 400)], mode: 'once', anchor: seven },
    { from: seven + 400, to: seven + 3_600_000, key: 'default:pl', items: [item('loop')] },
  ]));
  loop.start();
  await sleep(30);
  t.equal(aired.at(-1)?.id, 'loop', 'the loop airs on the slow clock');
  offset = seven - 300 - Date.now(); // welcome: 300 ms before seven
  loop.clockChanged();
  await sleep(450);
  const bell = aired.find((a) => a.id === 'bell');
  t.ok(bell, 'the broadcast aired without waiting for the old clock');
  t.ok(bell && Math.abs(bell.at - seven) < 150, `within 150 ms of 07:00:00 (${bell ? bell.at - seven : 'never'} ms)`);
  t.same(records.map((r) => [r.itemId, r.completed]), [['loop', false]], 'the loop item was cut at the boundary');
});

t.test('an item cut within END_GRACE_MS of its planned end is recorded as aired in full', async (t) => {
  const base = Date.now();
  const records: PlayRecord[] = [];
  const slides: FakeSlide[] = [];
  const loop = createLoop({
    canAir: () => true,
    prepare: (i) => (slides.push(new FakeSlide(i.id)), slides.at(-1)!),
    fallback: () => (slides.push(new FakeSlide('fallback')), slides.at(-1)!),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
    onAiring: () => {},
    onApplied: () => {},
    onRecord: (r) => records.push(r),
  });
  t.teardown(() => loop.stop());
  // The clip says 600 ms but its segment (a broadcast's airtime, measured from 07:00 while the clip began late) ends at 400 ms.
  t.ok(END_GRACE_MS >= 200);
  loop.setManifest(timelineManifest('v1', [
    { from: base, to: base + 400, key: 'broadcast:bc@1', items: [item('bell', 600)], mode: 'once', anchor: base },
    { from: base + 400, to: base + 60_000, key: 'default:pl', items: [item('loop')] },
  ]));
  loop.start();
  await sleep(600);
  t.same(records[0] && [records[0].itemId, records[0].completed], ['bell', true], 'cut 200 ms early: counted as complete');
});
