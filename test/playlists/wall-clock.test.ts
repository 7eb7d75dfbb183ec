// Wall clock ↔ instants in Shanghai (no DST) and Berlin / New York (DST gaps and overlaps).
import t from 'tap';
import { dayOf, formatInZone, isoWeekday, localDayAt, startOfLocalDay, usableTimeZone, wallToInstant, zoneOffsetMs } from '../../playlists/wall-clock.js';

const iso = (ms: number) => new Date(ms).toISOString();

t.test('Shanghai is UTC+8 all year', async (t) => {
  t.equal(iso(wallToInstant(dayOf('2026-01-10'), 7 * 60, 'Asia/Shanghai')), '2026-01-09T23:00:00.000Z');
  t.equal(iso(wallToInstant(dayOf('2026-07-10'), 24 * 60, 'Asia/Shanghai')), '2026-07-10T16:00:00.000Z', '24:00 is the next midnight');
  t.same(localDayAt(Date.parse('2026-01-09T23:30:00Z'), 'Asia/Shanghai'), { day: dayOf('2026-01-10'), minuteOfDay: 7 * 60 + 30 });
  t.equal(formatInZone(Date.parse('2026-01-09T23:00:00Z'), 'Asia/Shanghai'), '2026-01-10T07:00:00+08:00');
});

t.test('weekdays are ISO (Monday 1 … Sunday 7)', async (t) => {
  t.equal(isoWeekday(dayOf('2026-01-12')), 1);
  t.equal(isoWeekday(dayOf('2026-01-10')), 6);
  t.equal(isoWeekday(dayOf('2026-01-11')), 7);
  t.equal(isoWeekday(dayOf('1969-12-29')), 1, 'before 1970 too');
});

t.test('Berlin spring forward: a wall time in the gap moves forward by the gap', async (t) => {
  const day = dayOf('2026-03-29');
  t.equal(iso(wallToInstant(day, 1 * 60 + 59, 'Europe/Berlin')), '2026-03-29T00:59:00.000Z');
  t.equal(iso(wallToInstant(day, 2 * 60 + 30, 'Europe/Berlin')), '2026-03-29T01:30:00.000Z', '02:30 does not exist: 03:30 CEST');
  t.equal(iso(wallToInstant(day, 3 * 60, 'Europe/Berlin')), '2026-03-29T01:00:00.000Z');
  t.equal(zoneOffsetMs(Date.parse('2026-03-29T02:00:00Z'), 'Europe/Berlin'), 2 * 3600_000);
  t.equal(startOfLocalDay(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin'), Date.parse('2026-03-28T23:00:00Z'));
});

t.test('Berlin fall back: a wall time that happens twice means the first', async (t) => {
  const day = dayOf('2026-10-25');
  t.equal(iso(wallToInstant(day, 2 * 60 + 30, 'Europe/Berlin')), '2026-10-25T00:30:00.000Z', 'the CEST one');
  t.equal(iso(wallToInstant(day, 3 * 60, 'Europe/Berlin')), '2026-10-25T02:00:00.000Z');
  t.equal(wallToInstant(day + 1, 0, 'Europe/Berlin') - wallToInstant(day, 0, 'Europe/Berlin'), 25 * 3600_000, 'the day has 25 hours');
});

t.test('New York: gap at 02:00 in March, overlap at 01:00 in November', async (t) => {
  t.equal(iso(wallToInstant(dayOf('2026-03-08'), 2 * 60 + 15, 'America/New_York')), '2026-03-08T07:15:00.000Z', '03:15 EDT');
  t.equal(iso(wallToInstant(dayOf('2026-11-01'), 1 * 60 + 30, 'America/New_York')), '2026-11-01T05:30:00.000Z', '01:30 EDT, the first');
});

t.test('an unknown zone falls back to the default instead of failing', async (t) => {
  t.equal(usableTimeZone('Mars/Olympus'), 'Asia/Shanghai');
  t.equal(usableTimeZone(undefined, 'Europe/Berlin'), 'Europe/Berlin');
  t.equal(usableTimeZone('America/New_York'), 'America/New_York');
});

// wallToInstant takes a shortcut on days with no offset change near them: it must agree with the full
// search (the definition, kept here) on every day and minute, in zones with odd and half-hour changes.
t.test('wallToInstant agrees with the full search in zones with daylight saving', async (t) => {
  const reference = (day: number, minute: number, zone: string) => {
    const wall = day * 86_400_000 + minute * 60_000;
    const before = zoneOffsetMs(wall - 86_400_000, zone);
    const after = zoneOffsetMs(wall + 86_400_000, zone);
    if (before === after) return wall - before;
    const early = wall - before;
    const late = wall - after;
    const isEarlyReal = zoneOffsetMs(early, zone) === before;
    const isLateReal = zoneOffsetMs(late, zone) === after;
    return isEarlyReal && isLateReal ? Math.min(early, late) : isEarlyReal ? early : isLateReal ? late : wall - before;
  };
  let checked = 0;
  for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Shanghai']) {
    for (let day = dayOf('2026-01-01'); day < dayOf('2027-01-01'); day++) {
      for (const minute of [0, 1, 59, 90, 119, 120, 121, 150, 179, 180, 181, 719, 1380, 1439, 1440]) {
        if (wallToInstant(day, minute, zone) !== reference(day, minute, zone)) t.fail(`${zone} ${day} ${minute}`);
        checked++;
      }
    }
  }
  t.equal(checked, 5 * 365 * 15, 'every day of 2026 in five zones');
});
