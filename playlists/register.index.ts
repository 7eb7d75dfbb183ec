// Lookups over the register, built once per catalogue snapshot: reports and a 10,000-screen server ask
// "where is this screen?" for every row, so each answer is a map lookup, not a scan.
import { itemById } from './catalogue.index.js';
import type { Catalogue, Screen } from './catalogue.schema.js';
import type { Place, Site, Township, Village } from './register.schema.js';

export interface RegisterIndex {
  townships: ReadonlyMap<string, Township>;
  villages: ReadonlyMap<string, Village>;
  sites: ReadonlyMap<string, Site>;
  /** Children in register order; a parent without children is absent (use `?? []`). */
  villagesOf: ReadonlyMap<string, readonly Village[]>;
  sitesOf: ReadonlyMap<string, readonly Site[]>;
  screensOf: ReadonlyMap<string, readonly Screen[]>;
  /** The place of a site (township, village and site), null when the site or a parent is missing. */
  placeOfSite(siteId: string): Place | null;
  placeOfScreen(screenId: string): Place | null;
}

type Registered = Pick<Catalogue, 'screens'> & Partial<Pick<Catalogue, 'townships' | 'villages' | 'sites'>>;

function group<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** The register's own lookups (townships, villages, sites and the place of a site), without the screens. */
type Places = Omit<RegisterIndex, 'screensOf' | 'placeOfScreen'>;

function buildPlaces(catalogue: Partial<Pick<Catalogue, 'townships' | 'villages' | 'sites'>>): Places {
  const townships = new Map((catalogue.townships ?? []).map((t) => [t.id, t]));
  const villages = new Map((catalogue.villages ?? []).map((v) => [v.id, v]));
  const sites = new Map((catalogue.sites ?? []).map((s) => [s.id, s]));
  const places = new Map<string, Place | null>();
  const placeOfSite = (siteId: string): Place | null => {
    const known = places.get(siteId);
    if (known !== undefined) return known;
    const site = sites.get(siteId);
    const village = site && villages.get(site.villageId);
    const township = village && townships.get(village.townshipId);
    const place =
      site && village && township
        ? {
            townshipId: township.id,
            townshipName: township.name,
            villageId: village.id,
            villageName: village.name,
            villageKind: village.kind,
            siteId: site.id,
            siteName: site.name,
            siteType: site.type,
          }
        : null;
    places.set(siteId, place);
    return place;
  };
  return {
    townships,
    villages,
    sites,
    villagesOf: group(catalogue.villages ?? [], (v) => v.townshipId),
    sitesOf: group(catalogue.sites ?? [], (s) => s.villageId),
    placeOfSite,
  };
}

/** The index over these lists (copies: a draft's lists change in place, so nothing of them is cached). */
export function buildRegisterIndex(catalogue: Registered): RegisterIndex {
  return withScreens(buildPlaces(catalogue), catalogue.screens, new Map(catalogue.screens.map((s) => [s.id, s])));
}

function withScreens(places: Places, screens: readonly Screen[], byId: { get(id: string): Screen | undefined }): RegisterIndex {
  let screensOf: ReadonlyMap<string, readonly Screen[]> | null = null;
  return {
    ...places,
    // Built when asked (the register page, reports): a claim's place lookup does not group 10,000 screens.
    get screensOf() {
      return (screensOf ??= group(screens, (s) => s.siteId));
    },
    placeOfScreen(screenId) {
      const siteId = byId.get(screenId)?.siteId;
      return siteId ? places.placeOfSite(siteId) : null;
    },
  };
}

// Catalogue snapshots are replaced, never changed in place, so one index per snapshot stays right; the
// register's part is shared by every snapshot with the same register lists (a claim changes only screens).
const cache = new WeakMap<object, RegisterIndex>();
const placesCache = new WeakMap<object, { townships: unknown; villages: unknown; places: Places }>();

function placesOf(catalogue: Registered): Places {
  const key = catalogue.sites ?? catalogue;
  const known = placesCache.get(key);
  if (known && known.townships === catalogue.townships && known.villages === catalogue.villages) return known.places;
  const places = buildPlaces(catalogue);
  placesCache.set(key, { townships: catalogue.townships, villages: catalogue.villages, places });
  return places;
}

/** The index of this catalogue snapshot, built at its first use and kept while the snapshot lives. */
export function registerIndex(catalogue: Registered): RegisterIndex {
  let index = cache.get(catalogue);
  if (!index) cache.set(catalogue, (index = withScreens(placesOf(catalogue), catalogue.screens, { get: (id) => itemById(catalogue.screens, id) })));
  return index;
}

/** The register's places of a snapshot: shared while its townships, villages and sites are the same lists. */
export const registerPlaces = (catalogue: Omit<Registered, 'screens'>): Pick<RegisterIndex, 'placeOfSite' | 'sites' | 'villages' | 'townships'> =>
  placesOf({ ...catalogue, screens: [] });

/** Where a screen stands in the register, or null when it is not attached to a site. */
export const placeOf = (catalogue: Registered, screenId: string): Place | null => registerIndex(catalogue).placeOfScreen(screenId);
