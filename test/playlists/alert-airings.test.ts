// An urgent alert at a village loudspeaker airs its audio the N times the clerk asked for, counted from
// when the clip could first air, and then the station goes back to its schedule; screens keep the alert
// for its whole life. A station that reloads mid-alert (a manifest built later) picks up at the airing
// in progress, never at the first one again.
import t from 'tap';
import { ALERT_TAIL_MS } from '../../playlists/alert-airings.js';
import { onceIndexAt, planSegmentAt } from '../../playlists/airing-plan.js';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { buildTimelineManifest } from '../../playlists/timeline-manifest.js';
import { resolveTimeline, type Timeline } from '../../playlists/timeline.js';
import { at, audio, baseCatalogue, playlist, text } from '../fixtures/scheduling.js';

const sh = (local: string) => Date.parse(`${local}+08:00`);
const iso = (ms: number) => new Date(ms).toISOString();
const station = { id: 'scr-village', township: '河口乡', siteType: 'loudspeaker', mode: 'audio' as const };
const mall = { id: 'scr-mall', township: '城关镇', siteType: 'mall', mode: 'screen' as const };
const T0 = sh('2026-01-12T10:00:00');
const CLIP_MS = 8_000;
/** The clip finished its loudness pass 4 s after the alert went out. */
const READY = T0 + 4_000;
const kinds = (tl: Timeline) => tl.segments.map((s) => [s.start - T0, s.source.kind, s.mode, s.items.map((i) => i.id).join(',')]);

/** Stations air the bell schedule; the alert's playlist is its words (screens) and its spoken clip (stations). */
function withAlert(alert: Partial<Catalogue['alerts'][number]> = {}): Catalogue {
  const c = baseCatalogue();
  c.screens.find((s) => s.id === 'scr-village')!.mode = 'audio';
  c.schedules.push({ id: 'sch-bell', playlistId: 'pl-bell', target: { kind: 'all' }, priority: 1, createdAt: at });
  c.media.push(text('m-words'), { ...audio('m-clip', CLIP_MS), readyAt: iso(READY) });
  c.playlists.push({ ...playlist('pl-urgent', [['m-words', 20_000], ['m-clip']]), updatedAt: iso(T0 + 1_000) });
  c.alerts.push({ id: 'al-1', title: '紧急通知', playlistId: 'pl-urgent', target: { kind: 'all' }, priority: 0, startsAt: iso(T0), airings: 3, createdAt: iso(T0), ...alert });
  return c;
}

t.test('a station airs the alert clip N times from when it is ready, then its schedule again', async (t) => {
  const c = withAlert();
  const tl = resolveTimeline(c, station, T0 - 60_000, T0 + 600_000);
  const end = 4_000 + 3 * CLIP_MS + ALERT_TAIL_MS;
  t.same(kinds(tl), [
    [-60_000, 'schedule', 'loop', 'pl-bell-i0'],
    [4_000, 'alert', 'once', 'pl-urgent-i1,pl-urgent-i1_air2,pl-urgent-i1_air3'],
    [end, 'schedule', 'loop', 'pl-bell-i0'],
  ]);
  const alert = tl.segments[1]!;
  t.equal(alert.anchor, READY, 'counted from the moment the clip could air, not the alert\'s start');
  t.same(alert.items.map((i) => i.mediaId), ['m-clip', 'm-clip', 'm-clip'], 'the same clip, three airings, one record id each');
  t.same(tl.segments[2]!.beat, [{ kind: 'default', id: 'pl-default', priority: 0 }], 'afterwards the alert no longer holds the station');

  const screen = resolveTimeline(c, mall, T0 - 60_000, T0 + 600_000);
  t.same(kinds(screen).map((s) => s.slice(0, 3)), [[-60_000, 'schedule', 'loop'], [0, 'alert', 'loop']], 'a screen shows the alert for its whole life');
});

