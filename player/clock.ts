// Wall-clock time corrected by the server's clock. Cheap kiosk PCs often have a wrong date (dead
// CMOS battery, no NTP on an intranet), and play records are proof of airing: they carry server time.
import type { KeyValueStorage } from './storage.js';

const OFFSET_KEY = 'crier.clockOffsetMs';

export function createClock(storage: KeyValueStorage) {
  // Kept across reloads so records made offline after a restart are still corrected.
  let offsetMs = Number(storage.getItem(OFFSET_KEY)) || 0;
  return {
    now: (): Date => new Date(Date.now() + offsetMs),
    /** Called with welcome.serverTime as soon as the frame arrives; ignores transit time (milliseconds). */
    sync(serverTime: string): void {
      const server = Date.parse(serverTime);
      if (!Number.isFinite(server)) return;
      offsetMs = server - Date.now();
      try {
        storage.setItem(OFFSET_KEY, String(offsetMs));
      } catch {
        // The offset still applies for this page's life.
      }
    },
    get offsetMs() {
      return offsetMs;
    },
  };
}
export type Clock = ReturnType<typeof createClock>;
