// What a change changed, found by identity: the draft (catalogue.draft.ts) copies only what a change
// touched, so an item that is still the very object it was needs no look. Only the touched items and
// settings are validated (their own schemas, playlists/catalogue.schema.ts); one that ends equal to
// what it was is that very object again, so readers comparing by reference (the audit diff, the
// manifest publisher) see only real changes. The delta is also what the stores write.
import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import {
  CATALOGUE_ITEM_SCHEMAS,
  CATALOGUE_SETTING_SCHEMAS,
  CatalogueSchema,
  type Catalogue,
  type CatalogueListKey,
  type CatalogueSettingKey,
  type Screen,
} from '../../playlists/catalogue.schema.js';
import { carryIndex, itemById } from '../../playlists/catalogue.index.js';
import { registerPlaces } from '../../playlists/register.index.js';
import { withPlace } from '../../playlists/register.sync.js';
import { changeDefects, changeRegisterProblems } from './catalogue.integrity.js';

type Item = { id: string };

/** One list's change: items new or changed (as stored), ids gone, and the full order only when it is not the old one's. */
export interface ListChange {
  upserted: Item[];
  removed: string[];
  /** Absent when the order is the old order without the removed ids, with new items appended as they come. */
  order?: string[];
}

export interface CatalogueDelta {
  lists: Partial<Record<CatalogueListKey, ListChange>>;
  settings: Partial<Record<CatalogueSettingKey, unknown>>;
}

export interface Settled {
  next: Catalogue;
  delta: CatalogueDelta;
  /** How many items and settings were validated: what the change touched, not the size of the catalogue. */
  validated: number;
}

const KEYS = Object.keys(CatalogueSchema.shape) as (keyof Catalogue)[];
const isListKey = (key: keyof Catalogue): key is CatalogueListKey => key in CATALOGUE_ITEM_SCHEMAS;

export const isEmptyDelta = (delta: CatalogueDelta) => Object.keys(delta.lists).length === 0 && Object.keys(delta.settings).length === 0;

/** A value through its schema; a refusal names its place in the whole catalogue, as a whole-catalogue parse would. */
function parsed(schema: z.ZodType, value: unknown, at: PropertyKey[]): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new z.ZodError(result.error.issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] })));
}

/** One list settled: the list to keep, its change (null: none), and what the integrity check needs. */
interface SettledList {
  list: readonly Item[];
  change: ListChange | null;
  validated: number;
  /** Items were removed or reordered (positions of kept items moved). */
  positionsMoved: boolean;
  /** Ids now in the list more than once. */
  duplicates: string[];
  /** Where each upserted item stands in the list. */
  upsertedAt: number[];
}

/** One list: the items not identical to before are validated; costs what changed plus a pass of identity checks. */
function settleList(key: CatalogueListKey, was: readonly Item[], value: unknown, fill: (item: Item) => Item = (item) => item): SettledList {
  const unchanged = { list: was, change: null, validated: 0, positionsMoved: false, duplicates: [], upsertedAt: [] };
  if (value === was) return unchanged;
  // Not a list at all (a change replaced it): the schema says why, or fills its default.
  const now = (Array.isArray(value) ? value : parsed(CatalogueSchema.shape[key], value, [key])) as unknown[];
  const schema = CATALOGUE_ITEM_SCHEMAS[key] as z.ZodType;
  const list = now.slice() as Item[];
  // Every old place still holds its id and new items come at the end: the common case (a claim, a new screen).
  let isExtension = list.length >= was.length;
  let validated = 0;
  const upserted: Item[] = [];
  const upsertedAt: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (item === was[i]) continue;
    const id = (item as Item | undefined)?.id;
    if (i < was.length && was[i]!.id !== id) isExtension = false;
    const old = was[i]?.id === id ? was[i] : itemById(was, id as string);
    if (old === item) continue; // moved, not changed
    const fresh = parsed(schema, fill(item as Item), [key, i]) as Item;
    validated++;
    if (old !== undefined && isDeepStrictEqual(old, fresh)) {
      list[i] = old;
      continue;
    }
    list[i] = fresh;
    upserted.push(fresh);
    upsertedAt.push(i);
  }
  if (isExtension) {
    // Only the appended ids can be twice: once among the old ones (still in their places) or among themselves.
    const added = new Set<string>();
    const duplicates: string[] = [];
    for (let i = was.length; i < list.length; i++) {
      const id = list[i]!.id;
      if (itemById(was, id) !== undefined || added.has(id)) duplicates.push(id);
      added.add(id);
    }
    if (upserted.length === 0 && list.length === was.length) return unchanged;
    return { list, change: { upserted, removed: [] }, validated, positionsMoved: false, duplicates, upsertedAt };
  }
  // Removals and reorders (staff deleting or sorting): a pass over the list.
  const nowIds = new Set<string>();
  const duplicates: string[] = [];
  for (const item of list) (nowIds.has(item.id) ? duplicates.push(item.id) : nowIds.add(item.id));
  const removed = was.filter((item) => !nowIds.has(item.id)).map((item) => item.id);
  const kept = was.filter((item) => nowIds.has(item.id)).map((item) => item.id);
  const wasIds = new Set(kept);
  const natural = [...kept, ...list.filter((item) => !wasIds.has(item.id)).map((item) => item.id)];
  const ids = list.map((item) => item.id);
  const isNaturalOrder = natural.length === ids.length && natural.every((id, i) => id === ids[i]);
  return { list, change: { upserted, removed, ...(isNaturalOrder ? {} : { order: ids }) }, validated, positionsMoved: true, duplicates, upsertedAt };
}

