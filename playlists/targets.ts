// Which screens a rule reaches. A screen is matched by id, by any of its groups (which double as tags),
// by its township or by its site type.
import type { Screen } from './catalogue.schema.js';
import type { Target } from './schedule.schema.js';

/** What a target can see of a screen; every field but the id is optional (provisional screens have none). */
export type ScreenAttributes = Pick<Screen, 'id'> & Partial<Pick<Screen, 'groups' | 'township' | 'siteType' | 'timeZone' | 'mode' | 'sound'>>;

export function targetsScreen(target: Target, screen: ScreenAttributes): boolean {
  switch (target.kind) {
    case 'all':
      return true;
    case 'screens':
      return target.screenIds.includes(screen.id);
    case 'groups':
      return !!screen.groups?.some((g) => target.groups.includes(g));
    case 'townships':
      return !!screen.township && target.townships.includes(screen.township);
    case 'siteTypes':
      return !!screen.siteType && target.siteTypes.includes(screen.siteType);
  }
}

/** The values of a target that no known screen has: a target that reaches nobody is a typo, refused by the API. */
export function unknownTargetValues(target: Target, screens: readonly ScreenAttributes[]): string[] {
  const unknown = (values: string[], known: Set<string | undefined>) => values.filter((v) => !known.has(v));
  switch (target.kind) {
    case 'all':
      return [];
    case 'screens':
      return unknown(target.screenIds, new Set(screens.map((s) => s.id)));
    case 'groups':
      return unknown(target.groups, new Set(screens.flatMap((s) => s.groups ?? [])));
    case 'townships':
      return unknown(target.townships, new Set(screens.map((s) => s.township)));
    case 'siteTypes':
      return unknown(target.siteTypes, new Set(screens.map((s) => s.siteType)));
  }
}

/** One key per value a target names, for indexing rules by what they reach. */
export function targetKeys(target: Target): string[] {
  switch (target.kind) {
    case 'all':
      return ['*'];
    case 'screens':
      return target.screenIds.map((v) => `s:${v}`);
    case 'groups':
      return target.groups.map((v) => `g:${v}`);
    case 'townships':
      return target.townships.map((v) => `t:${v}`);
    case 'siteTypes':
      return target.siteTypes.map((v) => `k:${v}`);
  }
}

/** The keys under which rules reaching this screen are indexed. */
export function screenKeys(screen: ScreenAttributes): string[] {
  const keys = ['*', `s:${screen.id}`];
  for (const g of screen.groups ?? []) keys.push(`g:${g}`);
  if (screen.township) keys.push(`t:${screen.township}`);
  if (screen.siteType) keys.push(`k:${screen.siteType}`);
  return keys;
}

/** Rules by the keys their targets match, so a screen finds the rules reaching it from its own keys (screenKeys). */
export function indexByTarget<T extends { target: Target }>(rules: readonly T[]): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const rule of rules) {
    for (const key of targetKeys(rule.target)) {
      let list = index.get(key);
      if (!list) index.set(key, (list = []));
      list.push(rule);
    }
  }
  return index;
}
