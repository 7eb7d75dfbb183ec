// isoTime writes what Date#toISOString writes, for any time a Date can hold: across days (its cached
// date part), before 1970, beyond year 9999, fractions of a millisecond; and throws where it throws.
import fc from 'fast-check';
import t from 'tap';
import { isoTime } from '../../server/storage/iso-time.js';

const MAX_MS = 8.64e15;
const same = (ms: number) => isoTime(ms) === new Date(ms).toISOString();

t.test('equals toISOString on any millisecond, in any order of days', async (t) => {
  fc.assert(fc.property(fc.array(fc.integer({ min: -MAX_MS, max: MAX_MS }), { minLength: 1, maxLength: 20 }), (times) => times.every(same)));
  // A day's plays: many times in one day, then the next, then back (the cached date part must follow).
  const day = Date.parse('2027-01-11T00:00:00Z');
  fc.assert(fc.property(fc.array(fc.integer({ min: day - 86_400_000, max: day + 2 * 86_400_000 }), { minLength: 1, maxLength: 200 }), (times) => times.every(same)));
  t.pass('properties hold');
});

t.test('the edges', async (t) => {
  for (const ms of [0, -0, -1, 1, 999, 1000, 86_399_999, 86_400_000, -86_400_000, -86_400_001, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_001, MAX_MS, -MAX_MS, 1.5, -1.5, 1_798_128_000_000.9999]) {
    t.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
  }
  for (const ms of [MAX_MS + 1, -MAX_MS - 1, Number.NaN, Number.POSITIVE_INFINITY]) t.throws(() => isoTime(ms), RangeError, `${ms} is no time`);
});
