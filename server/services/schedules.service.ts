// Schedule entries: a playlist on a target for a date range, weekdays and daily windows (dayparts),
// with a priority. Fixed-time broadcasts and quiet hours are kept the same way; alerts have their own service.
import { z } from 'zod';
import {
  BroadcastShape,
  QuietHoursShape,
  QuietWindowSchema,
  ScheduleEntryShape,
  TimeWindowObjectSchema,
} from '../../playlists/schedule.schema.js';
import type { Clock } from '../clock.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import { checkBroadcastConflicts, checkCalendar, checkPlaylist, checkScheduleConflicts, checkTarget } from './rule.checks.js';
import { createRuleService } from './rules.service.js';

const { id: _s, createdAt: _sc, updatedAt: _su, ...scheduleFields } = ScheduleEntryShape;
/** Window order is checked by the service (422 end-before-start), not by the body schema. */
export const ScheduleInputSchema = z.object({ ...scheduleFields, windows: z.array(TimeWindowObjectSchema).min(1).max(24).optional() });
export type ScheduleInput = z.infer<typeof ScheduleInputSchema>;

const { id: _b, createdAt: _bc, updatedAt: _bu, ...broadcastFields } = BroadcastShape;
export const BroadcastInputSchema = z.object(broadcastFields);
export type BroadcastInput = z.infer<typeof BroadcastInputSchema>;

const { id: _q, createdAt: _qc, updatedAt: _qu, ...quietFields } = QuietHoursShape;
export const QuietHoursInputSchema = z.object({ ...quietFields, windows: z.array(QuietWindowSchema).min(1).max(12) });
export type QuietHoursInput = z.infer<typeof QuietHoursInputSchema>;

interface Deps {
  catalogue: CatalogueStore;
  clock: Clock;
  onChange: () => void;
}

export type SchedulesService = ReturnType<typeof createSchedulesService>;
export function createSchedulesService(deps: Deps) {
  return createRuleService<'schedules', ScheduleInput>({
    ...deps,
    collection: 'schedules',
    idPrefix: 'sch',
    label: '排期 schedule',
    check(draft, entry) {
      checkPlaylist(draft, entry.playlistId);
      checkTarget(draft, entry.target);
      checkCalendar(entry);
      checkScheduleConflicts(draft, entry);
    },
  });
}

export type BroadcastsService = ReturnType<typeof createBroadcastsService>;
export function createBroadcastsService(deps: Deps) {
  return createRuleService<'broadcasts', BroadcastInput>({
    ...deps,
    collection: 'broadcasts',
    idPrefix: 'bc',
    label: '定时广播 broadcast',
    check(draft, broadcast, now) {
      checkPlaylist(draft, broadcast.playlistId);
      checkTarget(draft, broadcast.target);
      checkCalendar(broadcast);
      checkBroadcastConflicts(draft, broadcast, now);
    },
  });
}

export type QuietHoursService = ReturnType<typeof createQuietHoursService>;
export function createQuietHoursService(deps: Deps) {
  return createRuleService<'quietHours', QuietHoursInput>({
    ...deps,
    collection: 'quietHours',
    idPrefix: 'qh',
    label: '静音时段 quiet hours',
    check(draft, rule) {
      checkTarget(draft, rule.target);
      // Quiet windows may wrap past midnight (22:00–06:00), so only the dates are checked.
      checkCalendar({ startDate: rule.startDate, endDate: rule.endDate });
    },
  });
}
