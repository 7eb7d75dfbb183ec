// Lookups by id in a catalogue's lists without scanning them: one index per list object. A catalogue is
// never changed in place (the store swaps in new lists), so an index cannot go stale. A commit does not
// build a new one either: `carryIndex` moves the old list's index to the new list and applies what the
// commit changed, and leaves the old list a short note of what it undid (a persistent map by rerooting),
// so a claim at 10,000 screens costs what it touches, and a reader still holding the old list gets its
// own answers.
import type { Catalogue, MediaItem, Screen } from './catalogue.schema.js';

type Item = { id: string };

/** A secondary key of a list's items (a screen's pairing code): the key, or undefined when the item has none. */
type KeyOf = (item: Item) => string | undefined;

const pairingCodeOf: KeyOf = (s) => ((s as Screen).isProvisional && (s as Screen).pairingCode) || undefined;
const unclaimedIdOf: KeyOf = (s) => ((s as Screen).isProvisional ? s.id : undefined);
/** The secondary keys every list's index keeps (they answer undefined for items of other kinds). */
const SECONDARY = [pairingCodeOf, unclaimedIdOf];

interface Root {
  byId: Map<string, Item>;
  /** Where each id stands in the list: lets a change find its item in a draft without a scan. */
  at: Map<string, number>;
  /** Secondary maps (SECONDARY), built with the index and kept up to date from then on. */
  by: Map<KeyOf, Map<string, Item>>;
}
/** An older list: the items that differ from the `next` list by id (undefined: absent here). */
interface Undo {
  undo: Map<string, Item | undefined>;
  next: readonly Item[];
}
type Node = { root: Root } | Undo;

const nodes = new WeakMap<readonly Item[], Node>();
/** How many indexes were built from a whole list: a test counts these to show commits do not rebuild. */
export const indexStats = { built: 0 };

/** An old list's lookups past this many newer commits rebuild its index instead of walking the notes. */
const MAX_WALK = 32;

function rootOf(list: readonly Item[]): Root {
  const node = nodes.get(list);
  if (node && 'root' in node) return node.root;
  const root: Root = { byId: new Map(), at: new Map(), by: new Map(SECONDARY.map((keyOf) => [keyOf, new Map()])) };
  list.forEach((item, i) => {
    root.byId.set(item.id, item);
    root.at.set(item.id, i);
    for (const [keyOf, map] of root.by) {
      const key = keyOf(item);
      if (key !== undefined) map.set(key, item);
    }
  });
  indexStats.built++;
  nodes.set(list, { root });
  return root;
}

function lookup(list: readonly Item[], id: string): Item | undefined {
  let node = nodes.get(list);
  for (let steps = 0; node && 'undo' in node; steps++) {
    if (node.undo.has(id)) return node.undo.get(id);
    if (steps >= MAX_WALK) {
      nodes.delete(list);
      break;
    }
    node = nodes.get(node.next);
  }
  return node && 'root' in node ? node.root.byId.get(id) : rootOf(list).byId.get(id);
}

const secondary = (list: readonly Item[], keyOf: KeyOf): ReadonlyMap<string, Item> => rootOf(list).by.get(keyOf)!;

/**
 * The commit made `to` from `from` by upserting and removing these items (catalogue.delta.ts): `to`'s index
 * is `from`'s, changed in place. `positionsMoved`: items were removed or reordered, so positions are rebuilt.
 * Without an index on `from` (never asked, or an old list) nothing is done: `to` builds its own when asked.
 */
export function carryIndex(from: readonly Item[], to: readonly Item[], change: { upserted: readonly Item[]; removed: readonly string[]; positionsMoved: boolean }): void {
  if (nodes.has(to)) return;
  const node = nodes.get(from);
  if (!node || !('root' in node)) return;
  const { root } = node;
  const undo = new Map<string, Item | undefined>();
  const remember = (id: string) => {
    const old = root.byId.get(id);
    if (!undo.has(id)) undo.set(id, old);
    if (!old) return;
    for (const [keyOf, map] of root.by) {
      const key = keyOf(old);
      if (key !== undefined && map.get(key) === old) map.delete(key);
    }
  };
  for (const id of change.removed) {
    remember(id);
    root.byId.delete(id);
    root.at.delete(id);
  }
  for (const item of change.upserted) {
    remember(item.id);
    root.byId.set(item.id, item);
    for (const [keyOf, map] of root.by) {
      const key = keyOf(item);
      if (key !== undefined) map.set(key, item);
    }
  }
  if (change.positionsMoved) {
    root.at.clear();
    to.forEach((item, i) => root.at.set(item.id, i));
  } else {
    // Only appended items take new places: the others kept theirs.
    for (let i = from.length; i < to.length; i++) root.at.set(to[i]!.id, i);
  }
  nodes.set(to, { root });
  nodes.set(from, { undo, next: to });
}

/** The item of this id in a list, in O(1) (a list of the catalogue, or any list of items: indexed at first use). */
export const itemById = <T extends Item>(list: readonly T[], id: string): T | undefined => lookup(list, id) as T | undefined;

/** Where the item of this id stands in the list, undefined when absent; current lists only (older ones rebuild). */
export const positionOf = (list: readonly Item[], id: string): number | undefined => rootOf(list).at.get(id);

export const screenById = (catalogue: { readonly screens: readonly Screen[] }, id: string): Screen | undefined => itemById(catalogue.screens, id);
export const mediaById = (catalogue: { readonly media: readonly MediaItem[] }, id: string): MediaItem | undefined => itemById(catalogue.media, id);
/** Unclaimed screens by the pairing code they show. */
export const unclaimedByCode = (catalogue: { readonly screens: readonly Screen[] }, code: string): Screen | undefined => secondary(catalogue.screens, pairingCodeOf).get(code) as Screen | undefined;
/** Every unclaimed screen (a few hundred at most, capped by CRIER_MAX_UNCLAIMED_SCREENS), without a pass over the claimed ones. */
export const unclaimedScreens = (catalogue: { readonly screens: readonly Screen[] }): Screen[] => [...secondary(catalogue.screens, unclaimedIdOf).values()] as Screen[];
/** Pairing codes shown now. */
export const shownCodes = (catalogue: { readonly screens: readonly Screen[] }): ReadonlySet<string> => new Set(secondary(catalogue.screens, pairingCodeOf).keys());
