// Lookups by id in a catalogue's lists without scanning them: one index per list object. A catalogue is
// never changed in place (the store swaps in new lists), so an index cannot go stale. A commit does not
// build a new one either: `carryIndex` moves the old list's index to the new list and applies what the
// commit changed, and leaves the old list a short note of what it undid (a persistent map by rerooting),
// so a claim at 10,000 screens costs what it touches, and a reader still holding the old list gets its
// own answers.
import type { Catalogue, MediaItem, Screen } from './catalogue.schema.js';
import type { Target } from './schedule.schema.js';
import { screenKeys, targetKeys } from './targets.js';

type Item = { id: string };

/** A secondary key of a list's items (a screen's pairing code): the key, or undefined when the item has none. */
type KeyOf = (item: Item) => string | undefined;

const pairingCodeOf: KeyOf = (s) => ((s as Screen).isProvisional && (s as Screen).pairingCode) || undefined;
const unclaimedIdOf: KeyOf = (s) => ((s as Screen).isProvisional ? s.id : undefined);
/** The secondary keys every list's index keeps (they answer undefined for items of other kinds). */
const SECONDARY = [pairingCodeOf, unclaimedIdOf];

/**
 * Where an item stands among targets (playlists/targets.ts): a rule (an item with a target) under each key
 * its target names, `<priority>|` and `<priority>|<each key>`; a screen under the keys that reach it by
 * group, township or site type. So a new rule finds the rules of its priority that can reach its screens,
 * and a target value is known, without a pass over thousands of rules or screens.
 */
const reachKeysOf = (item: Item): readonly string[] => {
  const rule = item as Item & { target?: Target; priority?: number };
  if (rule.target && typeof rule.target === 'object') {
    const p = `${rule.priority ?? 0}|`;
    const keys = targetKeys(rule.target);
    return [...keys, p, ...keys.map((key) => p + key)];
  }
  // Only screens have groups, a township or a site type: other items answer none.
  return screenKeys(item as Screen).filter((key) => key !== '*' && !key.startsWith('s:'));
};

interface Root {
  byId: Map<string, Item>;
  /** Where each id stands in the list: lets a change find its item in a draft without a scan. */
  at: Map<string, number>;
  /** Secondary maps (SECONDARY), built with the index and kept up to date from then on. */
  by: Map<KeyOf, Map<string, Item>>;
  /** Ids by reach key (reachKeysOf), kept up to date like the others. */
  reach: Map<string, Set<string>>;
}
/** An older list: the items that differ from the `next` list by id (undefined: absent here). */
interface Undo {
  undo: Map<string, Item | undefined>;
  next: readonly Item[];
  /** Items were removed or reordered between the two lists (positions differ beyond the appended ones). */
  positionsMoved: boolean;
}
type Node = { root: Root } | Undo;

const nodes = new WeakMap<readonly Item[], Node>();
/** How many indexes were built from a whole list: a test counts these to show commits do not rebuild. */
export const indexStats = { built: 0 };

/** An old list's lookups past this many newer commits rebuild its index instead of walking the notes. */
const MAX_WALK = 32;

function build(list: readonly Item[]): Root {
  const root: Root = { byId: new Map(), at: new Map(), by: new Map(SECONDARY.map((keyOf) => [keyOf, new Map()])), reach: new Map() };
  list.forEach((item, i) => {
    root.at.set(item.id, i);
    put(root, item.id, item);
  });
  indexStats.built++;
  nodes.set(list, { root });
  return root;
}

/** The index of this list: its own, or the newest one moved back to it (rerooted), or built from the list. */
function rootOf(list: readonly Item[]): Root {
  const node = nodes.get(list);
  if (node && 'root' in node) return node.root;
  return (node && reroot(list)) || build(list);
}

