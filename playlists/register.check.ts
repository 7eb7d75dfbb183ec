// The register's own rules, checked on every catalogue change: ids unique, names unique within their
// parent (no two 城关镇), every village in a township, every site in a village, every screen's site known.
import type { Catalogue, Screen } from './catalogue.schema.js';

export interface RegisterProblem {
  path: (string | number)[];
  message: string;
}

type Registered = Pick<Catalogue, 'screens' | 'townships' | 'villages' | 'sites'>;

export function registerProblems(catalogue: Registered): RegisterProblem[] {
  const problems: RegisterProblem[] = [];
  const unique = <T extends { id: string; name: string }>(key: string, items: readonly T[], parentOf: (item: T) => string, what: [zh: string, en: string]) => {
    const ids = new Set<string>();
    const names = new Map<string, string>();
    items.forEach((item, i) => {
      if (ids.has(item.id)) problems.push({ path: [key, i, 'id'], message: `${what[0]}编号重复 / duplicate ${what[1]} id: ${item.id}` });
      ids.add(item.id);
      const nameKey = `${parentOf(item)}\u0000${item.name}`;
      if (names.has(nameKey)) problems.push({ path: [key, i, 'name'], message: `${what[0]}名称重复：${item.name} / duplicate ${what[1]} name: ${item.name}` });
      names.set(nameKey, item.id);
    });
    return ids;
  };
  const townships = unique('townships', catalogue.townships, () => '', ['乡镇', 'township']);
  const villages = unique('villages', catalogue.villages, (v) => v.townshipId, ['村/社区', 'village']);
  const sites = unique('sites', catalogue.sites, (s) => s.villageId, ['点位', 'site']);
  catalogue.villages.forEach((v, i) => {
    if (!townships.has(v.townshipId)) problems.push({ path: ['villages', i, 'townshipId'], message: `村/社区「${v.name}」所属乡镇不存在 / village "${v.name}": unknown township ${v.townshipId}` });
  });
  catalogue.sites.forEach((s, i) => {
    if (!villages.has(s.villageId)) problems.push({ path: ['sites', i, 'villageId'], message: `点位「${s.name}」所属村/社区不存在 / site "${s.name}": unknown village ${s.villageId}` });
  });
  catalogue.screens.forEach((s, i) => {
    if (s.siteId !== undefined && !sites.has(s.siteId)) problems.push(unknownSite(s, i));
  });
  return problems;
}

/** A screen (at place `i` of the list) whose site is not in the register. */
export const unknownSite = (s: Screen, i: number): RegisterProblem => ({ path: ['screens', i, 'siteId'], message: `屏幕「${s.name}」的点位不存在 / screen "${s.name}": unknown site ${s.siteId}` });