t.test('a station that reloads mid-alert continues the count from the airing in progress', async (t) => {
  const c = withAlert();
  const sent = buildTimelineManifest(c, station, new Date(READY + 1_000))!;
  const reloaded = buildTimelineManifest(c, station, new Date(READY + CLIP_MS + 3_000))!;
  t.equal(reloaded.version, sent.version, 'the same plan whenever the manifest is built');
  const now = READY + CLIP_MS + 3_000;
  const segment = planSegmentAt(reloaded, now);
  t.equal(segment.sourceKind, 'alert');
  t.equal(segment.mode, 'once');
  t.equal(segment.anchor, READY);
  t.equal(segment.items.length, 3);
  t.equal(onceIndexAt(segment.items, now - segment.anchor!), 1, 'the second airing, not the first again');
  t.equal(onceIndexAt(segment.items, READY + 3 * CLIP_MS + 1_000 - segment.anchor!), -1, 'after the third, none: the station waits out the tail');
  t.equal(planSegmentAt(reloaded, READY + 3 * CLIP_MS + ALERT_TAIL_MS).sourceKind, 'schedule', 'then its schedule resumes');
});

t.test('before its clip is ready, a station keeps its schedule; without a count the clip loops for the alert\'s life', async (t) => {
  const processing = withAlert();
  const clip = processing.media.find((m) => m.id === 'm-clip')!;
  clip.status = 'processing';
  delete clip.readyAt;
  const waiting = resolveTimeline(processing, station, T0 - 60_000, T0 + 600_000);
  t.same(waiting.segments.map((s) => s.source.kind), ['schedule', 'schedule'], 'nothing to say yet: the schedule goes on');
  t.equal(waiting.segments[1]!.passed[0]?.source.id, 'al-1', 'and the preview says the alert had no audio to air');

  const c = withAlert({ airings: undefined });
  const looping = resolveTimeline(c, station, T0 - 60_000, T0 + 600_000);
  t.same(kinds(looping).map((s) => s.slice(0, 3)), [[-60_000, 'schedule', 'loop'], [0, 'alert', 'loop']], 'a playlist alert without a count loops while it is on');
});

t.test('the alert ends first: its airings stop with it; a one-airing alert is one copy', async (t) => {
  const cleared = withAlert({ clearedAt: iso(READY + CLIP_MS + 2_000) });
  const tl = resolveTimeline(cleared, station, T0 - 60_000, T0 + 600_000);
  t.same(kinds(tl).map((s) => s.slice(0, 2)), [[-60_000, 'schedule'], [4_000, 'alert'], [4_000 + CLIP_MS + 2_000, 'schedule']]);
  const early = withAlert({ clearedAt: iso(READY - 1_000) });
  t.notOk(resolveTimeline(early, station, T0 - 60_000, T0 + 600_000).segments.some((s) => s.source.kind === 'alert'), 'cleared before its clip was ready: never aired at stations');
  const once = resolveTimeline(withAlert({ airings: 1 }), station, T0 - 60_000, T0 + 600_000);
  t.same(once.segments[1]!.items.map((i) => i.id), ['pl-urgent-i1']);
  t.equal(once.segments[2]!.start, READY + CLIP_MS + ALERT_TAIL_MS);
});

t.test('in quiet hours the alert does not sound at stations (as before); airings are counted in time, not saved up', async (t) => {
  // The clip is ready at 09:59:40, inside quiet hours that end at 10:00.
  const c = withAlert({ startsAt: iso(T0 - 60_000) });
  c.quietHours.push({ id: 'qh-1', name: '静音', target: { kind: 'all' }, windows: [{ start: '09:00', end: '10:00' }], createdAt: at });
  c.media.find((m) => m.id === 'm-clip')!.readyAt = iso(T0 - 20_000);
  c.playlists.find((p) => p.id === 'pl-urgent')!.updatedAt = iso(T0 - 30_000);
  const tl = resolveTimeline(c, station, T0 - 120_000, T0 + 600_000);
  t.same(
    tl.segments.map((s) => [s.start - T0, s.source.kind, s.isQuiet, s.items.length]),
    [
      [-120_000, 'none', true, 0],
      [0, 'alert', false, 3],
      [-20_000 + 3 * CLIP_MS + ALERT_TAIL_MS, 'schedule', false, 1],
    ],
    'silent while quiet hours last; what is left of the airings airs after them, then the schedule',
  );
  t.equal(onceIndexAt(tl.segments[1]!.items, T0 - tl.segments[1]!.anchor!), 2, 'at 10:00 the third airing is due, so only it airs');
  t.ok(resolveTimeline(c, mall, T0 - 120_000, T0 + 600_000).segments.some((s) => s.source.kind === 'alert' && s.start === T0 - 60_000), 'screens show it in quiet hours too');
});
