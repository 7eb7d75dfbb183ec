// Who may change which part of the register, and the register's own rules as HTTP answers: county admins
// change anything; township staff change villages and sites of their own township only.
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { buildRegisterIndex, type RegisterIndex } from '../../playlists/register.index.js';
import { registerProblems } from '../../playlists/register.check.js';
import { outOfScope } from '../auth/township-scope.js';
import { AppError } from '../errors.js';

export interface RegisterActor {
  isAdmin: boolean;
  /** Non-null: township-scoped staff. */
  township: string | null;
  /** The change touches townships or the campaign: county admins only. */
  countyOnly?: boolean;
}

export const COUNTY_ADMIN: RegisterActor = { isAdmin: true, township: null };

const countyAdminOnly = () =>
  new AppError(403, 'county-admin-only', '乡镇和活动设置只能由县级管理员修改 / townships and the campaign are changed by a county admin only');
const townshipStaffOnly = () =>
  new AppError(403, 'township-staff-only', '点位登记由管理员或本乡镇工作人员修改 / the register is changed by an admin or by a township\'s own staff');

/** Throws the first problem of the changed register as a 409 (duplicate) or 422 (unknown parent). */
export function refuseProblems(draft: Catalogue): void {
  const problem = registerProblems(draft)[0];
  if (!problem) return;
  const isDuplicate = /重复/.test(problem.message);
  throw new AppError(isDuplicate ? 409 : 422, isDuplicate ? 'place-exists' : 'unknown-place', problem.message);
}

/** The township names a change touched: every village or site added, changed or removed, before and after. */
function touchedTownships(before: RegisterIndex, after: RegisterIndex): Set<string> {
  const names = new Set<string>();
  const townshipOfVillage = (index: RegisterIndex, villageId: string | undefined) => {
    const village = villageId ? index.villages.get(villageId) : undefined;
    return village ? index.townships.get(village.townshipId)?.name ?? `?${village.townshipId}` : `?${villageId}`;
  };
  const compare = <T>(was: ReadonlyMap<string, T>, now: ReadonlyMap<string, T>, townshipOf: (index: RegisterIndex, item: T) => string) => {
    for (const id of new Set([...was.keys(), ...now.keys()])) {
      const a = was.get(id);
      const b = now.get(id);
      if (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)) continue;
      if (a !== undefined) names.add(townshipOf(before, a));
      if (b !== undefined) names.add(townshipOf(after, b));
    }
  };
  compare(before.villages, after.villages, (index, v) => index.townships.get(v.townshipId)?.name ?? `?${v.townshipId}`);
  compare(before.sites, after.sites, (index, s) => townshipOfVillage(index, s.villageId));
  return names;
}

/** Refuses a changed register that breaks its rules or reaches outside the actor's township. */
export function checkRegister(draft: Catalogue, before: RegisterIndex, actor: RegisterActor): void {
  if (!actor.isAdmin) {
    if (!actor.township) throw townshipStaffOnly();
    if (actor.countyOnly) throw countyAdminOnly();
    for (const name of touchedTownships(before, buildRegisterIndex(draft))) if (name !== actor.township) throw outOfScope(actor.township);
  }
  refuseProblems(draft);
}
