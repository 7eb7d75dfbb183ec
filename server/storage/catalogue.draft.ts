// A change runs on a copy-on-write draft of the catalogue (immer): what it writes is copied as it goes
// and everything else stays the committed objects, so a change costs in proportion to what it touches
// (a whole copy of 10,000 screens cost more than the claim itself). A change that throws leaves only a
// draft nobody finishes.
import { Immer, current, enableArrayMethods, isDraft, original } from 'immer';
import { positionOf } from '../../playlists/catalogue.index.js';
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

type Item = { id: string };

/** The committed list a draft's list started from (the list itself when it is not a draft). */
export const committedList = <T>(list: readonly T[]): readonly T[] => (isDraft(list) ? original(list as never) : list) as readonly T[];

/** The draft's value is no longer the committed one (a small list: a changed draft is copied to tell). */
export const isChanged = (value: unknown, committed: unknown): boolean => (isDraft(value) ? current(value) !== committed : value !== committed);

/** Items added at the end of a draft's list by this batch's changes: new objects, not drafts. */
export function appendedItems<T>(list: readonly T[]): T[] {
  const items: T[] = [];
  for (let i = committedList(list).length; i < list.length; i++) items.push(list[i]!);
  return items;
}

/**
 * Where the item of this id stands in a list of a draft (-1: absent), found through the committed list's
 * index instead of a scan (a scan of 10,000 screens was most of a claim). Items appended by earlier changes
 * of the same batch are found at the end; when an earlier change moved items, the slow way. An item an
 * earlier change of the batch inserted elsewhere than at the end is missed: the batch then fails its checks
 * (a duplicate id, an unknown screen) and each change runs alone on a fresh draft, where the index is exact.
 */
function draftPosition(list: readonly Item[], id: string): number {
  const base = committedList(list);
  const at = positionOf(base, id);
  // One item read (drafted, as the change will write to it); the draft's findIndex reads the items raw.
  if (at !== undefined) return list[at]?.id === id ? at : list.findIndex((x) => x.id === id);
  const appended = appendedItems(list).findIndex((x) => x.id === id);
  return appended < 0 ? -1 : base.length + appended;
}

/** The item of this id in a list of a draft (drafted: a change may write to it), or undefined. */
export function draftItem<T extends Item>(list: T[], id: string): T | undefined {
  const at = draftPosition(list, id);
  return at < 0 ? undefined : list[at];
}

/** Removes the items of these ids from a draft's list in place, touching no other item (a filter would draft every one kept). */
export function removeFromDraft(list: Item[], ids: Iterable<string>): void {
  for (const id of ids) {
    const at = draftPosition(list, id);
    if (at >= 0) list.splice(at, 1);
  }
}

/** Items a change put in place of others in a draft's list (replaceInDraft), per draft list. */
const rewrites = new WeakMap<object, Item[]>();

/**
 * Puts `item` in place of the item of its id in a draft's list, noted so a later change of the same batch that
 * finds items through the committed list's index (by what they reach, not by id) sees it (rewrittenItems).
 */
export function replaceInDraft<T extends Item>(list: T[], item: T): void {
  const at = draftPosition(list, item.id);
  if (at < 0) throw new Error(`no item ${item.id} to replace`);
  list[at] = item;
  let items = rewrites.get(list);
  if (!items) rewrites.set(list, (items = []));
  items.push(item);
}

/** What earlier changes of this batch put in place of committed items of a draft's list (replaceInDraft). */
export const rewrittenItems = <T extends Item>(list: readonly T[]): readonly T[] => (rewrites.get(list) ?? []) as unknown as readonly T[];
