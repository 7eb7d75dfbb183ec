// The volume resolver: levels (wrapping past midnight), defaults, weekdays, precedence by target
// specificity, quiet hours on top, daylight saving — by example, then as properties over random schedules.
import fc from 'fast-check';
import t from 'tap';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { Target } from '../../playlists/schedule.schema.js';
import { buildTimelineManifest } from '../../playlists/timeline-manifest.js';
import { FULL_VOLUME, levelsOverlap, resolveVolume, TARGET_SPECIFICITY, type VolumeSegment } from '../../playlists/volume.js';
import type { VolumeSchedule } from '../../playlists/volume.schema.js';
import { localDayAt, minutesOf } from '../../playlists/wall-clock.js';
import { baseCatalogue } from '../fixtures/scheduling.js';

const sh = (local: string) => Date.parse(`${local}+08:00`);
const created = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
const village = { id: 'scr-village', township: '河口乡', siteType: 'loudspeaker', groups: ['村广播'], timeZone: 'Asia/Shanghai' };

function withVolumes(...rules: Omit<VolumeSchedule, 'createdAt' | 'name'>[]): Catalogue {
  const c = baseCatalogue();
  c.volumeSchedules = rules.map((r, i) => ({ name: r.id, createdAt: created(i), ...r }));
  return c;
}
/** The volume in force at each local time, e.g. at('2026-01-12T06:30:00'). */
const volumeAt = (segments: VolumeSegment[], at: number) => segments.find((s) => s.start <= at && at < s.end);

t.test('levels, a level wrapping past midnight, the default outside them', async (t) => {
  const c = withVolumes({ id: 'vs-all', target: { kind: 'all' }, levels: [{ from: '07:00', to: '12:00', volume: 60 }, { from: '22:00', to: '06:00', volume: 20 }], defaultVolume: 80 });
  const from = sh('2026-01-12T00:00:00');
  const segs = resolveVolume(c, village, from, from + 86_400_000);
  t.same(
    segs.map((s) => [new Date(s.start).toISOString(), s.volume, s.source.kind]),
    [
      ['2026-01-11T16:00:00.000Z', 20, 'level'], // 00:00 local: the wrap of Sunday's 22:00–06:00
      ['2026-01-11T22:00:00.000Z', 80, 'default'], // 06:00
      ['2026-01-11T23:00:00.000Z', 60, 'level'], // 07:00
      ['2026-01-12T04:00:00.000Z', 80, 'default'], // 12:00
      ['2026-01-12T14:00:00.000Z', 20, 'level'], // 22:00
    ],
  );
  t.equal(segs[0]!.reason, 'volume-schedule:vs-all 22:00–06:00');
  t.equal(segs.at(-1)!.end, from + 86_400_000, 'covers the range exactly');
});

t.test('no schedule: full volume; weekdays limit levels and default alike, a wrapped level belongs to its first day', async (t) => {
  t.same(resolveVolume(baseCatalogue(), village, sh('2026-01-12T00:00:00'), sh('2026-01-13T00:00:00')).map((s) => [s.volume, s.source.kind]), [[FULL_VOLUME, 'none']]);
  // 2026-01-16 is a Friday: the Friday-night level reaches into Saturday morning, Saturday has no level of its own.
  const c = withVolumes({ id: 'vs-fri', target: { kind: 'all' }, weekdays: [5], levels: [{ from: '21:00', to: '02:00', volume: 30 }], defaultVolume: 70 });
  const segs = resolveVolume(c, village, sh('2026-01-16T00:00:00'), sh('2026-01-18T00:00:00'));
  t.equal(volumeAt(segs, sh('2026-01-16T12:00:00'))!.volume, 70, 'Friday noon: default');
  t.equal(volumeAt(segs, sh('2026-01-16T23:00:00'))!.volume, 30, 'Friday 23:00: the level');
  t.equal(volumeAt(segs, sh('2026-01-17T01:30:00'))!.volume, 30, 'Saturday 01:30: still Friday\'s level');
  t.same(volumeAt(segs, sh('2026-01-17T02:00:00'))!.source, { kind: 'none', id: null }, 'Saturday 02:00: no schedule in force');
  t.equal(volumeAt(segs, sh('2026-01-17T21:30:00'))!.volume, FULL_VOLUME, 'Saturday evening: full');
});

