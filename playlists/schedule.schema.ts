// Scheduling rules staff write: who (targets), when (dates, weekdays, daily windows, fixed times) and what
// (a playlist), at which layer (schedule entry, fixed-time broadcast, alert) — plus quiet hours. Wall-clock
// fields are read in each screen's own time zone; docs/scheduling.md gives the rules in full.
import * as z from 'zod';
import { IdSchema, IsoTimeSchema } from './primitives.schema.js';

const bilingual = (zh: string, en: string) => `${zh} / ${en}`;

/** "HH:MM" on a 24-hour clock, 00:00–23:59; window ends may also say 24:00 (the end of the day). */
export const WallTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, bilingual('时间格式应为 HH:MM（00:00–23:59）', 'time must be HH:MM between 00:00 and 23:59'));
export const WallEndTimeSchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, bilingual('结束时间格式应为 HH:MM（00:00–24:00）', 'end time must be HH:MM between 00:00 and 24:00'));

/** A calendar date "YYYY-MM-DD" that exists (no 2026-02-30). */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, bilingual('日期格式应为 YYYY-MM-DD', 'date must be YYYY-MM-DD'))
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, bilingual('日期不存在', 'no such date'));

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export const WeekdaySchema = z.number().int().min(1).max(7);
export const ALL_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** Who a rule reaches. Each kind matches a screen attribute; `groups` doubles as free tags. */
export const TargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('screens'), screenIds: z.array(IdSchema).min(1).max(10_000) }),
  z.object({ kind: z.literal('groups'), groups: z.array(z.string().trim().min(1).max(60)).min(1).max(200) }),
  z.object({ kind: z.literal('townships'), townships: z.array(z.string().trim().min(1).max(60)).min(1).max(200) }),
  z.object({ kind: z.literal('siteTypes'), siteTypes: z.array(z.string().trim().min(1).max(60)).min(1).max(50) }),
]);
export type Target = z.infer<typeof TargetSchema>;

/** A daily window [start, end) in the screen's zone; a schedule window never crosses midnight (use two). */
export const TimeWindowObjectSchema = z.object({ start: WallTimeSchema, end: WallEndTimeSchema, label: z.string().trim().max(40).optional() });
export const TimeWindowSchema = TimeWindowObjectSchema.refine((w) => w.start < w.end, { message: bilingual('时段结束时间须晚于开始时间', 'window end must be after its start'), path: ['end'] });
export type TimeWindow = z.infer<typeof TimeWindowSchema>;

/** A quiet window may wrap past midnight: 22:00–06:00 runs from the evening into the next morning. */
export const QuietWindowSchema = z
  .object({ start: WallTimeSchema, end: WallEndTimeSchema })
  .refine((w) => w.start !== w.end, { message: bilingual('静音时段不能为空', 'a quiet window cannot be empty'), path: ['end'] });
export type QuietWindow = z.infer<typeof QuietWindowSchema>;

/** Dates (inclusive, in the screen's zone) and weekdays on which a rule is in force; absent means always. */
const CalendarShape = {
  startDate: LocalDateSchema.optional(),
  endDate: LocalDateSchema.optional(),
  weekdays: z.array(WeekdaySchema).min(1).max(7).optional(),
};
const datesInOrder = (v: { startDate?: string | undefined; endDate?: string | undefined }) => !v.startDate || !v.endDate || v.startDate <= v.endDate;
const datesMessage = { message: bilingual('结束日期不能早于开始日期', 'endDate must not be before startDate'), path: ['endDate'] };

export const ScheduleEntryShape = {
  id: IdSchema,
  name: z.string().trim().max(120).optional(),
  playlistId: IdSchema,
  target: TargetSchema,
  /** Higher wins; the default campaign sits at the bottom. */
  priority: z.number().int().min(0).max(1000).default(0),
  ...CalendarShape,
  /** Dayparts: the daily windows it airs in; absent means all day. */
  windows: z.array(TimeWindowSchema).min(1).max(24).optional(),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema.optional(),
};
export const ScheduleEntrySchema = z.object(ScheduleEntryShape).refine(datesInOrder, datesMessage);
export type ScheduleEntry = z.infer<typeof ScheduleEntrySchema>;

/** A fixed-time broadcast: the playlist airs once through at each time (07:00, 12:00, 18:00 …), cutting in. */
export const BroadcastShape = {
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  playlistId: IdSchema,
  target: TargetSchema,
  times: z.array(WallTimeSchema).min(1).max(48),
  priority: z.number().int().min(0).max(1000).default(0),
  ...CalendarShape,
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema.optional(),
};
export const BroadcastSchema = z.object(BroadcastShape).refine(datesInOrder, datesMessage);
export type Broadcast = z.infer<typeof BroadcastSchema>;

/** The most times an alert's audio airs at a station before the station returns to its schedule. */
export const MAX_ALERT_AIRINGS = 10;

/**
 * Urgent content above everything, from startsAt until cleared or expired: screens show it all that time;
 * audio stations air its audio `airings` times and then return to their schedule (playlists/alert-airings.ts).
 */
export const AlertShape = {
  id: IdSchema,
  title: z.string().trim().min(1).max(120),
  playlistId: IdSchema,
  target: TargetSchema,
  priority: z.number().int().min(0).max(1000).default(0),
  startsAt: IsoTimeSchema,
  expiresAt: IsoTimeSchema.optional(),
  /** Set when staff clear it; the alert stays on record (it aired, and that is traceable). */
  clearedAt: IsoTimeSchema.optional(),
  /** Audio stations air the alert's audio this many times through, then go back to their schedule; absent: it loops while the alert is on. */
  airings: z.number().int().min(1).max(MAX_ALERT_AIRINGS).optional(),
  createdAt: IsoTimeSchema,
};
export const AlertSchema = z
  .object(AlertShape)
  .refine((a) => !a.expiresAt || Date.parse(a.expiresAt) > Date.parse(a.startsAt), {
    message: bilingual('失效时间须晚于开始时间', 'expiresAt must be after startsAt'),
    path: ['expiresAt'],
  });
export type Alert = z.infer<typeof AlertSchema>;

/** Quiet hours: audio does not air (loudspeakers fall silent); screens keep showing stills and muted video. */
export const QuietHoursShape = {
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  target: TargetSchema,
  windows: z.array(QuietWindowSchema).min(1).max(12),
  ...CalendarShape,
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema.optional(),
};
export const QuietHoursSchema = z.object(QuietHoursShape).refine(datesInOrder, datesMessage);
export type QuietHours = z.infer<typeof QuietHoursSchema>;
