// Volume schedules: how loud a screen or loudspeaker airs at each time of day, in the screen's own zone.
// A level may wrap past midnight (22:00–06:00, belonging to the day it starts on, as quiet hours do);
// outside its levels a schedule says `defaultVolume`, or nothing. docs/scheduling.md gives the rules.
import * as z from 'zod';
import { IdSchema, IsoTimeSchema } from './primitives.schema.js';
import { TargetSchema, WallEndTimeSchema, WallTimeSchema, WeekdaySchema } from './schedule.schema.js';

/** 0 (silent) … 100 (full): the share of the OS volume the player uses. */
export const VolumeSchema = z.number().int().min(0).max(100);

/** Times are checked for format here; empty and overlapping levels are refused by the API with a reason. */
export const VolumeLevelSchema = z.object({ from: WallTimeSchema, to: WallEndTimeSchema, volume: VolumeSchema });
export type VolumeLevel = z.infer<typeof VolumeLevelSchema>;

export const VolumeScheduleShape = {
  id: IdSchema,
  name: z.string().trim().min(1).max(120),
  target: TargetSchema,
  /** ISO weekdays (1 = Monday) on which its levels and default apply; absent means every day. */
  weekdays: z.array(WeekdaySchema).min(1).max(7).optional(),
  levels: z.array(VolumeLevelSchema).min(1).max(24),
  /** The volume outside the levels on its weekdays; absent leaves those hours to a less specific schedule. */
  defaultVolume: VolumeSchema.optional(),
  createdAt: IsoTimeSchema,
  updatedAt: IsoTimeSchema.optional(),
};
export const VolumeScheduleSchema = z.object(VolumeScheduleShape);
export type VolumeSchedule = z.infer<typeof VolumeScheduleSchema>;