t.test('most specific target wins; a specific schedule silent at that hour falls through to the next', async (t) => {
  const c = withVolumes(
    { id: 'vs-all', target: { kind: 'all' }, levels: [{ from: '00:00', to: '24:00', volume: 90 }] },
    { id: 'vs-town', target: { kind: 'townships', townships: ['河口乡'] }, levels: [{ from: '06:00', to: '22:00', volume: 70 }] },
    { id: 'vs-group', target: { kind: 'groups', groups: ['村广播'] }, levels: [{ from: '12:00', to: '14:00', volume: 40 }] },
    { id: 'vs-screen', target: { kind: 'screens', screenIds: ['scr-village'] }, levels: [{ from: '12:30', to: '13:00', volume: 10 }] },
  );
  const segs = resolveVolume(c, village, sh('2026-01-12T00:00:00'), sh('2026-01-13T00:00:00'));
  const at = (hhmm: string) => volumeAt(segs, sh(`2026-01-12T${hhmm}:00`))!;
  t.same([at('05:00').source.id, at('08:00').source.id, at('12:10').source.id, at('12:45').source.id, at('13:30').source.id, at('23:00').source.id], ['vs-all', 'vs-town', 'vs-group', 'vs-screen', 'vs-group', 'vs-all']);
  t.same([at('05:00').volume, at('08:00').volume, at('12:10').volume, at('12:45').volume], [90, 70, 40, 10]);
  // The mall screen is in none of those groups or townships: only the county-wide schedule reaches it.
  const mall = resolveVolume(c, { id: 'scr-mall', township: '城关镇', groups: ['商场'] }, sh('2026-01-12T00:00:00'), sh('2026-01-13T00:00:00'));
  t.same(mall.map((s) => s.source.id), ['vs-all']);
  // A more specific schedule's default beats a less specific schedule's level.
  const d = withVolumes(
    { id: 'vs-all', target: { kind: 'all' }, levels: [{ from: '08:00', to: '09:00', volume: 90 }] },
    { id: 'vs-site', target: { kind: 'siteTypes', siteTypes: ['loudspeaker'] }, levels: [{ from: '20:00', to: '21:00', volume: 50 }], defaultVolume: 35 },
  );
  t.equal(volumeAt(resolveVolume(d, village, sh('2026-01-12T00:00:00'), sh('2026-01-13T00:00:00')), sh('2026-01-12T08:30:00'))!.volume, 35);
});

t.test('equal specificity: the newer schedule wins, whatever the storage order', async (t) => {
  const older = { id: 'vs-a', target: { kind: 'all' } as Target, levels: [{ from: '08:00', to: '10:00', volume: 30 }] };
  const newer = { id: 'vs-b', target: { kind: 'all' } as Target, levels: [{ from: '09:00', to: '11:00', volume: 60 }] };
  const c = withVolumes(older, newer);
  const reversed = { ...c, volumeSchedules: [...c.volumeSchedules].reverse() };
  for (const cat of [c, reversed]) {
    const segs = resolveVolume(cat, village, sh('2026-01-12T00:00:00'), sh('2026-01-13T00:00:00'));
    t.same([volumeAt(segs, sh('2026-01-12T08:30:00'))!.volume, volumeAt(segs, sh('2026-01-12T09:30:00'))!.volume, volumeAt(segs, sh('2026-01-12T10:30:00'))!.volume], [30, 60, 60]);
  }
});

t.test('quiet hours win over every schedule: volume 0', async (t) => {
  const c = withVolumes({ id: 'vs-screen', target: { kind: 'screens', screenIds: ['scr-village'] }, levels: [{ from: '00:00', to: '24:00', volume: 100 }] });
  c.quietHours = [{ id: 'qh-night', name: '夜间', target: { kind: 'all' }, windows: [{ start: '22:00', end: '06:00' }], createdAt: created(0) }];
  const segs = resolveVolume(c, village, sh('2026-01-12T00:00:00'), sh('2026-01-13T00:00:00'));
  t.same(segs.map((s) => [s.volume, s.source.kind, s.source.id]), [[0, 'quiet', 'qh-night'], [100, 'level', 'vs-screen'], [0, 'quiet', 'qh-night']]);
  t.equal(segs[1]!.start, sh('2026-01-12T06:00:00'));
  t.equal(segs[2]!.start, sh('2026-01-12T22:00:00'));
});

