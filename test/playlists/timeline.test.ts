// The resolver's rules, one by one: dayparts, broadcasts cutting in, alerts on top, ties, quiet hours,
// expiring media, targets and daylight saving.
import t from 'tap';
import { resolveTimeline, segmentAt, type Timeline } from '../../playlists/timeline.js';
import { audio, baseCatalogue, playlist, text } from '../fixtures/scheduling.js';

const sh = (local: string) => Date.parse(`${local}+08:00`);
const summary = (tl: Timeline) =>
  tl.segments.map((s) => [new Date(s.start).toISOString().slice(11, 19), s.source.kind, s.source.id, s.items.map((i) => i.mediaId).join(',')]);
const mall = { id: 'scr-mall', groups: ['商场'], township: '城关镇', siteType: 'mall' };

t.test('dayparts on weekdays, the default campaign around them; segments touch end to start', async (t) => {
  const c = baseCatalogue();
  c.schedules.push({ id: 'sch-day', playlistId: 'pl-morning', target: { kind: 'groups', groups: ['商场'] }, priority: 1, weekdays: [1, 2, 3, 4, 5], windows: [{ start: '07:00', end: '09:00' }, { start: '18:00', end: '20:00' }], createdAt: '2026-01-01T00:00:00Z' });
  const monday = resolveTimeline(c, mall, sh('2026-01-12T00:00:00'), sh('2026-01-13T00:00:00'));
  t.same(monday.segments.map((s) => [s.source.kind, s.end - s.start]), [['default', 7 * 3600_000], ['schedule', 2 * 3600_000], ['default', 9 * 3600_000], ['schedule', 2 * 3600_000], ['default', 4 * 3600_000]]);
  t.equal(monday.segments[1]!.start, sh('2026-01-12T07:00:00'));
  t.same(monday.segments[1]!.beat, [{ kind: 'default', id: 'pl-default', priority: 0 }], 'it says what it beat');
  const saturday = resolveTimeline(c, mall, sh('2026-01-10T00:00:00'), sh('2026-01-11T00:00:00'));
  t.same(saturday.segments.map((s) => s.source.kind), ['default'], 'not on Saturday');
  t.same(resolveTimeline(c, { id: 'scr-school', groups: ['学校'] }, sh('2026-01-12T00:00:00'), sh('2026-01-13T00:00:00')).segments.length, 1, 'other groups untouched');
});

t.test('a fixed-time broadcast cuts into the loop at its second and airs once through', async (t) => {
  const c = baseCatalogue();
  c.schedules.push({ id: 'sch-day', playlistId: 'pl-evening', target: { kind: 'all' }, priority: 1, createdAt: at() });
  c.broadcasts.push({ id: 'bc-1', name: '整点广播', playlistId: 'pl-bell', target: { kind: 'siteTypes', siteTypes: ['mall', 'loudspeaker'] }, times: ['07:00', '12:00', '18:00'], priority: 0, createdAt: at() });
  const tl = resolveTimeline(c, mall, sh('2026-01-12T06:00:00'), sh('2026-01-12T13:00:00'));
  t.same(summary(tl), [
    ['22:00:00', 'schedule', 'sch-day', 'm-evening'],
    ['23:00:00', 'broadcast', 'bc-1', 'm-bell'],
    ['23:00:30', 'schedule', 'sch-day', 'm-evening'],
    ['04:00:00', 'broadcast', 'bc-1', 'm-bell'],
    ['04:00:30', 'schedule', 'sch-day', 'm-evening'],
  ]);
  t.equal(tl.segments[1]!.mode, 'once');
  t.equal(tl.segments[1]!.anchor, sh('2026-01-12T07:00:00'));
  t.match(tl.segments[1]!.beat, [{ kind: 'schedule', id: 'sch-day' }, { kind: 'default' }]);
});

t.test('an alert goes above everything until cleared; a broadcast under it resumes from its anchor', async (t) => {
  const c = baseCatalogue();
  c.media.push(audio('m-long', 10 * 60_000));
  c.playlists.push(playlist('pl-long', [['m-long']]));
  c.broadcasts.push({ id: 'bc-long', name: 'long', playlistId: 'pl-long', target: { kind: 'all' }, times: ['07:00'], priority: 0, createdAt: at() });
  c.alerts.push({ id: 'al-1', title: '新型诈骗预警', playlistId: 'pl-alert', target: { kind: 'townships', townships: ['城关镇'] }, priority: 0, startsAt: new Date(sh('2026-01-12T07:02:00')).toISOString(), clearedAt: new Date(sh('2026-01-12T07:05:00')).toISOString(), createdAt: at() });
  const tl = resolveTimeline(c, mall, sh('2026-01-12T07:00:00'), sh('2026-01-12T07:20:00'));
  t.same(summary(tl).map((s) => [s[0], s[2]]), [['23:00:00', 'bc-long'], ['23:02:00', 'al-1'], ['23:05:00', 'bc-long'], ['23:10:00', 'pl-default']]);
  t.equal(tl.segments[2]!.anchor, sh('2026-01-12T07:00:00'), 'the resumed broadcast keeps its anchor');
  const village = resolveTimeline(c, { id: 'scr-village', township: '河口乡' }, sh('2026-01-12T07:00:00'), sh('2026-01-12T07:20:00'));
  t.notOk(village.segments.some((s) => s.source.kind === 'alert'), 'another township is not alerted');
});

