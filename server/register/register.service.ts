// The register of places as staff edit it: the tree with counts, create/change/delete at each level, the
// campaign. Screens follow renames by themselves (place-sync.ts copies the register into their strings).
import { randomBytes } from 'node:crypto';
import type { Catalogue, Screen } from '../../playlists/catalogue.schema.js';
import { buildRegisterIndex, registerIndex } from '../../playlists/register.index.js';
import type { Campaign, Site, Township, Village } from '../../playlists/register.schema.js';
import { retargetRules } from '../../playlists/register.sync.js';
import { AppError, notFound } from '../errors.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import type { ImportResult, NewSite, NewTownship, NewVillage, RegisterTree, SitePatch, TownshipPatch, VillagePatch } from './register.api.js';
import { checkRegister, type RegisterActor } from './register.rules.js';
import { exportTable, isXlsx, readCsv, readXlsx, rowsOf } from './register.file.js';
import { mergeRows } from './register.import.js';
import { detached } from '../storage/catalogue.draft.js';

const unreadableXlsx = { line: 1, message: '第 1 行：无法读取此 XLSX 文件 / line 1: this XLSX file cannot be read' };

export const newPlaceId = (prefix: 'tw' | 'vl' | 'st') => `${prefix}-${randomBytes(6).toString('hex')}`;

const inUse = (what: string, names: string[]) =>
  new AppError(409, 'place-in-use', `${what}仍有下级或屏幕，不能删除：${names.join('、')} / ${what} still has places or screens under it: ${names.join(', ')}`);

export type RegisterService = ReturnType<typeof createRegisterService>;