t.test('daylight saving in Berlin: spring-forward gap and fall-back night, as the timeline reads them', async (t) => {
  const c = withVolumes({ id: 'vs', target: { kind: 'all' }, levels: [{ from: '01:00', to: '04:00', volume: 25 }, { from: '02:00', to: '02:59', volume: 5 }].slice(0, 1), defaultVolume: 75 });
  const berlin = { id: 'scr-b', timeZone: 'Europe/Berlin' };
  // 2026-03-29: clocks jump 02:00 → 03:00, so 01:00–04:00 lasts two real hours.
  const spring = resolveVolume(c, berlin, Date.parse('2026-03-28T23:00:00Z'), Date.parse('2026-03-29T22:00:00Z'));
  const quiet = spring.find((s) => s.volume === 25)!;
  t.equal(quiet.end - quiet.start, 2 * 3_600_000, 'spring forward: 01:00–04:00 is 2 h');
  // 2026-10-25: 03:00 → 02:00, so 01:00–04:00 lasts four real hours.
  const fall = resolveVolume(c, berlin, Date.parse('2026-10-24T22:00:00Z'), Date.parse('2026-10-25T23:00:00Z'));
  const level = fall.find((s) => s.volume === 25)!;
  t.equal(level.end - level.start, 4 * 3_600_000, 'fall back: 01:00–04:00 is 4 h');
});

t.test('levelsOverlap reads wrapped levels as arcs of the day', async (t) => {
  const l = (from: string, to: string) => ({ from, to });
  t.ok(levelsOverlap(l('07:00', '09:00'), l('08:00', '10:00')));
  t.notOk(levelsOverlap(l('07:00', '09:00'), l('09:00', '10:00')), 'touching is fine');
  t.ok(levelsOverlap(l('22:00', '06:00'), l('05:00', '07:00')), 'wrap overlaps the next morning');
  t.notOk(levelsOverlap(l('22:00', '06:00'), l('06:00', '22:00')));
  t.ok(levelsOverlap(l('22:00', '06:00'), l('23:00', '24:00')));
  t.ok(levelsOverlap(l('00:00', '24:00'), l('12:00', '12:01')));
});

t.test('the manifest carries the volume segments over its 8-day window', async (t) => {
  const c = withVolumes({ id: 'vs-all', target: { kind: 'all' }, levels: [{ from: '22:00', to: '06:00', volume: 20 }], defaultVolume: 80 });
  const m = buildTimelineManifest(c, { id: 'scr-village' }, new Date(sh('2026-01-12T10:00:00')))!;
  const volumes = m.timeline!.volumes!;
  t.equal(volumes[0]!.start, m.timeline!.from);
  t.equal(volumes.at(-1)!.end, m.timeline!.to);
  t.equal(volumes.length, 1 + 8 * 2, 'a night level and a default day for each of 8 days, the first night reaching in');
  const before = m.version;
  c.volumeSchedules[0]!.levels[0]!.volume = 25;
  const changed = buildTimelineManifest({ ...c }, { id: 'scr-village' }, new Date(sh('2026-01-12T10:00:00')))!;
  t.not(changed.version, before, 'a volume change is a new manifest version');
});

