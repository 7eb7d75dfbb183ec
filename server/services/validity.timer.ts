// Media enters and leaves the air at its validity boundaries: wake up at the next one and
// republish, since manifests are otherwise recomputed only when the catalogue changes.
import type { Clock } from '../clock.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

/** setTimeout's ceiling is ~24.8 days; wake at least daily and look again. */
const MAX_SLEEP_MS = 24 * 3600 * 1000;

export function createValidityTimer(deps: { catalogue: CatalogueStore; clock: Clock; onChange: () => void }) {
  let timer: NodeJS.Timeout | undefined;
  function reschedule(): void {
    clearTimeout(timer);
    const now = deps.clock.now().getTime();
    let next = Infinity;
    for (const m of deps.catalogue.read().media) {
      for (const at of [m.validFrom, m.validTo]) {
        const t = at ? Date.parse(at) : NaN;
        if (t > now && t < next) next = t;
      }
    }
    const wait = next === Infinity ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, next - now + 50);
    timer = setTimeout(() => {
      if (next !== Infinity && wait < MAX_SLEEP_MS) deps.onChange();
      reschedule();
    }, wait);
    timer.unref();
  }
  return { reschedule, stop: () => clearTimeout(timer) };
}