export function createRegisterService(deps: {
  catalogue: CatalogueStore;
  onChange?: () => void;
  /** After a township was renamed: accounts scoped to the old name follow it. */
  onTownshipRenamed?: (from: string, to: string) => void;
}) {
  const { catalogue } = deps;
  const isCounted = (s: Screen) => !s.isProvisional && !s.revokedAt;

  /** Applies a change to the register, refusing it with a clear 4xx before the catalogue's own check would. */
  async function change<T>(actor: RegisterActor, edit: (draft: Catalogue) => T): Promise<T> {
    const result = await catalogue.update(
      (draft) => {
        // A copy: the edit changes the draft's objects in place.
        const before = buildRegisterIndex(detached({ screens: [], townships: draft.townships, villages: draft.villages, sites: draft.sites }));
        const value = edit(draft);
        checkRegister(draft, before, actor);
        return value;
      },
      // It rewrites screens' places and rules' targets in place: alone, so a change after it is checked against it.
      { isAlone: true },
    );
    deps.onChange?.();
    return result;
  }

  const findIn = <T extends { id: string }>(list: T[], id: string, what: string) => {
    const item = list.find((x) => x.id === id);
    if (!item) throw notFound(what, id);
    return item;
  };

  function tree(): RegisterTree {
    const c = catalogue.read();
    const index = registerIndex(c);
    let villagesWithout = 0;
    const count = (screens: readonly Screen[] = []) => {
      const live = screens.filter(isCounted);
      // A station is a player that last introduced itself in audio mode (village loudspeakers).
      const stations = live.filter((s) => s.mode === 'audio').length;
      return { screens: live.length - stations, stations };
    };
    const sum = (nodes: { screens: number; stations: number }[]) => nodes.reduce((a, n) => ({ screens: a.screens + n.screens, stations: a.stations + n.stations }), { screens: 0, stations: 0 });
    const townships = c.townships.map((t) => {
      const villages = (index.villagesOf.get(t.id) ?? []).map((v) => {
        const sites = (index.sitesOf.get(v.id) ?? []).map((s) => ({ ...s, ...count(index.screensOf.get(s.id)) }));
        const counts = sum(sites);
        if (counts.screens + counts.stations === 0) villagesWithout++;
        return { ...v, ...counts, sites };
      });
      return { ...t, ...sum(villages), villages };
    });
    return {
      townships,
      campaign: c.campaign,
      totals: {
        townships: c.townships.length,
        villages: c.villages.length,
        sites: c.sites.length,
        ...sum(townships),
        villagesWithout,
        unplaced: c.screens.filter((s) => isCounted(s) && !s.siteId).length,
      },
    };
  }

  return {
    tree,
    /**
     * The county's list (CSV in UTF-8 or GBK, or XLSX) merged in by names, all or nothing: any bad line
     * refuses the whole file with every bad line named, and the register stays as it was.
     */
    async importFile(actor: RegisterActor, bytes: Uint8Array): Promise<ImportResult> {
      const table = isXlsx(bytes) ? await readXlsx(bytes).catch(() => unreadableXlsx) : readCsv(bytes);
      const { rows, problems } = Array.isArray(table) ? rowsOf(table) : { rows: [], problems: [table] };
      if (problems.length) {
        const shown = problems.slice(0, 20).map((p) => p.message).join('\n');
        const more = problems.length > 20 ? `\n……另有 ${problems.length - 20} 处 / … and ${problems.length - 20} more` : '';
        throw new AppError(422, 'import-refused', `导入被拒绝，未做任何更改 / import refused, nothing changed:\n${shown}${more}`, problems);
      }
      return change({ ...actor, countyOnly: true }, (draft) => mergeRows(draft, rows, newPlaceId));
    },
    exportTable: () => exportTable(catalogue.read()),
    campaign: (): Campaign => catalogue.read().campaign,
    setCampaign: (actor: RegisterActor, campaign: Campaign) =>
      change({ ...actor, countyOnly: true }, (draft) => {
        draft.campaign = campaign;
        return campaign;
      }),

    createTownship: (actor: RegisterActor, input: NewTownship) =>
      change({ ...actor, countyOnly: true }, (draft) => {
        const township: Township = { id: newPlaceId('tw'), ...input };
        draft.townships.push(township);
        return township;
      }),
    updateTownship: (actor: RegisterActor, id: string, patch: TownshipPatch) =>
      change({ ...actor, countyOnly: true }, (draft) => {
        const township = findIn(draft.townships, id, '乡镇 township');
        const from = township.name;
        Object.assign(township, patch);
        // Rules aimed at the old name follow the township (its screens follow through place-sync).
        if (township.name !== from) retargetRules(draft, 'townships', new Map([[from, township.name]]));
        return { township: { ...township }, from };
      }).then(({ township, from }) => {
        if (township.name !== from) deps.onTownshipRenamed?.(from, township.name);
        return township;
      }),
    deleteTownship: (actor: RegisterActor, id: string) =>
      change({ ...actor, countyOnly: true }, (draft) => {
        const township = findIn(draft.townships, id, '乡镇 township');
        const children = draft.villages.filter((v) => v.townshipId === id).map((v) => v.name);
        if (children.length) throw inUse(`乡镇「${township.name}」 / township "${township.name}"`, children);
        draft.townships = draft.townships.filter((t) => t.id !== id);
      }),

    createVillage: (actor: RegisterActor, input: NewVillage) =>
      change(actor, (draft) => {
        const village: Village = { id: newPlaceId('vl'), ...input };
        draft.villages.push(village);
        return village;
      }),
    updateVillage: (actor: RegisterActor, id: string, patch: VillagePatch) =>
      change(actor, (draft) => {
        const village = findIn(draft.villages, id, '村/社区 village');
        Object.assign(village, patch);
        return { ...village };
      }),
    deleteVillage: (actor: RegisterActor, id: string) =>
      change(actor, (draft) => {
        const village = findIn(draft.villages, id, '村/社区 village');
        const children = draft.sites.filter((s) => s.villageId === id).map((s) => s.name);
        if (children.length) throw inUse(`村/社区「${village.name}」 / village "${village.name}"`, children);
        draft.villages = draft.villages.filter((v) => v.id !== id);
      }),

    createSite: (actor: RegisterActor, input: NewSite) =>
      change(actor, (draft) => {
        const site: Site = { id: newPlaceId('st'), ...input };
        draft.sites.push(site);
        return site;
      }),
    updateSite: (actor: RegisterActor, id: string, patch: SitePatch) =>
      change(actor, (draft) => {
        const site = findIn(draft.sites, id, '点位 site');
        Object.assign(site, patch);
        return { ...site };
      }),
    deleteSite: (actor: RegisterActor, id: string) =>
      change(actor, (draft) => {
        const site = findIn(draft.sites, id, '点位 site');
        const screens = draft.screens.filter((s) => s.siteId === id).map((s) => s.name);
        if (screens.length) throw inUse(`点位「${site.name}」 / site "${site.name}"`, screens);
        draft.sites = draft.sites.filter((s) => s.id !== id);
      }),
  };
}