t.test('ties: higher priority, then the newer entry, whatever the storage order', async (t) => {
  const c = baseCatalogue();
  const older = { id: 'sch-a', playlistId: 'pl-morning', target: { kind: 'all' as const }, priority: 3, createdAt: '2026-01-01T00:00:00.000Z' };
  const newer = { id: 'sch-b', playlistId: 'pl-evening', target: { kind: 'all' as const }, priority: 3, createdAt: '2026-01-02T00:00:00.000Z' };
  const low = { id: 'sch-c', playlistId: 'pl-school', target: { kind: 'all' as const }, priority: 1, createdAt: '2026-01-03T00:00:00.000Z' };
  for (const order of [[older, newer, low], [low, newer, older]]) {
    const tl = resolveTimeline({ ...c, schedules: order }, mall, sh('2026-01-12T00:00:00'), sh('2026-01-12T01:00:00'));
    t.same(tl.segments.map((s) => s.source.id), ['sch-b']);
    t.same(tl.segments[0]!.beat.map((b) => b.id), ['sch-a', 'sch-c', 'pl-default']);
  }
});

t.test('quiet hours drop audio; a broadcast with nothing left to air gives way', async (t) => {
  const c = baseCatalogue();
  c.schedules.push({ id: 'sch-m', playlistId: 'pl-morning', target: { kind: 'all' }, priority: 1, createdAt: at() });
  c.broadcasts.push({ id: 'bc-night', name: 'night bell', playlistId: 'pl-bell', target: { kind: 'all' }, times: ['23:00', '07:00'], priority: 0, createdAt: at() });
  c.quietHours.push({ id: 'qh-1', name: '夜间静音', target: { kind: 'siteTypes', siteTypes: ['loudspeaker'] }, windows: [{ start: '22:00', end: '06:00' }], createdAt: at() });
  const village = { id: 'scr-village', siteType: 'loudspeaker' };
  const tl = resolveTimeline(c, village, sh('2026-01-12T21:00:00'), sh('2026-01-13T08:00:00'));
  t.same(summary(tl), [
    ['13:00:00', 'schedule', 'sch-m', 'm-morning,m-bell'],
    ['14:00:00', 'schedule', 'sch-m', 'm-morning'],
    ['22:00:00', 'schedule', 'sch-m', 'm-morning,m-bell'],
    ['23:00:00', 'broadcast', 'bc-night', 'm-bell'],
    ['23:00:30', 'schedule', 'sch-m', 'm-morning,m-bell'],
  ]);
  t.same(tl.segments.map((s) => s.isQuiet), [false, true, false, false, false]);
  t.equal(resolveTimeline(c, mall, sh('2026-01-12T21:00:00'), sh('2026-01-13T08:00:00')).segments.filter((s) => s.isQuiet).length, 0, 'the mall has no quiet hours');
});

t.test('media outside its validity never airs; the loop splits where it expires, then falls through', async (t) => {
  const c = baseCatalogue();
  c.media.push(text('m-expiring', { validTo: new Date(sh('2026-01-12T10:00:00')).toISOString() }), text('m-later', { validFrom: new Date(sh('2026-01-12T11:00:00')).toISOString() }));
  c.playlists.push(playlist('pl-x', [['m-expiring', 5000], ['m-later', 5000]]));
  c.schedules.push({ id: 'sch-x', playlistId: 'pl-x', target: { kind: 'all' }, priority: 1, createdAt: at() });
  c.media.push(text('m-processing', { status: 'processing' }));
  c.playlists.push(playlist('pl-wait', [['m-processing', 5000]]));
  c.alerts.push({ id: 'al-wait', title: 'not ready', playlistId: 'pl-wait', target: { kind: 'all' }, priority: 0, startsAt: at(), createdAt: at() });
  const tl = resolveTimeline(c, mall, sh('2026-01-12T09:00:00'), sh('2026-01-12T12:00:00'));
  t.same(summary(tl), [
    ['01:00:00', 'schedule', 'sch-x', 'm-expiring'],
    ['02:00:00', 'default', 'pl-default', 'm-default'],
    ['03:00:00', 'schedule', 'sch-x', 'm-later'],
  ]);
  t.ok(tl.segments.every((s) => s.source.kind !== 'alert'), 'an alert whose media is still processing does not blank the screen');
});

