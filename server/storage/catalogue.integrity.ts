// What the schema cannot see: ids that must be unique and references that must resolve. The services
// keep these true (deletes refuse or cascade); a catalogue that breaks them was edited by hand or
// damaged, and is refused at start with the ids named rather than aired half-broken. A commit checks
// only what its change could break (changeDefects), so a claim at 10,000 screens looks at one screen;
// test/server/catalogue-integrity.test.ts holds the two to the same answers.
import { itemById } from '../../playlists/catalogue.index.js';
import type { Catalogue, CatalogueListKey } from '../../playlists/catalogue.schema.js';
import { registerProblems, unknownSite, type RegisterProblem } from '../../playlists/register.check.js';
import type { CatalogueDelta } from './catalogue.delta.js';

/** The lists whose ids must be unique (the register's own lists: register.check.ts). */
const KINDS = { screens: 'screen', media: 'media', playlists: 'playlist' } as const;
const RULES = { schedules: 'schedule', broadcasts: 'broadcast', alerts: 'alert' } as const;

const duplicate = (kind: string, id: string) => `${kind} ${id} 重复 / duplicate ${kind} id ${id}`;
const missingMedia = (playlistId: string, mediaId: string) => `播放列表 ${playlistId} 引用不存在的素材 ${mediaId} / playlist ${playlistId} names missing media ${mediaId}`;
const missingDefault = (id: string) => `默认播放列表 ${id} 不存在 / default playlist ${id} is missing`;
const missingPlaylist = (kind: string, ruleId: string, playlistId: string) => `${kind} ${ruleId} 引用不存在的播放列表 ${playlistId} / ${kind} ${ruleId} names missing playlist ${playlistId}`;

function duplicates(kind: string, ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice].map((id) => duplicate(kind, id));
}

type Playlist = Catalogue['playlists'][number];
type Rule = { id: string; playlistId: string };

function referenceDefects(c: Readonly<Catalogue>, playlists: readonly Playlist[], rules: Partial<Record<keyof typeof RULES, readonly Rule[]>>, checkDefault: boolean): string[] {
  const defects: string[] = [];
  for (const p of playlists) {
    for (const item of p.items) if (!itemById(c.media, item.mediaId)) defects.push(missingMedia(p.id, item.mediaId));
  }
  if (checkDefault && c.defaultPlaylistId !== null && !itemById(c.playlists, c.defaultPlaylistId)) defects.push(missingDefault(c.defaultPlaylistId));
  for (const [key, kind] of Object.entries(RULES) as [keyof typeof RULES, string][]) {
    for (const rule of rules[key] ?? []) if (!itemById(c.playlists, rule.playlistId)) defects.push(missingPlaylist(kind, rule.id, rule.playlistId));
  }
  return defects;
}

/** Each defect as "中文 / English"; empty when the catalogue holds together. The whole catalogue: at start, and for stored documents. */
export function catalogueDefects(c: Readonly<Catalogue>): string[] {
  return [
    ...Object.entries(KINDS).flatMap(([key, kind]) => duplicates(kind, (c[key as keyof typeof KINDS] as readonly { id: string }[]).map((item) => item.id))),
    ...referenceDefects(c, c.playlists, c, true),
  ];
}

/**
 * The defects a commit could have made, given its delta and the ids its lists now hold twice
 * (catalogue.delta.ts finds those from the appended items alone): references from what changed, and
 * everything pointing at a kind of item when one of that kind was removed.
 */
export function changeDefects(c: Readonly<Catalogue>, delta: CatalogueDelta, twice: Partial<Record<CatalogueListKey, readonly string[]>>): string[] {
  const defects = (Object.entries(KINDS) as [keyof typeof KINDS, string][]).flatMap(([key, kind]) => [...new Set(twice[key] ?? [])].map((id) => duplicate(kind, id)));
  const isMediaRemoved = !!delta.lists.media?.removed.length;
  const isPlaylistRemoved = !!delta.lists.playlists?.removed.length;
  const playlists = isMediaRemoved ? c.playlists : ((delta.lists.playlists?.upserted ?? []) as Playlist[]);
  const rules = Object.fromEntries(Object.keys(RULES).map((key) => [key, isPlaylistRemoved ? c[key as keyof typeof RULES] : (delta.lists[key as keyof typeof RULES]?.upserted ?? [])])) as Record<keyof typeof RULES, Rule[]>;
  return [...defects, ...referenceDefects(c, playlists, rules, isPlaylistRemoved || 'defaultPlaylistId' in delta.settings)];
}

/**
 * The register's problems a commit could have made: the register's own lists (small) when one changed,
 * and the screens' sites: every screen when a site was removed, else the screens the commit wrote
 * (`screensAt`: their places in the new list).
 */
export function changeRegisterProblems(c: Readonly<Catalogue>, delta: CatalogueDelta, screensAt: readonly number[]): RegisterProblem[] {
  const { townships, villages, sites } = delta.lists;
  if (sites?.removed.length) return registerProblems(c);
  const problems = townships || villages || sites ? registerProblems({ ...c, screens: [] }) : [];
  for (const i of screensAt) {
    const s = c.screens[i]!;
    if (s.siteId !== undefined && !itemById(c.sites, s.siteId)) problems.push(unknownSite(s, i));
  }
  return problems;
}