/**
 * A written screen's township, site and site type, copied from its site in the register: here, so only the
 * screens a commit wrote are looked at (server/register/place-sync.ts syncs every screen when the register changes).
 */
const placed = (changed: Catalogue) => (item: Item): Item => {
  const screen = item as Screen;
  return typeof screen === 'object' && screen !== null && typeof screen.siteId === 'string' ? withPlace(screen, registerPlaces(changed)) : item;
};

/**
 * The catalogue after a change (`changed`: the finished draft, sharing what it did not touch with
 * `before`): touched items and settings validated, and the cross-references the change could break
 * checked (ids unique, references resolve, the register holds together: catalogue.integrity.ts).
 * Throws, naming why, when refused. The lists' id indexes move to the new lists (catalogue.index.ts).
 */
export function settle(before: Readonly<Catalogue>, changed: Catalogue): Settled {
  const next: Record<string, unknown> = {};
  const delta: CatalogueDelta = { lists: {}, settings: {} };
  const lists: Partial<Record<CatalogueListKey, SettledList>> = {};
  let validated = 0;
  for (const key of KEYS) {
    const was = before[key];
    const value = (changed as Record<string, unknown>)[key];
    if (isListKey(key)) {
      const settled = settleList(key, was as readonly Item[], value, key === 'screens' ? placed(changed) : undefined);
      next[key] = settled.list;
      validated += settled.validated;
      if (settled.change) {
        delta.lists[key] = settled.change;
        lists[key] = settled;
      }
    } else if (value === was) {
      next[key] = was;
    } else {
      const fresh = parsed(CATALOGUE_SETTING_SCHEMAS[key], value, [key]);
      validated++;
      const isSame = isDeepStrictEqual(was, fresh);
      next[key] = isSame ? was : fresh;
      if (!isSame) delta.settings[key] = fresh;
    }
  }
  const catalogue = next as Catalogue;
  const duplicates = Object.fromEntries(Object.entries(lists).map(([key, l]) => [key, l.duplicates]));
  const problems = changeRegisterProblems(catalogue, delta, lists.screens?.upsertedAt ?? []);
  if (problems.length) throw new z.ZodError(problems.map((p) => ({ code: 'custom' as const, path: p.path, message: p.message, input: undefined })));
  const defects = changeDefects(catalogue, delta, duplicates);
  if (defects.length) throw new Error(`catalogue change refused: ${defects.join('; ')}`);
  for (const [key, l] of Object.entries(lists)) {
    carryIndex(before[key as CatalogueListKey] as readonly Item[], l.list, { upserted: l.change!.upserted, removed: l.change!.removed, positionsMoved: l.positionsMoved });
  }
  return { next: catalogue, delta, validated };
}

/**
 * Deltas applied in order to a catalogue as stored (plain JSON; the caller validates the result): the
 * journal's replay at start. Each list keeps an index by id across deltas, so N claims cost N lookups,
 * not N passes over the list. Throws when a delta cannot apply (an order naming an id the list lacks).
 */
export function replayed(start: Readonly<Record<string, unknown>>, deltas: readonly CatalogueDelta[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...start };
  const lists = new Map<string, { items: Item[]; index: Map<string, number> }>();
  const listOf = (key: string) => {
    let list = lists.get(key);
    if (!list) {
      const items = Array.isArray(out[key]) ? (out[key] as Item[]).slice() : [];
      list = { items, index: new Map(items.map((item, i) => [item.id, i])) };
      lists.set(key, list);
      out[key] = items;
    }
    return list;
  };
  for (const delta of deltas) {
    for (const [key, value] of Object.entries(delta.settings)) out[key] = value;
    for (const [key, change] of Object.entries(delta.lists) as [string, ListChange][]) {
      const list = listOf(key);
      if (change.removed.length === 0 && change.order === undefined) {
        for (const item of change.upserted) {
          const at = list.index.get(item.id);
          if (at === undefined) list.index.set(item.id, list.items.push(item) - 1);
          else list.items[at] = item;
        }
        continue;
      }
      // Removals and reorders are rare (staff deleting or sorting): rebuilt whole.
      const gone = new Set(change.removed);
      const upserts = new Map(change.upserted.map((item) => [item.id, item]));
      let items = list.items.filter((item) => !gone.has(item.id)).map((item) => upserts.get(item.id) ?? item);
      const have = new Set(items.map((item) => item.id));
      items.push(...change.upserted.filter((item) => !have.has(item.id)));
      if (change.order) {
        const byId = new Map(items.map((item) => [item.id, item]));
        items = change.order.map((id) => {
          const item = byId.get(id);
          if (!item) throw new Error(`${key} 的顺序含未知编号 ${id} / ${key}: the order names unknown id ${id}`);
          return item;
        });
      }
      list.items = items;
      list.index = new Map(items.map((item, i) => [item.id, i]));
      out[key] = items;
    }
  }
  return out;
}