t.test('nothing to air anywhere: one "none" segment, never a gap', async (t) => {
  const c = { ...baseCatalogue(), defaultPlaylistId: null };
  const tl = resolveTimeline(c, mall, sh('2026-01-12T00:00:00'), sh('2026-01-12T01:00:00'));
  t.same(tl.segments.map((s) => [s.source.kind, s.items.length, s.end - s.start]), [['none', 0, 3600_000]]);
});

t.test('each screen airs in its own zone; DST days are 23 and 25 hours long', async (t) => {
  const c = baseCatalogue();
  c.schedules.push({ id: 'sch-night', playlistId: 'pl-evening', target: { kind: 'all' }, priority: 1, windows: [{ start: '01:00', end: '04:00' }], createdAt: at() });
  c.broadcasts.push({ id: 'bc-230', name: '02:30', playlistId: 'pl-alert', target: { kind: 'all' }, times: ['02:30'], priority: 0, createdAt: at() });
  const berlin = { id: 'scr-berlin', timeZone: 'Europe/Berlin' };
  const spring = resolveTimeline(c, berlin, Date.parse('2026-03-28T23:00:00Z'), Date.parse('2026-03-29T22:00:00Z'));
  const night = spring.segments.filter((s) => s.source.kind !== 'default');
  t.equal(night[0]!.start, Date.parse('2026-03-29T00:00:00Z'), '01:00 CET');
  t.equal(night.at(-1)!.end, Date.parse('2026-03-29T02:00:00Z'), '04:00 CEST: the window lasts 2 real hours');
  t.ok(night.some((s) => s.source.id === 'bc-230' && s.start === Date.parse('2026-03-29T01:30:00Z')), '02:30 does not exist: the broadcast airs at 03:30 CEST');
  const autumn = resolveTimeline(c, berlin, Date.parse('2026-10-24T22:00:00Z'), Date.parse('2026-10-25T23:00:00Z'));
  const late = autumn.segments.filter((s) => s.source.kind !== 'default');
  t.equal(late.at(-1)!.end - late[0]!.start, 4 * 3600_000, '01:00–04:00 lasts 4 real hours on the 25-hour day');
  t.equal(late.filter((s) => s.source.id === 'bc-230').length, 1, 'the 02:30 broadcast airs once, at the first 02:30');
  t.equal(late.find((s) => s.source.id === 'bc-230')!.start, Date.parse('2026-10-25T00:30:00Z'));
  const shanghai = resolveTimeline(c, { id: 'scr-sh' }, Date.parse('2026-03-28T16:00:00Z'), Date.parse('2026-03-29T16:00:00Z'));
  t.equal(segmentAt(shanghai.segments, Date.parse('2026-03-28T17:00:00Z'))!.source.id, 'sch-night', 'the default zone is Shanghai');
});

function at(): string {
  return '2026-01-01T00:00:00.000Z';
}

t.test("a broadcast's length at a station does not become a screen's (one catalogue, station resolved first)", async (t) => {
  const c = baseCatalogue();
  // pl-morning: a slogan and the bell. A station airs the bell alone (30 s); a screen both (40 s).
  c.broadcasts.push({ id: 'bc-m', name: '早间', playlistId: 'pl-morning', target: { kind: 'all' }, times: ['07:00'], priority: 0, createdAt: '2026-01-01T00:00:00Z' });
  const range = [sh('2026-01-12T06:00:00'), sh('2026-01-12T08:00:00')] as const;
  const broadcastMs = (tl: Timeline) => tl.segments.filter((s) => s.source.kind === 'broadcast').reduce((sum, s) => sum + s.end - s.start, 0);
  const alone = broadcastMs(resolveTimeline(baseCatalogueWith(c), mall, ...range));
  t.equal(alone, 40_000, 'a screen alone: the slogan and the bell');
  t.equal(broadcastMs(resolveTimeline(c, { id: 'scr-village', siteType: 'loudspeaker', mode: 'audio' }, ...range)), 30_000, 'a station: the bell');
  t.equal(broadcastMs(resolveTimeline(c, mall, ...range)), alone, 'the screen after the station, same catalogue object: still both');
});

/** A copy, so nothing cached for `c` is shared. */
const baseCatalogueWith = (c: ReturnType<typeof baseCatalogue>) => structuredClone(c);
