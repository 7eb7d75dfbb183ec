// Which screens' manifests a catalogue change can alter, from the catalogue before and after it. A commit
// keeps every unchanged item as the very same object (server/storage/catalogue.share.ts), so what changed
// is found by identity, and the answer costs in proportion to the change: an alert for one township names
// that township's screens without looking at the others. Conservative: a screen it names may end up with
// the same manifest, but a screen it leaves out never has a different one (test/playlists/affected-screens).
import type { Catalogue, Playlist, Screen } from './catalogue.schema.js';
import type { Target } from './schedule.schema.js';
import { screenKeys, targetKeys } from './targets.js';

/** `all`: every screen (a rule for all, the default campaign, a setting); else the ids of the screens. */
export type AffectedScreens = 'all' | ReadonlySet<string>;

type Item = { id: string };
type Rule = Item & { target: Target; playlistId?: string };

/** Rule lists: each rule reaches screens through its target, and (but quiet hours and volume) airs a playlist. */
const RULE_LISTS = ['schedules', 'broadcasts', 'alerts', 'quietHours', 'volumeSchedules'] as const;
/** Fields no manifest reads: the register reaches screens only through the place fields copied onto them. */
const NOT_IN_MANIFESTS = new Set(['schemaVersion', 'seededDefaults', 'townships', 'villages', 'sites', 'campaign']);
const HANDLED = new Set<string>(['defaultPlaylistId', 'media', 'playlists', 'screens', 'siteTypeSound', ...RULE_LISTS]);

export function affectedScreens(before: Readonly<Catalogue>, after: Readonly<Catalogue>): AffectedScreens {
  if (before === after) return new Set();
  if (before.defaultPlaylistId !== after.defaultPlaylistId) return 'all';
  // A field this function does not know about changed: nothing is assumed about what it does.
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!HANDLED.has(key) && !NOT_IN_MANIFESTS.has(key) && (before as Record<string, unknown>)[key] !== (after as Record<string, unknown>)[key]) return 'all';
  }

  const ids = new Set<string>();
  for (const screen of changedItems(before.screens, after.screens)) ids.add(screen.id);

  const targets: Target[] = [];
  const sound = changedKeys(before.siteTypeSound ?? {}, after.siteTypeSound ?? {});
  if (sound.length) targets.push({ kind: 'siteTypes', siteTypes: sound });

  const media = new Set(changedItems(before.media, after.media).map((m) => m.id));
  const playlists = new Set(changedItems(before.playlists, after.playlists).map((p) => p.id));
  for (const catalogue of media.size ? [before, after] : []) {
    for (const mediaId of media) for (const playlistId of playlistsWith(catalogue.playlists).get(mediaId) ?? []) playlists.add(playlistId);
  }
  if (after.defaultPlaylistId && playlists.has(after.defaultPlaylistId)) return 'all';

  for (const list of RULE_LISTS) {
    const was = (before[list] ?? []) as readonly Rule[];
    const now = (after[list] ?? []) as readonly Rule[];
    for (const rule of changedItems(was, now)) targets.push(rule.target);
    // A rule whose playlist (or the media in it) changed airs something else now.
    for (const rules of playlists.size ? [was, now] : []) for (const rule of rules) if (rule.playlistId && playlists.has(rule.playlistId)) targets.push(rule.target);
  }

  for (const target of targets) {
    if (target.kind === 'all') return 'all';
    if (target.kind === 'screens') {
      for (const id of target.screenIds) ids.add(id);
      continue;
    }
    for (const screens of before.screens === after.screens ? [after.screens] : [before.screens, after.screens]) {
      const index = screensByKey(screens);
      for (const key of targetKeys(target)) for (const id of index.get(key) ?? []) ids.add(id);
    }
  }
  return ids;
}

/** Joins two answers (changes that come one after another before a pass). */
export function unionAffected(a: AffectedScreens, b: AffectedScreens): AffectedScreens {
  if (a === 'all' || b === 'all') return 'all';
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  return new Set([...a, ...b]);
}

/**
 * Items present on one side only, or replaced: both the old and the new object. Lists keep their order, so
 * the common head and tail are skipped by identity and only the part between is compared by id.
 */
function changedItems<T extends Item>(before: readonly T[], after: readonly T[]): T[] {
  if (before === after) return [];
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const was = before.slice(head, before.length - tail);
  const now = after.slice(head, after.length - tail);
  const kept = new Set<T>(was);
  const out: T[] = [];
  const stays = new Set<T>();
  for (const item of now) {
    if (kept.has(item)) stays.add(item);
    else out.push(item);
  }
  for (const item of was) if (!stays.has(item)) out.push(item);
  return out;
}

function changedKeys(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  if (before === after) return [];
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]);
}

/** Ids by keys, once per list (a commit makes new lists, never changes one in place). */
const groupings = new WeakMap<readonly Item[], Map<string, string[]>>();
function grouped<T extends Item>(list: readonly T[], keysOf: (item: T) => Iterable<string>): Map<string, string[]> {
  let index = groupings.get(list);
  if (index) return index;
  index = new Map();
  for (const item of list) {
    for (const key of keysOf(item)) {
      let ids = index.get(key);
      if (!ids) index.set(key, (ids = []));
      if (ids.at(-1) !== item.id) ids.push(item.id);
    }
  }
  groupings.set(list, index);
  return index;
}

/** Screen ids by the keys targets name (township, group, site type). */
const screensByKey = (screens: readonly Screen[]) => grouped(screens, (screen) => screenKeys(screen).filter((key) => key !== '*' && !key.startsWith('s:')));
/** Playlist ids by the media they hold. */
const playlistsWith = (playlists: readonly Playlist[]) => grouped(playlists, (playlist) => playlist.items.map((item) => item.mediaId));