/** Makes `id` stand for `item` (undefined: absent) in the index, its secondary keys and reach keys following. */
function put(root: Root, id: string, item: Item | undefined): void {
  const old = root.byId.get(id);
  if (old) {
    for (const [keyOf, map] of root.by) {
      const key = keyOf(old);
      if (key !== undefined && map.get(key) === old) map.delete(key);
    }
    for (const key of reachKeysOf(old)) {
      const ids = root.reach.get(key);
      ids?.delete(id);
      if (ids?.size === 0) root.reach.delete(key);
    }
  }
  if (!item) {
    root.byId.delete(id);
    return;
  }
  root.byId.set(id, item);
  for (const [keyOf, map] of root.by) {
    const key = keyOf(item);
    if (key !== undefined) map.set(key, item);
  }
  for (const key of reachKeysOf(item)) {
    let ids = root.reach.get(key);
    if (!ids) root.reach.set(key, (ids = new Set()));
    ids.add(id);
  }
}

/**
 * Moves `root` from list `from` to list `to`, which differ by the items in `changes` (their values in `to`),
 * and returns the inverse notes (their values in `from`). Costs the changes, plus a pass for positions when
 * items were removed or reordered.
 */
function step(root: Root, from: readonly Item[], to: readonly Item[], changes: ReadonlyMap<string, Item | undefined>, positionsMoved: boolean): Map<string, Item | undefined> {
  const inverse = new Map<string, Item | undefined>();
  for (const [id, item] of changes) {
    inverse.set(id, root.byId.get(id));
    put(root, id, item);
  }
  if (positionsMoved) {
    root.at.clear();
    to.forEach((item, i) => root.at.set(item.id, i));
  } else {
    // Only the tail differs: items appended to the longer list.
    for (let i = to.length; i < from.length; i++) root.at.delete(from[i]!.id);
    for (let i = from.length; i < to.length; i++) root.at.set(to[i]!.id, i);
  }
  return inverse;
}

/**
 * An older list asked for its index (a read while a newer commit is being written, which already carried the
 * index on): the newest index is moved back to it through the notes, costing what changed since, instead of a
 * build from the whole list. The newer lists get notes to find their way back. Null when the chain is too long.
 */
function reroot(list: readonly Item[]): Root | null {
  const chain: [readonly Item[], Undo][] = [];
  let at: readonly Item[] = list;
  let node = nodes.get(at);
  while (node && 'undo' in node) {
    if (chain.length >= MAX_WALK) return null;
    chain.push([at, node]);
    at = node.next;
    node = nodes.get(at);
  }
  if (!node) return null;
  const { root } = node;
  let newer = at;
  for (let i = chain.length - 1; i >= 0; i--) {
    const [older, { undo, positionsMoved }] = chain[i]!;
    const redo = step(root, newer, older, undo, positionsMoved);
    nodes.set(newer, { undo: redo, next: older, positionsMoved });
    newer = older;
  }
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
 * Without an index on `from` (never asked, or too old) nothing is done: `to` builds its own when asked.
 */
export function carryIndex(from: readonly Item[], to: readonly Item[], change: { upserted: readonly Item[]; removed: readonly string[]; positionsMoved: boolean }): void {
  if (nodes.has(to)) return;
  const node = nodes.get(from);
  // An index a reader moved back to an older list comes forward again first.
  const root = node && ('root' in node ? node.root : reroot(from));
  if (!root) return;
  const changes = new Map<string, Item | undefined>();
  for (const id of change.removed) changes.set(id, undefined);
  for (const item of change.upserted) changes.set(item.id, item);
  const undo = step(root, from, to, changes, change.positionsMoved);
  nodes.set(to, { root });
  nodes.set(from, { undo, next: to, positionsMoved: change.positionsMoved });
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

const NONE: ReadonlySet<string> = new Set();
/**
 * Ids of a list's items under a reach key (reachKeysOf): rules `reachingIds(schedules, 't:城关镇')` or of one priority `'3|t:城关镇'`,
 * screens `reachingIds(screens, 't:城关镇')`. Current lists only (an older one rebuilds); do not change the set.
 */
export const reachingIds = (list: readonly Item[], key: string): ReadonlySet<string> => rootOf(list).reach.get(key) ?? NONE;
