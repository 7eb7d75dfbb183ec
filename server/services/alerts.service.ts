// Urgent alerts: content on a target at once, above everything, until cleared or expired. Creating one
// pushes new manifests to every targeted online player at once (the publisher runs on the next tick).
// Cleared alerts stay on record with clearedAt, so what aired when can be traced back.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { IsoTimeSchema } from '../../playlists/catalogue.schema.js';
import { AlertShape, type Alert } from '../../playlists/schedule.schema.js';
import type { Clock } from '../clock.js';
import { AppError, notFound } from '../errors.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import { checkPlaylist, checkTarget } from './rule.checks.js';

export const AlertInputSchema = z.object({
  title: AlertShape.title,
  playlistId: AlertShape.playlistId,
  target: AlertShape.target,
  priority: AlertShape.priority,
  /** Audio stations air its audio this many times, then return to their schedule; absent: it loops while on. */
  airings: AlertShape.airings,
  /** Absent: now. */
  startsAt: IsoTimeSchema.optional(),
  /** Absent (and no durationMinutes): until cleared. */
  expiresAt: IsoTimeSchema.optional(),
  durationMinutes: z.number().int().min(1).max(60 * 24 * 31).optional(),
});
export type AlertInput = z.infer<typeof AlertInputSchema>;

export const isAlertActive = (alert: Alert, now: Date) => {
  const t = now.getTime();
  const end = Math.min(alert.expiresAt ? Date.parse(alert.expiresAt) : Infinity, alert.clearedAt ? Date.parse(alert.clearedAt) : Infinity);
  return Date.parse(alert.startsAt) <= t && t < end;
};

export type AlertsService = ReturnType<typeof createAlertsService>;

export function createAlertsService(deps: { catalogue: CatalogueStore; clock: Clock; onChange: () => void }) {
  const { catalogue, clock, onChange } = deps;
  const find = (id: string) => catalogue.read().alerts.find((a) => a.id === id);

  return {
    list(filter: { active?: boolean } = {}): Alert[] {
      const all = catalogue.read().alerts;
      return filter.active === undefined ? all : all.filter((a) => isAlertActive(a, clock.now()) === filter.active);
    },
    get(id: string): Alert {
      const alert = find(id);
      if (!alert) throw notFound('紧急插播 alert', id);
      return alert;
    },
    async create(input: AlertInput): Promise<Alert> {
      const alert = await catalogue.update((draft) => {
        const now = clock.now();
        checkPlaylist(draft, input.playlistId);
        checkTarget(draft, input.target);
        if (input.expiresAt && input.durationMinutes) {
          throw new AppError(422, 'ambiguous-end', '失效时间与持续时长只能给出一个 / give expiresAt or durationMinutes, not both');
        }
        const startsAt = input.startsAt ? new Date(input.startsAt) : now;
        const expiresAt = input.durationMinutes ? new Date(startsAt.getTime() + input.durationMinutes * 60_000) : input.expiresAt ? new Date(input.expiresAt) : null;
        if (expiresAt && expiresAt <= startsAt) {
          throw new AppError(422, 'end-before-start', `失效时间不晚于开始时间 / expiresAt ${expiresAt.toISOString()} is not after startsAt ${startsAt.toISOString()}`);
        }
        if (expiresAt && expiresAt <= now) {
          throw new AppError(422, 'already-expired', `失效时间已过 / expiresAt ${expiresAt.toISOString()} is in the past`);
        }
        const created: Alert = {
          id: `al-${randomUUID().slice(0, 8)}`,
          title: input.title,
          playlistId: input.playlistId,
          target: input.target,
          priority: input.priority,
          startsAt: startsAt.toISOString(),
          ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
          ...(input.airings ? { airings: input.airings } : {}),
          createdAt: now.toISOString(),
        };
        draft.alerts.push(created);
        return created;
      });
      onChange();
      return alert;
    },
    /** Ends the alert now; clearing one that already ended changes nothing. */
    async clear(id: string): Promise<Alert> {
      const alert = await catalogue.update((draft) => {
        const found = draft.alerts.find((a) => a.id === id);
        if (!found) throw notFound('紧急插播 alert', id);
        const now = clock.now();
        if (isAlertActive(found, now) || Date.parse(found.startsAt) > now.getTime()) found.clearedAt = now.toISOString();
        return found;
      });
      onChange();
      return alert;
    },
    async remove(id: string): Promise<void> {
      await catalogue.update((draft) => {
        if (!draft.alerts.some((a) => a.id === id)) throw notFound('紧急插播 alert', id);
        draft.alerts = draft.alerts.filter((a) => a.id !== id);
      });
      onChange();
    },
  };
}
