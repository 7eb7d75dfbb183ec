// Properties of the resolver over random catalogues (fast-check): the timeline covers the range with
// no gap and no overlap, every winner outranks what it beat, unairable media never airs, quiet segments
// carry no audio, and the answer does not depend on storage order or on the range asked.
import fc from 'fast-check';
import t from 'tap';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { Target } from '../../playlists/schedule.schema.js';
import { isPlayable, LAYERS, resolveTimeline, segmentAt, type SourceRef } from '../../playlists/timeline.js';
import { audio, baseCatalogue, playlist, text } from '../fixtures/scheduling.js';

const FROM = Date.parse('2026-03-27T00:00:00Z');
const SPAN = 4 * 86_400_000;
const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York'];
const hhmm = fc.integer({ min: 0, max: 95 }).map((q) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`);
const window = fc.tuple(hhmm, hhmm).filter(([a, b]) => a !== b).map(([a, b]) => (a < b ? { start: a, end: b } : { start: b, end: a }));
const targets: Target[] = [{ kind: 'all' }, { kind: 'groups', groups: ['商场'] }, { kind: 'siteTypes', siteTypes: ['loudspeaker'] }, { kind: 'screens', screenIds: ['scr-x'] }];
const target = fc.constantFrom(...targets);
const iso = (offsetMin: number) => new Date(FROM + offsetMin * 60_000).toISOString();
const plId = fc.constantFrom('pl-a', 'pl-b', 'pl-c', 'pl-audio');

const catalogueArb = fc
  .record({
    schedules: fc.array(fc.record({ playlistId: plId, target, priority: fc.integer({ min: 0, max: 3 }), windows: fc.option(fc.array(window, { minLength: 1, maxLength: 3 }), { nil: undefined }), weekdays: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }), { nil: undefined }) }), { maxLength: 6 }),
    broadcasts: fc.array(fc.record({ playlistId: plId, target, priority: fc.integer({ min: 0, max: 2 }), times: fc.array(hhmm, { minLength: 1, maxLength: 3 }) }), { maxLength: 3 }),
    alerts: fc.array(fc.record({ playlistId: plId, target, priority: fc.integer({ min: 0, max: 2 }), start: fc.integer({ min: -600, max: 5000 }), length: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }) }), { maxLength: 2 }),
    quiet: fc.array(fc.record({ target, window: fc.tuple(hhmm, hhmm).filter(([a, b]) => a !== b) }), { maxLength: 2 }),
    validTo: fc.option(fc.integer({ min: 0, max: 5760 }), { nil: undefined }),
    validFrom: fc.option(fc.integer({ min: 0, max: 5760 }), { nil: undefined }),
    hasDefault: fc.boolean(),
  })
  .map((r): Catalogue => {
    const c = baseCatalogue();
    c.defaultPlaylistId = r.hasDefault ? 'pl-default' : null;
    c.media.push(
      text('m-a', r.validTo === undefined ? {} : { validTo: iso(r.validTo) }),
      text('m-b', r.validFrom === undefined ? {} : { validFrom: iso(r.validFrom) }),
      text('m-c', { status: 'processing' }),
      audio('m-au', 45_000),
    );
    c.playlists.push(playlist('pl-a', [['m-a', 8000], ['m-b', 8000]]), playlist('pl-b', [['m-b', 8000], ['m-au']]), playlist('pl-c', [['m-c', 8000]]), playlist('pl-audio', [['m-au']]));
    const created = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    c.schedules = r.schedules.map((s, i) => ({ id: `sch-${i}`, ...s, createdAt: created(i) }));
    c.broadcasts = r.broadcasts.map((b, i) => ({ id: `bc-${i}`, name: `b${i}`, ...b, createdAt: created(i) }));
    c.alerts = r.alerts.map((a, i) => ({ id: `al-${i}`, title: `a${i}`, playlistId: a.playlistId, target: a.target, priority: a.priority, startsAt: iso(a.start), ...(a.length ? { expiresAt: iso(a.start + a.length) } : {}), createdAt: created(i) }));
    c.quietHours = r.quiet.map((q, i) => ({ id: `qh-${i}`, name: `q${i}`, target: q.target, windows: [{ start: q.window[0], end: q.window[1] }], createdAt: created(i) }));
    return c;
  });

const screenArb = fc.record({
  id: fc.constantFrom('scr-x', 'scr-y'),
  groups: fc.constantFrom<string[][]>([], ['商场']),
  siteType: fc.constantFrom(undefined, 'loudspeaker'),
  timeZone: fc.constantFrom(...zones),
});

const rank = (s: SourceRef) => (s.kind === 'none' ? -1 : LAYERS[s.kind]) * 10_000 + s.priority;

t.test('no gaps, no overlaps, priorities respected, nothing unairable, quiet means no audio', async (t) => {
  fc.assert(
    fc.property(catalogueArb, screenArb, (c, screen) => {
      const tl = resolveTimeline(c, screen, FROM, FROM + SPAN);
      const segs = tl.segments;
      if (segs[0]!.start !== FROM || segs.at(-1)!.end !== FROM + SPAN) return false;
      for (let i = 0; i < segs.length; i++) {
        const s = segs[i]!;
        if (!(s.end > s.start)) return false;
        if (i > 0 && segs[i - 1]!.end !== s.start) return false;
        for (const b of s.beat) if (rank(b) > rank(s.source)) return false;
        for (const item of s.items) {
          if (!isPlayable(item.media, s.start) || !isPlayable(item.media, s.end - 1)) return false;
          if (s.isQuiet && item.media.kind === 'audio') return false;
        }
        if (s.source.kind === 'none' ? s.items.length !== 0 : s.items.length === 0) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('300 random catalogues');
});

t.test('deterministic: storage order and the range asked do not change what airs at an instant', async (t) => {
  fc.assert(
    fc.property(catalogueArb, screenArb, fc.integer({ min: 0, max: SPAN - 1 }), fc.integer({ min: 1, max: 86_400_000 }), (c, screen, offset, length) => {
      const whole = resolveTimeline(c, screen, FROM, FROM + SPAN);
      const reversed = { ...c, schedules: [...c.schedules].reverse(), broadcasts: [...c.broadcasts].reverse(), alerts: [...c.alerts].reverse() };
      const part = resolveTimeline(reversed, screen, FROM + offset, Math.min(FROM + SPAN, FROM + offset + length));
      for (const s of part.segments) {
        for (const t of [s.start, s.end - 1]) {
          const w = segmentAt(whole.segments, t)!;
          if (w.source.kind !== s.source.kind || w.source.id !== s.source.id || w.anchor !== s.anchor) return false;
          if (w.items.map((i) => i.id).join() !== s.items.map((i) => i.id).join()) return false;
        }
      }
      return true;
    }),
    { numRuns: 200 },
  );
  t.pass('200 random sub-ranges');
});

t.test('an active alert always wins where it has something to air', async (t) => {
  fc.assert(
    fc.property(catalogueArb, screenArb, (c, screen) => {
      const tl = resolveTimeline(c, screen, FROM, FROM + SPAN);
      return tl.segments.every((s) => s.source.kind === 'alert' || !s.beat.some((b) => b.kind === 'alert'));
    }),
    { numRuns: 200 },
  );
  t.pass();
});
