// Gathers one screen-day's inputs from the airing log and the catalogue and builds its as-run log
// with the chain check of the day's records. Shared by the proof route and the campaign reports.
import { screenById } from '../../playlists/catalogue.index.js';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { AppError } from '../errors.js';
import type { AiringReports } from '../storage/airing.reports.js';
import { localDayBucket } from '../storage/local-day.js';
import { buildAsRun } from './as-run.js';

export function createAsRunService(deps: { catalogue: () => Readonly<Catalogue>; reports: AiringReports; timeZone: string }) {
  return {
    async asRun(screenId: string, day: string) {
      const catalogue = deps.catalogue();
      const screen = screenById(catalogue, screenId);
      if (!screen) throw new AppError(404, 'not-found', `未找到屏幕 / no screen ${screenId}`);
      const { start: from, end: to } = localDayBucket(day, deps.timeZone);
      // The day's plays and their chain check come from one read of its records (the proof's bulk).
      const { plays, chain } = await deps.reports.screenDay(screenId, from, to);
      const health = (await deps.reports.healthBetween(screenId, from, to)).map((h) => ({ ...(h.details as object), at: h.at }));
      const online = await deps.reports.onlineIntervals(screenId, from, to);
      return { ...buildAsRun({ catalogue, screen, day, from, to, timeZone: deps.timeZone, plays, online, health }), chain };
    },
  };
}
export type AsRunService = ReturnType<typeof createAsRunService>;
