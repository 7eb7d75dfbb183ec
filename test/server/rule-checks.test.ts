// Schedule conflicts (server/services/rule.checks.ts): the same answers as before, at a cost in proportion to
// the entries compared, not entries × screens (issue 14: a new entry at ~850 entries and 10,000 screens took 2.2 s).
import t from 'tap';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { ScheduleEntry, Target } from '../../playlists/schedule.schema.js';
import { checkScheduleConflicts } from '../../server/services/rule.checks.js';

const SCREENS = 2_000;
const screens = Array.from({ length: SCREENS }, (_, i) => ({ id: `scr-${i}`, township: i < 100 ? '城关镇' : '东乡镇', groups: [] as string[] }));
const entry = (id: string, target: Target, windows = [{ start: '08:00', end: '10:00' }], priority = 1) =>
  ({ id, playlistId: 'pl-1', target, priority, windows }) as unknown as ScheduleEntry;
// 200 entries of equal priority and clashing times, each on a screen of its own (scr-1000 … scr-1199).
const existing = Array.from({ length: 200 }, (_, i) => entry(`sch-${i}`, { kind: 'screens', screenIds: [`scr-${1000 + i}`] }));

/** A catalogue whose screens count every read of an element, as a scan of the fleet would make. */
function countingCatalogue(schedules: ScheduleEntry[]) {
  let reads = 0;
  const counted = new Proxy(screens, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { catalogue: { screens: counted, schedules } as unknown as Catalogue, reads: () => reads };
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
  // Before: each of the 200 entries scanned all 2,000 screens (400,000 reads).
  t.ok(reads() <= SCREENS, `${reads()} screen reads for 200 entries of ${SCREENS} screens`);
});
