// Merging the county's list into the register by names: what is missing is added, kinds, site types and
// addresses take the file's values, nothing is removed. The same file twice changes nothing.
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import type { ImportResult } from './register.api.js';
import type { PlaceRow } from './register.file.js';

export function mergeRows(draft: Catalogue, rows: readonly PlaceRow[], newId: (prefix: 'tw' | 'vl' | 'st') => string): ImportResult {
  const result: ImportResult = { rows: rows.length, created: { townships: 0, villages: 0, sites: 0 }, updated: 0 };
  const townships = new Map(draft.townships.map((t) => [t.name, t]));
  const villages = new Map(draft.villages.map((v) => [`${v.townshipId}\u0000${v.name}`, v]));
  const sites = new Map(draft.sites.map((s) => [`${s.villageId}\u0000${s.name}`, s]));
  const changedIds = new Set<string>();
  for (const row of rows) {
    let township = townships.get(row.township);
    if (!township) {
      township = { id: newId('tw'), name: row.township };
      draft.townships.push(township);
      townships.set(township.name, township);
      result.created.townships++;
    }
    const villageKey = `${township.id}\u0000${row.village}`;
    let village = villages.get(villageKey);
    if (!village) {
      village = { id: newId('vl'), townshipId: township.id, name: row.village, kind: row.kind };
      draft.villages.push(village);
      villages.set(villageKey, village);
      result.created.villages++;
    } else if (village.kind !== row.kind) {
      village.kind = row.kind;
      changedIds.add(village.id);
    }
    if (!row.site || !row.siteType) continue;
    const siteKey = `${village.id}\u0000${row.site}`;
    const site = sites.get(siteKey);
    if (!site) {
      const created = { id: newId('st'), villageId: village.id, name: row.site, type: row.siteType, ...(row.address ? { address: row.address } : {}) };
      draft.sites.push(created);
      sites.set(siteKey, created);
      result.created.sites++;
      continue;
    }
    if (site.type !== row.siteType || (row.address ?? undefined) !== site.address) {
      site.type = row.siteType;
      if (row.address) site.address = row.address;
      else delete site.address;
      changedIds.add(site.id);
    }
  }
  result.updated = changedIds.size;
  return result;
}
