// A new catalogue shares what did not change with the one before: each item equal to the item of the
// same id before is that very object, and an unchanged list is the same array. Readers that compare by
// reference (the audit diff, caches keyed by object) then do work in proportion to the change, not to
// the catalogue, and a commit leaves only the changed items behind as new objects.
import { isDeepStrictEqual } from 'node:util';
import type { Catalogue } from '../../playlists/catalogue.schema.js';

type Item = { id: string };
/** A list of items with ids (media, screens, …), as opposed to a setting. */
export const isItemList = (value: unknown): value is Item[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && typeof (v as Item).id === 'string');

export function shareUnchanged(before: Readonly<Catalogue>, after: Catalogue): Catalogue {
  const shared: Record<string, unknown> = { ...after };
  for (const [key, now] of Object.entries(after)) {
    const was = (before as Record<string, unknown>)[key];
    if (isItemList(was) && isItemList(now)) {
      const prior = new Map(was.map((item) => [item.id, item]));
      let isSame = was.length === now.length;
      const items = now.map((item, i) => {
        const old = prior.get(item.id);
        const kept = old && isDeepStrictEqual(old, item) ? old : item;
        if (kept !== was[i]) isSame = false;
        return kept;
      });
      shared[key] = isSame ? was : items;
    } else if (isDeepStrictEqual(was, now)) shared[key] = was;
  }
  return shared as Catalogue;
}
