// Schedule conflicts (server/services/rule.checks.ts): the same answers as before, at a cost in proportion to
// the entries that can clash, not entries × screens (issue 14: a new entry at ~850 entries and 10,000 screens
// took 2.2 s), nor a pass over every entry and screen (a POST at 10,000 screens took ~30 ms, most of it there).
import t from 'tap';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { ScheduleEntry, Target } from '../../playlists/schedule.schema.js';
import { checkScheduleConflicts, checkTarget } from '../../server/services/rule.checks.js';
import { buildTestApp } from '../helper.js';

const SCREENS = 2_000;
const screens = Array.from({ length: SCREENS }, (_, i) => ({ id: `scr-${i}`, township: i < 100 ? '城关镇' : '东乡镇', groups: [] as string[] }));
const entry = (id: string, target: Target, windows = [{ start: '08:00', end: '10:00' }], priority = 1) =>
  ({ id, playlistId: 'pl-1', target, priority, windows }) as unknown as ScheduleEntry;
// 200 entries of equal priority and clashing times, each on a screen of its own (scr-1000 … scr-1199).
const existing = Array.from({ length: 200 }, (_, i) => entry(`sch-${i}`, { kind: 'screens', screenIds: [`scr-${1000 + i}`] }));

/** A catalogue whose screens and entries count every read of an element, as a scan of either would make. */
function countingCatalogue(schedules: ScheduleEntry[]) {
  const count = { screens: 0, entries: 0 };
  const counting = <T extends object>(list: T[], kind: keyof typeof count) =>
    new Proxy(list, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) count[kind]++;
        return Reflect.get(target, key, receiver);
      },
    });
  const catalogue = { screens: counting(screens, 'screens'), schedules: counting(schedules, 'entries') } as unknown as Catalogue;
  return { catalogue, reads: () => count.screens, entryReads: () => count.entries, reset: () => void ((count.screens = 0), (count.entries = 0)) };
}

const refusal = (fn: () => void) => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as { reason?: string }).reason ?? String(error);
  }
};

t.test('the answers: listed screens, townships and all against each other', async (t) => {
  const { catalogue } = countingCatalogue(existing);
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'screens', screenIds: ['scr-1005'] }))), 'schedule-conflict', 'the same screen, clashing times');
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'screens', screenIds: ['scr-5'] }))), null, 'another screen');
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'screens', screenIds: ['scr-1005'] }, [{ start: '10:00', end: '12:00' }]))), null, 'the same screen, times that only touch');
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'screens', screenIds: ['scr-1005'] }, undefined, 2))), null, 'another priority');
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'townships', townships: ['东乡镇'] }))), 'schedule-conflict', 'a township holding a listed screen');
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'townships', townships: ['城关镇'] }))), null, 'a township holding none of them');
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'all' }))), 'schedule-conflict', 'all screens');
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'screens', screenIds: ['scr-gone'] }))), null, 'a screen no longer there overlaps nothing');
  const township = entry('sch-t', { kind: 'townships', townships: ['城关镇'] });
  const withTownship = countingCatalogue([township]).catalogue;
  t.equal(refusal(() => checkScheduleConflicts(withTownship, entry('new', { kind: 'all' }))), 'schedule-conflict', 'all against a township');
  t.equal(refusal(() => checkScheduleConflicts(withTownship, entry('new', { kind: 'siteTypes', siteTypes: ['车站'] }))), null, 'a site type no screen of the township has');
});

t.test('a new entry on its own screen reads the fleet at most once, whatever the number of entries', async (t) => {
  const { catalogue, reads } = countingCatalogue(existing);
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'screens', screenIds: ['scr-1'] }))), null);
  // Before: each of the 200 entries scanned all 2,000 screens (400,000 reads). The one pass is the screens' index, built once.
  t.ok(reads() <= SCREENS + 4, `${reads()} screen reads for 200 entries of ${SCREENS} screens`);
});

t.test('once the lists are indexed, a new entry on its own screen reads a few screens and entries, not all of them', async (t) => {
  const { catalogue, reads, entryReads, reset } = countingCatalogue(existing);
  checkScheduleConflicts(catalogue, entry('warm', { kind: 'screens', screenIds: ['scr-2'] }));
  reset();
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'screens', screenIds: ['scr-1'] }))), null);
  t.equal(refusal(() => checkScheduleConflicts(catalogue, entry('new', { kind: 'screens', screenIds: ['scr-1005'] }))), 'schedule-conflict');
  // Before: every one of the 200 entries was read for each new entry, and the screens' id map built anew (2,000 reads).
  t.ok(entryReads() <= 4, `${entryReads()} entry reads for two new entries among 200`);
  t.ok(reads() <= 8, `${reads()} screen reads for two new entries among ${SCREENS} screens`);
});

t.test('a target is checked against the screens without a pass over them', async (t) => {
  const { catalogue, reads, reset } = countingCatalogue(existing);
  checkTarget(catalogue, { kind: 'townships', townships: ['东乡镇'] });
  reset();
  t.equal(refusal(() => checkTarget(catalogue, { kind: 'townships', townships: ['城关镇', '东乡镇'] })), null);
  t.equal(refusal(() => checkTarget(catalogue, { kind: 'townships', townships: ['西乡镇'] })), 'unknown-target');
  t.equal(refusal(() => checkTarget(catalogue, { kind: 'screens', screenIds: ['scr-7'] })), null);
  t.equal(refusal(() => checkTarget(catalogue, { kind: 'screens', screenIds: ['scr-7', 'scr-none'] })), 'unknown-target');
  t.equal(refusal(() => checkTarget(catalogue, { kind: 'groups', groups: ['学校'] })), 'unknown-target');
  // Before: each check mapped the whole fleet (2,000 reads each).
  t.ok(reads() <= 4, `${reads()} screen reads for five checks`);
});

t.test('in one commit batch, an entry another change just moved onto a screen still counts as a clash', async (t) => {
  const app = await buildTestApp(t);
  const { catalogue, schedules } = app.crier;
  await catalogue.update((d) => {
    for (const id of ['scr-a', 'scr-b']) d.screens.push({ id, name: id, isProvisional: false, township: '城关镇', groups: [], createdAt: '2026-01-01T00:00:00Z' });
  });
  const playlistId = catalogue.read().defaultPlaylistId!;
  const on = (screenId: string) => ({ playlistId, target: { kind: 'screens' as const, screenIds: [screenId] }, priority: 3, windows: [{ start: '08:00', end: '10:00' }] });
  const moved = await schedules.create(on('scr-a'));
  // A change in flight, so the next two are applied together on one draft.
  const first = catalogue.update(() => undefined);
  const results = await Promise.allSettled([schedules.update(moved.id, on('scr-b')), schedules.create(on('scr-b'))]);
  await first;
  t.equal(results[0].status, 'fulfilled', 'the move is stored');
  t.equal(results[1].status === 'rejected' && (results[1].reason as { reason?: string }).reason, 'schedule-conflict', 'the new entry clashes with the moved one');
  t.equal(catalogue.read().schedules.filter((s) => s.priority === 3).length, 1, 'only the moved entry is stored');
  t.same(catalogue.read().schedules.find((s) => s.id === moved.id)?.target, { kind: 'screens', screenIds: ['scr-b'] });
});