// ── properties ──────────────────────────────────────────────
const FROM = Date.parse('2026-03-27T00:00:00Z');
const SPAN = 4 * 86_400_000;
const hhmm = fc.integer({ min: 0, max: 95 }).map((q) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`);
const targets: Target[] = [{ kind: 'all' }, { kind: 'groups', groups: ['村广播'] }, { kind: 'townships', townships: ['河口乡'] }, { kind: 'siteTypes', siteTypes: ['loudspeaker'] }, { kind: 'screens', screenIds: ['scr-village'] }, { kind: 'screens', screenIds: ['scr-mall'] }];
const scheduleArb = fc.record({
  target: fc.constantFrom(...targets),
  weekdays: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }), { nil: undefined }),
  levels: fc.array(fc.record({ from: hhmm, to: hhmm, volume: fc.integer({ min: 0, max: 100 }) }).filter((l) => l.from !== l.to), { minLength: 1, maxLength: 3 }),
  defaultVolume: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
});
const catalogueArb = fc.record({ rules: fc.array(scheduleArb, { maxLength: 5 }), quiet: fc.option(fc.tuple(hhmm, hhmm).filter(([a, b]) => a !== b), { nil: undefined }) }).map(({ rules, quiet }) => {
  const c = baseCatalogue();
  // Levels of one schedule never overlap once stored (the API refuses it): keep the first of each clash.
  c.volumeSchedules = rules.map((r, i) => ({
    id: `vs-${i}`, name: `v${i}`, createdAt: created(i), target: r.target,
    ...(r.weekdays ? { weekdays: r.weekdays } : {}), ...(r.defaultVolume !== undefined ? { defaultVolume: r.defaultVolume } : {}),
    levels: r.levels.filter((l, j) => !r.levels.slice(0, j).some((o) => levelsOverlap(o, l))),
  }));
  if (quiet) c.quietHours = [{ id: 'qh', name: 'q', target: { kind: 'all' }, windows: [{ start: quiet[0], end: quiet[1] }], createdAt: created(0) }];
  return c;
});
const zone = fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York');

/** What the rules say at instant t, worked out directly (no edges, no merging): the reference for the resolver. */
function expectedAt(c: Catalogue, timeZone: string, t: number): number {
  const { day, minuteOfDay } = localDayAt(t, timeZone);
  const inArc = (from: string, to: string, m: number) => (minutesOf(to) > minutesOf(from) ? m >= minutesOf(from) && m < minutesOf(to) : m >= minutesOf(from) || m < minutesOf(to));
  const q = c.quietHours[0]?.windows[0];
  if (q && inArc(q.start, q.end, minuteOfDay)) return 0;
  const reaching = c.volumeSchedules.filter((r) => r.target.kind === 'all' || (r.target.kind === 'screens' ? r.target.screenIds.includes('scr-village') : true));
  const ranked = [...reaching].sort((a, b) => TARGET_SPECIFICITY[b.target.kind] - TARGET_SPECIFICITY[a.target.kind] || (b.createdAt > a.createdAt ? 1 : -1));
  const weekday = (d: number) => ((((d + 3) % 7) + 7) % 7) + 1;
  for (const r of ranked) {
    const on = (d: number) => (r.weekdays ?? [1, 2, 3, 4, 5, 6, 7]).includes(weekday(d));
    const level = r.levels.find((l) => (minutesOf(l.to) > minutesOf(l.from) ? on(day) && inArc(l.from, l.to, minuteOfDay) : (on(day) && minuteOfDay >= minutesOf(l.from)) || (on(day - 1) && minuteOfDay < minutesOf(l.to))));
    if (level) return level.volume;
    if (r.defaultVolume !== undefined && on(day)) return r.defaultVolume;
  }
  return FULL_VOLUME;
}

t.test('properties: contiguous cover, volumes in range, and at any instant the volume the rules say', async (t) => {
  fc.assert(
    fc.property(catalogueArb, zone, fc.array(fc.integer({ min: 0, max: SPAN - 1 }), { minLength: 5, maxLength: 20 }), (c, timeZone, probes) => {
      const screen = { ...village, timeZone };
      const segs = resolveVolume(c, screen, FROM, FROM + SPAN);
      if (segs[0]!.start !== FROM || segs.at(-1)!.end !== FROM + SPAN) return false;
      for (let i = 0; i < segs.length; i++) {
        const s = segs[i]!;
        if (!(s.end > s.start) || s.volume < 0 || s.volume > 100) return false;
        if (i > 0 && segs[i - 1]!.end !== s.start) return false;
      }
      for (const p of probes) {
        const at = FROM + p;
        // Daylight-saving transition hours read wall times specially (gap, repeated hour): the examples above cover them.
        const offsetNear = [at - 3_600_000, at + 3_600_000].map((x) => new Date(x).toLocaleString('en-US', { timeZone, timeZoneName: 'shortOffset' }).split(' ').at(-1));
        if (offsetNear[0] !== offsetNear[1]) continue;
        if (volumeAt(segs, at)!.volume !== expectedAt(c, timeZone, at)) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('300 random sets of volume schedules');
});

t.test('properties: storage order and the range asked do not change the answer', async (t) => {
  fc.assert(
    fc.property(catalogueArb, zone, fc.integer({ min: 1, max: SPAN - 1 }), (c, timeZone, cut) => {
      const screen = { ...village, timeZone };
      const whole = resolveVolume(c, screen, FROM, FROM + SPAN);
      const reversed = resolveVolume({ ...c, volumeSchedules: [...c.volumeSchedules].reverse() }, screen, FROM, FROM + SPAN);
      if (JSON.stringify(whole) !== JSON.stringify(reversed)) return false;
      const parts = [...resolveVolume(c, screen, FROM, FROM + cut), ...resolveVolume(c, screen, FROM + cut, FROM + SPAN)];
      // The same volume at every edge of either answer.
      const edges = [...new Set([...whole, ...parts].flatMap((s) => [s.start, s.end - 1]))];
      return edges.every((e) => volumeAt(whole, e)!.volume === volumeAt(parts, e)!.volume);
    }),
    { numRuns: 200 },
  );
  t.pass('200 random sets, split at a random instant');
});
