// Screens keep their township, site and site type as plain strings (targets and the accounts' township
// scope match them); when a screen has a site in the register, those strings are copies of the register.
import type { Catalogue, Screen } from './catalogue.schema.js';
import { buildRegisterIndex, type RegisterIndex } from './register.index.js';
import { SITE_TYPES, type SiteType } from './register.schema.js';
import type { Target } from './schedule.schema.js';

type PlaceLookup = Pick<RegisterIndex, 'placeOfSite'>;

/** The screen's township, site and site type differ from its site's in the register (no site, or an unknown one: not stale). */
function isStale(screen: Screen, index: PlaceLookup): boolean {
  const place = screen.siteId ? index.placeOfSite(screen.siteId) : null;
  // No place: the catalogue's own check refuses a screen at an unknown site.
  return !!place && (screen.township !== place.townshipName || screen.site !== place.siteName || screen.siteType !== place.siteType);
}

/** Copies each placed screen's township, site and site type from the register; returns how many changed. */
export function syncScreenPlaces(draft: Pick<Catalogue, 'screens' | 'townships' | 'villages' | 'sites'>): number {
  // Built fresh: a draft is being changed, so no cached index of it may be trusted. Only the register's
  // lists: the screens are looked at once, below.
  const index = buildRegisterIndex({ screens: [], townships: draft.townships, villages: draft.villages, sites: draft.sites });
  // One filter, then writes to the few that differ: on a copy-on-write draft (server/storage/catalogue.draft.ts)
  // reading every screen costs little, touching one copies it.
  const stale = draft.screens.filter((screen) => isStale(screen, index));
  for (const screen of stale) {
    const place = index.placeOfSite(screen.siteId!)!;
    screen.township = place.townshipName;
    screen.site = place.siteName;
    screen.siteType = place.siteType;
  }
  return stale.length;
}

/** One screen with its place copied from the register: the same object when it already agrees (a commit's written screens, server/storage/catalogue.delta.ts). */
export function withPlace(screen: Screen, index: PlaceLookup): Screen {
  if (!isStale(screen, index)) return screen;
  const place = index.placeOfSite(screen.siteId!)!;
  return { ...screen, township: place.townshipName, site: place.siteName, siteType: place.siteType };
}

/** Free-text site types written before the register (English or Chinese variants) and the type each means. */
const SITE_TYPE_ALIASES: Record<string, SiteType> = {
  community: '社区/村', village: '社区/村', 社区: '社区/村', 村: '社区/村', 居委会: '社区/村', 村委会: '社区/村', '村委会/社区': '社区/村',
  compound: '居民小区', residential: '居民小区', 小区: '居民小区',
  loudspeaker: '村组', broadcast: '村组', 'village-group': '村组', 广播: '村组', 村民组: '村组', 广播站: '村组',
  government: '机关', gov: '机关', office: '机关', 政府: '机关', 党政机关: '机关',
  company: '企业', enterprise: '企业', institution: '企业', 企事业单位: '企业', 公司: '企业', 单位: '企业',
  station: '车站', 'bus-station': '车站', 'railway-station': '车站', 汽车站: '车站', 火车站: '车站', 客运站: '车站',
  dock: '码头', pier: '码头', port: '码头', ferry: '码头',
  mall: '商场', shop: '商场', market: '商场', supermarket: '商场', 超市: '商场', 市场: '商场',
  square: '广场', plaza: '广场',
  'office-tower': '写字楼', tower: '写字楼',
  canteen: '食堂', 单位食堂: '食堂',
  school: '学校', 中小学: '学校', 中学: '学校', 小学: '学校', 中小学校: '学校',
  street: '街面',
  other: '其他',
};

/** The register's site type for a free-text one; `isKnown` false when it could only say 其他 (other). */
export function siteTypeFromText(text: string): { type: SiteType; isKnown: boolean } {
  const key = text.normalize('NFKC').trim().toLowerCase().replace(/[\s_]+/g, '-');
  if ((SITE_TYPES as readonly string[]).includes(key)) return { type: key as SiteType, isKnown: true };
  const type = SITE_TYPE_ALIASES[key];
  return type ? { type, isKnown: true } : { type: '其他', isKnown: false };
}

/**
 * Re-aims every rule's township or site-type target from old spellings to new ones (a migration, a renamed
 * township), so a rename never leaves a schedule pointing at a name no screen carries. Returns the rules changed.
 */
export function retargetRules(draft: Pick<Catalogue, 'schedules' | 'broadcasts' | 'alerts' | 'quietHours' | 'volumeSchedules'>, kind: 'townships' | 'siteTypes', spelling: ReadonlyMap<string, string>): number {
  if (spelling.size === 0) return 0;
  let changed = 0;
  for (const rules of [draft.schedules, draft.broadcasts, draft.alerts, draft.quietHours, draft.volumeSchedules] as { target?: Target }[][]) {
    for (const { target } of rules) {
      if (target?.kind !== kind) continue;
      const values: string[] = target.kind === 'townships' ? target.townships : target.kind === 'siteTypes' ? target.siteTypes : [];
      const next = [...new Set(values.map((v) => spelling.get(v) ?? v))];
      if (next.length === values.length && next.every((v, i) => v === values[i])) continue;
      if (target.kind === 'townships') target.townships = next;
      else if (target.kind === 'siteTypes') target.siteTypes = next;
      changed++;
    }
  }
  return changed;
}
