// ISO weeks ("2027-W03", Monday to Sunday) as the police count them, on the wall-clock day numbers of
// playlists/wall-clock.ts. Pure.
import { z } from 'zod';
import { dateOf, dayOf, isoWeekday, type DayNumber } from '../../playlists/wall-clock.js';

const ISO_WEEK = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;
export const IsoWeekSchema = z
  .string()
  .regex(ISO_WEEK, 'ISO week: YYYY-Www, e.g. 2027-W03')
  // zod runs refinements after a failed regex too: only a well-formed week can be checked against the calendar.
  .refine((w) => !ISO_WEEK.test(w) || weekOfDay(mondayOf(w)) === w, 'no such ISO week in that year');

/** The Monday of ISO week 1 of a year: the week holding 4 January. */
const weekOneMonday = (year: number): DayNumber => {
  const jan4 = dayOf(`${String(year).padStart(4, '0')}-01-04`);
  return jan4 - (isoWeekday(jan4) - 1);
};

export function weekOfDay(day: DayNumber): string {
  const thursday = day - isoWeekday(day) + 4;
  const year = Number(dateOf(thursday).slice(0, 4));
  const week = Math.floor((thursday - weekOneMonday(year)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function mondayOf(week: string): DayNumber {
  const [year, w] = [Number(week.slice(0, 4)), Number(week.slice(6))];
  return weekOneMonday(year) + (w - 1) * 7;
}

/** The seven local dates of a week, Monday first. */
export const datesOfWeek = (week: string) => Array.from({ length: 7 }, (_, i) => dateOf(mondayOf(week) + i));

/** Last year's week of the same number (week 53 compares with 52 when last year had none). */
export function sameWeekLastYear(week: string): string {
  const year = Number(week.slice(0, 4)) - 1;
  const candidate = `${year}-${week.slice(5)}`;
  return weekOfDay(mondayOf(candidate)) === candidate ? candidate : `${year}-W52`;
}

/** The week before the one containing `day`: what a Monday-morning report covers. */
export const previousWeek = (day: DayNumber) => weekOfDay(day - 7);

/** Weeks of the same year up to and including `week` whose Thursday falls in the same quarter. */
export function quarterWeeksUpTo(week: string): string[] {
  const quarterOf = (w: string) => Math.floor((Number(dateOf(mondayOf(w) + 3).slice(5, 7)) - 1) / 3);
  const q = quarterOf(week);
  const weeks: string[] = [];
  for (let day = mondayOf(week); weekOfDay(day).slice(0, 4) === week.slice(0, 4) && quarterOf(weekOfDay(day)) === q; day -= 7) weeks.unshift(weekOfDay(day));
  return weeks;
}

/** Weeks of the same ISO year up to and including `week`. */
export function yearWeeksUpTo(week: string): string[] {
  const n = Number(week.slice(6));
  return Array.from({ length: n }, (_, i) => `${week.slice(0, 4)}-W${String(i + 1).padStart(2, '0')}`);
}
