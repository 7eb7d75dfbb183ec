// Schedule entries place a playlist on a target with a priority. The scheduling issue adds dates,
// weekdays, dayparts, fixed-time broadcasts and alerts on top of this.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ScheduleEntrySchema, type ScheduleEntry } from '../../playlists/catalogue.schema.js';
import { AppError, notFound } from '../errors.js';
import type { Clock } from '../clock.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

export const ScheduleInputSchema = ScheduleEntrySchema.pick({ playlistId: true, target: true, priority: true });
export type ScheduleInput = z.infer<typeof ScheduleInputSchema>;

export type SchedulesService = ReturnType<typeof createSchedulesService>;

export function createSchedulesService(deps: { catalogue: CatalogueStore; clock: Clock; onChange: () => void }) {
  const { catalogue, clock, onChange } = deps;
  return {
    list: (): ScheduleEntry[] => catalogue.read().schedules,
    async create(input: ScheduleInput): Promise<ScheduleEntry> {
      const entry = await catalogue.update((draft) => {
        if (!draft.playlists.some((p) => p.id === input.playlistId)) {
          throw new AppError(422, 'unknown-playlist', `播放列表不存在 / unknown playlist: ${input.playlistId}`);
        }
        if (input.target.kind === 'screens') {
          const known = new Set(draft.screens.map((s) => s.id));
          const missing = input.target.screenIds.filter((id) => !known.has(id));
          if (missing.length) throw new AppError(422, 'unknown-target', `屏幕不存在 / unknown screens: ${missing.join(', ')}`);
        }
        const created: ScheduleEntry = { id: `sch-${randomUUID().slice(0, 8)}`, ...input, createdAt: clock.now().toISOString() };
        draft.schedules.push(created);
        return created;
      });
      onChange();
      return entry;
    },
    async remove(id: string): Promise<void> {
      await catalogue.update((draft) => {
        if (!draft.schedules.some((s) => s.id === id)) throw notFound('排期 schedule', id);
        draft.schedules = draft.schedules.filter((s) => s.id !== id);
      });
      onChange();
    },
  };
}
