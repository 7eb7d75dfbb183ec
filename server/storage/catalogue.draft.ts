// A change runs on a copy-on-write draft of the catalogue (immer): what it writes is copied as it goes
// and everything else stays the committed objects, so a change costs in proportion to what it touches
// (a whole copy of 10,000 screens cost more than the claim itself). A change that throws leaves only a
// draft nobody finishes.
import { Immer, current, enableArrayMethods, isDraft } from 'immer';
import type { Catalogue } from '../../playlists/catalogue.schema.js';

// find, filter, some … on a draft list call back with the items as they are, without a proxy for each
// (a claim's find over 10,000 screens made 10,000); only an item returned or written is drafted.
enableArrayMethods();
// No auto-freeze: the catalogue was never frozen, and freezing walks every new object.
const immer = new Immer({ autoFreeze: false });

export const draftOf = (base: Readonly<Catalogue>): Catalogue => immer.createDraft(base as Catalogue);

/** The catalogue the draft became; what it did not touch is shared with its base (unvalidated: see catalogue.delta.ts). */
export const finished = (draft: Catalogue): Catalogue => immer.finishDraft(draft) as Catalogue;

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/**
 * A change's return value with every draft in it replaced by a copy of its state now: a draft is dead
 * once finished, and the caller must not hold the catalogue's own objects (it could change them in place).
 */
export function detached<T>(value: T): T {
  if (isDraft(value)) return structuredClone(current(value as object)) as T;
  if (!isPlain(value)) return value;
  if (Array.isArray(value)) {
    const items = value.map(detached);
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const out = detached(item);
    if (out !== item) (copy ??= { ...value })[key] = out;
  }
  return (copy ?? value) as T;
}
