// A screen's rules are found through the rule lists' indexes (playlists/catalogue.index.ts), which commits
// carry from one catalogue to the next: a new catalogue (every commit makes one) costs no pass over its
// thousands of schedule entries before a manifest can be keyed or resolved (issue 14: at 10,000 entries
// each commit's first manifest sorted and indexed all of them). Counted in element reads, not time.
import t from 'tap';
import { emptyCatalogue, type Catalogue } from '../../playlists/catalogue.schema.js';
import type { ScheduleEntry } from '../../playlists/schedule.schema.js';
import { manifestKey } from '../../playlists/timeline-manifest.js';
import { screenSignature } from '../../playlists/timeline.js';

const ENTRIES = 2000;
const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
const entry = (i: number, screenId: string, priority = 1): ScheduleEntry =>
  ({ id: `sch-${String(i).padStart(5, '0')}`, playlistId: 'pl-1', target: { kind: 'screens', screenIds: [screenId] }, priority, createdAt: at(i) }) as ScheduleEntry;

/** Entries each on a screen of its own, in a list that counts every read of an element. */
function countingEntries() {
  let reads = 0;
  const list = Array.from({ length: ENTRIES }, (_, i) => entry(i, `scr-${i}`));
  const counted = new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { schedules: counted, reads: () => reads };
}

t.test('a new catalogue sharing the entries (a commit that changed something else) reads none of them to key a screen', async (t) => {
  const { schedules, reads } = countingEntries();
  const first = { ...emptyCatalogue(), schedules } as Catalogue;
  const now = new Date('2026-01-05T04:00:00Z');
  manifestKey(first, { id: 'scr-7' }, now);
  const warm = reads();
  t.ok(warm <= ENTRIES + 5, `the first catalogue indexes its entries once (${warm} reads)`);
  for (let k = 0; k < 5; k++) {
    const next = { ...first, seededDefaults: [`x${k}`] } as Catalogue;
    manifestKey(next, { id: `scr-${10 + k}` }, now);
    screenSignature(next, { id: `scr-${20 + k}` });
  }
  // Before: each new catalogue sorted its entries by age and indexed them by target (4,000 reads each).
  t.ok(reads() - warm <= 20, `five new catalogues: ${reads() - warm} entry reads`);
});
// The tie-break among equals (newer wins, whatever the storage order) is test/playlists/timeline.test.ts's "ties".
