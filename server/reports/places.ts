// The register of places as reports see it: townships → villages/communities → sites → screens, read
// through register's index (playlists/register.index.ts). A catalogue with no townships yet (a county
// that has not imported its register) is reported from the screens' free-text township instead, one
// pseudo-village per township, so reports still answer something true.
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { registerIndex } from '../../playlists/register.index.js';
import type { Campaign, Place, Site, Township, Village } from '../../playlists/register.schema.js';

export type { Campaign, Place, Site, Township, Village };

export interface Places {
  townships: readonly Township[];
  villages: readonly Village[];
  sites: readonly Site[];
  /** Where a claimed screen stands, or null when it is not attached to the register. */
  placeOf(screenId: string): Place | null;
  campaign: Campaign;
  /** The register's township id for what staff typed (id, name or code), or null. */
  townshipOf(text: string): string | null;
  /** Is this township inside a user's scope (accounts keep the township's name)? */
  isInScope(townshipId: string, scope: string | null): boolean;
}

const UNREGISTERED_VILLAGE = '（未登记村/社区）';

function fromScreenText(catalogue: Readonly<Catalogue>): Pick<Places, 'townships' | 'villages' | 'sites' | 'placeOf'> {
  const townships = new Map<string, Township>();
  const villages = new Map<string, Village>();
  const sites = new Map<string, Site>();
  const places = new Map<string, Place>();
  for (const screen of catalogue.screens) {
    if (screen.isProvisional || !screen.township) continue;
    const townshipId = screen.township;
    townships.set(townshipId, { id: townshipId, name: screen.township });
    const villageId = `${townshipId}/`;
    villages.set(villageId, { id: villageId, townshipId, name: UNREGISTERED_VILLAGE, kind: 'village' });
    const siteName = screen.site ?? screen.name;
    const siteId = `${villageId}${siteName}`;
    sites.set(siteId, { id: siteId, villageId, name: siteName, type: '其他' });
    places.set(screen.id, { townshipId, townshipName: screen.township, villageId, villageName: UNREGISTERED_VILLAGE, villageKind: 'village', siteId, siteName, siteType: '其他' });
  }
  return { townships: [...townships.values()], villages: [...villages.values()], sites: [...sites.values()], placeOf: (id) => places.get(id) ?? null };
}

export function placesOf(catalogue: Readonly<Catalogue>): Places {
  const hasRegister = catalogue.townships.length > 0;
  const base = hasRegister
    ? { townships: catalogue.townships, villages: catalogue.villages, sites: catalogue.sites, placeOf: (id: string) => registerIndex(catalogue).placeOfScreen(id) }
    : fromScreenText(catalogue);
  const find = (text: string) => {
    const wanted = text.trim();
    return base.townships.find((t) => t.id === wanted || t.name === wanted || ('code' in t && t.code === wanted));
  };
  return {
    ...base,
    campaign: catalogue.campaign,
    townshipOf: (text) => find(text)?.id ?? null,
    isInScope: (townshipId, scope) => scope === null || find(scope)?.id === townshipId,
  };
}
