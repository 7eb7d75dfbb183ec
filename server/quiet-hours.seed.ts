// Default quiet hours (issue 12.2): a catalogue gets them once — a fresh install and an existing one alike —
// so village loudspeakers never blare all night. Staff may edit or delete them; a deleted one stays deleted.
import type { Clock } from './clock.js';
import type { CatalogueStore } from './storage/catalogue.store.js';

/** The marker in `catalogue.seededDefaults` that says they were put in. */
export const STATION_QUIET_HOURS_SEED = 'station-quiet-hours';
export const STATION_QUIET_HOURS_ID = 'qh-stations-night';

/** Returns true when it added them now. */
export async function seedStationQuietHours(deps: { catalogue: CatalogueStore; clock: Clock; window: { start: string; end: string } | null }): Promise<boolean> {
  const { catalogue, clock, window } = deps;
  if (!window || catalogue.read().seededDefaults.includes(STATION_QUIET_HOURS_SEED)) return false;
  return catalogue.update((draft) => {
    if (draft.seededDefaults.includes(STATION_QUIET_HOURS_SEED)) return false;
    draft.seededDefaults.push(STATION_QUIET_HOURS_SEED);
    if (draft.quietHours.some((q) => q.id === STATION_QUIET_HOURS_ID)) return false;
    // Quiet hours silence audio only: screens keep showing stills and muted video meanwhile.
    draft.quietHours.push({ id: STATION_QUIET_HOURS_ID, name: '夜间静音（广播站）', target: { kind: 'all' }, windows: [window], createdAt: clock.now().toISOString() });
    return true;
  });
}
