// Share of voice: "this item at least N times an hour". The loop is expanded so each such item recurs
// often enough over one pass of the loop, spread evenly between the other items. Pure and
// deterministic, so the server's preview, the manifest and the player agree on the expanded loop.
import { HOUR_MS } from './wall-clock.js';

export interface WeavableItem {
  id: string;
  durationMs: number;
  minPerHour?: number | undefined;
}

/** Ids of an item's copies stay valid (≤ 64 characters of [A-Za-z0-9_-]) and unique within one loop; `mark` says why it was copied. */
export const copyId = (id: string, copy: number, mark: 'sov' | 'air' = 'sov') => `${id.slice(0, 56)}_${mark}${copy}`;

/** How many times an item of `durationMs` must air beside `othersMs` of other items to reach `perHour`. */
export function copiesNeeded(perHour: number, durationMs: number, othersMs: number, others: number): number {
  const room = HOUR_MS - perHour * durationMs;
  // An item that cannot reach its share even back to back airs after every other item.
  if (room <= 0) return others;
  return Math.min(others, Math.max(1, Math.ceil((perHour * othersMs) / room)));
}

export function weaveShareOfVoice<T extends WeavableItem>(items: readonly T[]): T[] {
  let loop = [...items];
  const rules = new Map<string, number>();
  for (const item of items) if (item.minPerHour && !rules.has(item.id)) rules.set(item.id, item.minPerHour);
  for (const [id, perHour] of rules) {
    const own = loop.filter((i) => i.id === id);
    const others = loop.filter((i) => i.id !== id);
    const item = own[0]!;
    if (others.length === 0) continue;
    const othersMs = others.reduce((sum, i) => sum + i.durationMs, 0);
    const copies = copiesNeeded(perHour, item.durationMs, othersMs, others.length);
    if (copies <= own.length) continue;
    const woven: T[] = [];
    let made = 0;
    others.forEach((other, index) => {
      woven.push(other);
      // Bresenham: exactly `copies` insertions, as evenly spaced as the items allow.
      if (Math.floor(((index + 1) * copies) / others.length) > Math.floor((index * copies) / others.length)) {
        woven.push(made === 0 ? item : { ...item, id: copyId(id, made) });
        made++;
      }
    });
    loop = woven;
  }
  return loop;
}
