// Share of voice: an item with minPerHour recurs often enough in the woven loop, evenly spread.
import fc from 'fast-check';
import t from 'tap';
import { weaveShareOfVoice } from '../../playlists/share-of-voice.js';
import { resolveTimeline } from '../../playlists/timeline.js';
import { baseCatalogue, playlist, text } from '../fixtures/scheduling.js';

const HOUR = 3_600_000;

t.test('a 30-minute loop with "hotline 4 times an hour" gets it twice per pass', async (t) => {
  const items = [{ id: 'hotline', durationMs: 10_000, minPerHour: 4 }, ...Array.from({ length: 18 }, (_, i) => ({ id: `p${i}`, durationMs: 100_000 }))];
  const woven = weaveShareOfVoice(items);
  const loopMs = woven.reduce((s, i) => s + i.durationMs, 0);
  const copies = woven.filter((i) => i.id.startsWith('hotline')).length;
  t.ok(copies / (loopMs / HOUR) >= 4, `${copies} per ${(loopMs / 60_000).toFixed(1)} min`);
  t.equal(new Set(woven.map((i) => i.id)).size, woven.length, 'ids stay unique');
  t.equal(woven[0]!.id, 'p0', 'the loop still starts where it did');
  const gaps = woven.flatMap((i, k) => (i.id.startsWith('hotline') ? [k] : [])).map((k, j, all) => (j ? k - all[j - 1]! : null)).filter((g) => g !== null);
  t.ok(gaps.every((g) => Math.abs(g! - gaps[0]!) <= 1), 'evenly spread');
});

t.test('a loop that already satisfies the share is left alone', async (t) => {
  const items = [{ id: 'a', durationMs: 10_000, minPerHour: 2 }, { id: 'b', durationMs: 10_000 }];
  t.same(weaveShareOfVoice(items), items);
});

t.test('property: each woven item reaches its share per hour of loop (or airs after every other item)', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ durationMs: fc.integer({ min: 1000, max: 600_000 }), minPerHour: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }) }), { minLength: 1, maxLength: 30 }),
      (raw) => {
        const items = raw.map((r, i) => ({ id: `i${i}`, ...r }));
        const woven = weaveShareOfVoice(items);
        const loopMs = woven.reduce((s, i) => s + i.durationMs, 0);
        if (new Set(woven.map((i) => i.id)).size !== woven.length) return false;
        // The last rule woven is exact; earlier ones can only be diluted by later insertions, so check the last.
        const last = [...items].reverse().find((i) => i.minPerHour);
        if (!last) return woven.length === items.length;
        const count = woven.filter((i) => i.id === last.id || i.id.startsWith(`${last.id}_sov`)).length;
        const others = woven.length - count;
        return count >= Math.min(others, (last.minPerHour! * loopMs) / HOUR - 1e-9) || count >= others;
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('the resolver weaves loops, not broadcasts', async (t) => {
  const c = baseCatalogue();
  c.media.push(...Array.from({ length: 10 }, (_, i) => text(`m-p${i}`)), text('m-hot'));
  c.playlists.push(playlist('pl-sov', [...Array.from({ length: 10 }, (_, i): [string, number] => [`m-p${i}`, 300_000]), ['m-hot', 10_000, 6]]));
  c.schedules.push({ id: 'sch-sov', playlistId: 'pl-sov', target: { kind: 'all' }, priority: 1, createdAt: '2026-01-01T00:00:00Z' });
  const [segment] = resolveTimeline(c, { id: 'x' }, 0, HOUR).segments;
  t.ok(segment!.items.filter((i) => i.mediaId === 'm-hot').length >= 5, 'about 50 minutes of loop: 5 airings of the hotline');
});
