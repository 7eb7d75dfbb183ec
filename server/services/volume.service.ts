// Volume schedules over the rules-service pattern: checked (target reaches a screen, levels non-empty and
// not overlapping, wrapped ones included), stored, and republished to the players they reach.
import { z } from 'zod';
import { levelLabel, levelsOverlap } from '../../playlists/volume.js';
import { VolumeScheduleShape, type VolumeSchedule } from '../../playlists/volume.schema.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import { checkTarget } from './rule.checks.js';
import { createRuleService } from './rules.service.js';

const { id: _v, createdAt: _vc, updatedAt: _vu, ...volumeFields } = VolumeScheduleShape;
export const VolumeScheduleInputSchema = z.object(volumeFields);
export type VolumeScheduleInput = z.infer<typeof VolumeScheduleInputSchema>;

/** Each level says one volume for its minutes: an empty level or two levels sharing a minute are refused. */
export function checkVolumeLevels(rule: Pick<VolumeSchedule, 'levels'>): void {
  rule.levels.forEach((level, i) => {
    if (level.from === level.to) {
      throw new AppError(422, 'empty-level', `第 ${i + 1} 个音量时段的开始与结束相同 / level ${i + 1}: from and to are both ${level.from} (for the whole day use 00:00–24:00)`);
    }
    const j = rule.levels.findIndex((other, k) => k < i && levelsOverlap(other, level));
    if (j >= 0) {
      throw new AppError(
        422,
        'volume-levels-overlap',
        `第 ${i + 1} 个音量时段 ${levelLabel(level)} 与第 ${j + 1} 个 ${levelLabel(rule.levels[j]!)} 重叠 / level ${i + 1} (${levelLabel(level)}) overlaps level ${j + 1} (${levelLabel(rule.levels[j]!)})`,
      );
    }
  });
}

export type VolumeSchedulesService = ReturnType<typeof createVolumeSchedulesService>;
export function createVolumeSchedulesService(deps: { catalogue: CatalogueStore; clock: Clock; onChange: () => void }) {
  return createRuleService<'volumeSchedules', VolumeScheduleInput>({
    ...deps,
    collection: 'volumeSchedules',
    idPrefix: 'vol',
    label: '音量计划 volume schedule',
    check(draft, rule) {
      checkTarget(draft, rule.target);
      checkVolumeLevels(rule);
    },
  });
}

