// Screens placed before the register existed carry free-text township, site and site type. This turns them
// into register entries (one per normalised spelling) and gives each screen its siteId; run again, it
// finds nothing to do. Rules aimed at the old spellings are re-aimed, so nothing airs differently.
import type { Catalogue } from './catalogue.schema.js';
import { normalisePlaceName, type Site, type SiteType } from './register.schema.js';
import { retargetRules, siteTypeFromText, syncScreenPlaces } from './register.sync.js';

/** The village a migrated screen lands in: free text never named one; staff move its sites later. */
export const UNASSIGNED_VILLAGE = '未指定村/社区';
/** The site of a screen that named a township but no site. */
export const UNNAMED_SITE = '未指定点位';

export interface MigrationReport {
  townships: string[];
  villages: string[];
  sites: string[];
  /** Screens that now have a siteId. */
  screens: number;
  /** Free-text site types that mean nothing the register knows: their sites are 其他, the text kept in `note`. */
  unknownSiteTypes: string[];
  /** Screens with a site or site type but no township: left as they were (no township to put them in). */
  skipped: string[];
  /** Rules whose township or site-type target was re-aimed at the new spelling. */
  retargeted: number;
}

export const isEmptyMigration = (r: MigrationReport) => r.screens === 0 && r.retargeted === 0 && r.townships.length === 0;

type Draft = Catalogue;

export function migrateFreeTextPlaces(draft: Draft, newId: (prefix: 'tw' | 'vl' | 'st') => string): MigrationReport {
  const report: MigrationReport = { townships: [], villages: [], sites: [], screens: 0, unknownSiteTypes: [], skipped: [], retargeted: 0 };
  const townshipSpelling = new Map<string, string>();
  const siteTypeSpelling = new Map<string, SiteType>();

  const townshipId = (name: string) => {
    const found = draft.townships.find((t) => t.name === name);
    if (found) return found.id;
    const id = newId('tw');
    draft.townships.push({ id, name });
    report.townships.push(name);
    return id;
  };
  const villageId = (tId: string, township: string) => {
    const found = draft.villages.find((v) => v.townshipId === tId && v.name === UNASSIGNED_VILLAGE);
    if (found) return found.id;
    const id = newId('vl');
    draft.villages.push({ id, townshipId: tId, name: UNASSIGNED_VILLAGE, kind: 'village' });
    report.villages.push(`${township} / ${UNASSIGNED_VILLAGE}`);
    return id;
  };
  const siteFor = (vId: string, township: string, name: string, typeText: string | undefined): Site => {
    const { type, isKnown } = typeText ? siteTypeFromText(typeText) : { type: '其他' as const, isKnown: true };
    const note = !isKnown && typeText ? `原场所类型 / former site type: ${typeText}` : undefined;
    const inVillage = draft.sites.filter((s) => s.villageId === vId);
    const same = inVillage.find((s) => s.name === name && s.type === type && s.note === note);
    if (same) return same;
    // One name, two types (free text allowed it): the second keeps its type under a distinguishing name.
    const taken = inVillage.some((s) => s.name === name);
    const site: Site = { id: newId('st'), villageId: vId, name: taken ? `${name}(${type})` : name, type, ...(note ? { note } : {}) };
    draft.sites.push(site);
    report.sites.push(`${township} / ${site.name}`);
    if (note && typeText && !report.unknownSiteTypes.includes(typeText)) report.unknownSiteTypes.push(typeText);
    return site;
  };

  for (const screen of draft.screens) {
    if (screen.siteId) continue;
    if (!screen.township) {
      if (screen.site || screen.siteType) report.skipped.push(screen.name);
      continue;
    }
    const township = normalisePlaceName(screen.township);
    if (!township) continue;
    if (township !== screen.township) townshipSpelling.set(screen.township, township);
    const site = siteFor(villageId(townshipId(township), township), township, normalisePlaceName(screen.site ?? '') || UNNAMED_SITE, screen.siteType);
    if (screen.siteType && screen.siteType !== site.type) siteTypeSpelling.set(screen.siteType, site.type);
    screen.siteId = site.id;
    report.screens++;
  }
  if (report.screens === 0) return report;
  syncScreenPlaces(draft);

  report.retargeted = retargetRules(draft, 'townships', townshipSpelling) + retargetRules(draft, 'siteTypes', siteTypeSpelling);
  // Sound per site type (stations) follows the new spelling too; an entry already under it wins.
  for (const [from, to] of siteTypeSpelling) {
    const setting = draft.siteTypeSound[from];
    if (setting === undefined) continue;
    delete draft.siteTypeSound[from];
    draft.siteTypeSound[to] ??= setting;
  }
  return report;
}
