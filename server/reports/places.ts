// The register of places as reports see it: townships → villages/communities → sites → screens.
// Adapter over register's catalogue fields (playlists/register.schema.ts, `placeOf`); until they are in
// the catalogue, places are derived from the screens' free-text township and site, so reports work on
// catalogues of either shape.
import type { Catalogue, Screen } from '../../playlists/catalogue.schema.js';

export interface Township { id: string; name: string }
export interface Village { id: string; townshipId: string; name: string; kind: 'community' | 'village' }
export interface Site { id: string; villageId: string; name: string; type: string }
export interface Place { townshipId: string; townshipName: string; villageId: string; villageName: string; siteId: string; siteName: string; siteType: string }
export interface Milestone { id: string; name: string; dueDate: string; kind: 'coverage' | 'other'; target?: number | undefined }
export interface Campaign { name: string; startDate: string; endDate: string; milestones: Milestone[] }

export interface Places {
  townships: Township[];
  villages: Village[];
  sites: Site[];
  /** Claimed screens and their place (null: not attached to the register). */
  placeOf(screenId: string): Place | null;
  campaign: Campaign;
  /** The register's township id for what staff typed (id, name or code), or null. */
  townshipOf(text: string): string | null;
}

/** The seed's dates (county plan): Jan 10 – Mar 31, social-surface coverage by Jan 31. */
export const DEFAULT_CAMPAIGN: Campaign = {
  name: '打击治理电信网络诈骗犯罪宣传活动',
  startDate: '2027-01-10',
  endDate: '2027-03-31',
  milestones: [{ id: 'coverage', name: '社会面宣传全覆盖', dueDate: '2027-01-31', kind: 'coverage', target: 1 }],
};

const UNREGISTERED_VILLAGE = '（未登记村/社区）';

/** The register's shape, when register's fields are in the catalogue. */
interface RegisterFields {
  townships?: (Township & { code?: string })[];
  villages?: (Village & { code?: string })[];
  sites?: Site[];
  campaign?: Campaign;
}

function fromRegister(catalogue: Readonly<Catalogue> & RegisterFields, screens: Map<string, Screen & { siteId?: string }>): Omit<Places, 'campaign' | 'townshipOf'> {
  const townships = catalogue.townships ?? [];
  const villages = catalogue.villages ?? [];
  const sites = catalogue.sites ?? [];
  const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
  const [t, v, s] = [byId(townships), byId(villages), byId(sites)];
  return {
    townships,
    villages,
    sites,
    placeOf(screenId) {
      const site = s.get(screens.get(screenId)?.siteId ?? '');
      const village = site && v.get(site.villageId);
      const township = village && t.get(village.townshipId);
      if (!site || !village || !township) return null;
      return { townshipId: township.id, townshipName: township.name, villageId: village.id, villageName: village.name, siteId: site.id, siteName: site.name, siteType: site.type };
    },
  };
}

/** Before the register: township = the screen's township text; one unregistered village per township. */
function fromScreenText(screens: Map<string, Screen>): Omit<Places, 'campaign' | 'townshipOf'> {
  const townships = new Map<string, Township>();
  const villages = new Map<string, Village>();
  const sites = new Map<string, Site>();
  const places = new Map<string, Place>();
  for (const screen of screens.values()) {
    if (!screen.township) continue;
    const townshipId = screen.township;
    townships.set(townshipId, { id: townshipId, name: screen.township });
    const villageId = `${townshipId}/`;
    villages.set(villageId, { id: villageId, townshipId, name: UNREGISTERED_VILLAGE, kind: 'village' });
    const siteName = screen.site ?? screen.name;
    const siteId = `${villageId}${siteName}`;
    sites.set(siteId, { id: siteId, villageId, name: siteName, type: screen.siteType ?? '其他' });
    places.set(screen.id, { townshipId, townshipName: screen.township, villageId, villageName: UNREGISTERED_VILLAGE, siteId, siteName, siteType: screen.siteType ?? '其他' });
  }
  return { townships: [...townships.values()], villages: [...villages.values()], sites: [...sites.values()], placeOf: (id) => places.get(id) ?? null };
}

export function placesOf(catalogue: Readonly<Catalogue>): Places {
  const withRegister = catalogue as Readonly<Catalogue> & RegisterFields;
  const screens = new Map(catalogue.screens.filter((s) => !s.isProvisional).map((s) => [s.id, s]));
  const hasRegister = (withRegister.townships?.length ?? 0) > 0;
  const base = hasRegister ? fromRegister(withRegister, screens) : fromScreenText(screens);
  const codes = new Map<string, string>();
  for (const t of (withRegister.townships ?? []) as (Township & { code?: string })[]) if (t.code) codes.set(t.code, t.id);
  return {
    ...base,
    campaign: withRegister.campaign ?? DEFAULT_CAMPAIGN,
    townshipOf(text) {
      const wanted = text.trim();
      return base.townships.find((t) => t.id === wanted || t.name === wanted)?.id ?? codes.get(wanted) ?? null;
    },
  };
}
