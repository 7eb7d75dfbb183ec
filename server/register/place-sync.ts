// Keeps screens' township/site/siteType strings equal to their site in the register on every catalogue
// change (whoever makes it), and moves free-text places of older catalogues into the register at start.
import type { FastifyBaseLogger } from 'fastify';
import { isEmptyMigration, migrateFreeTextPlaces, type MigrationReport } from '../../playlists/register.migrate.js';
import { syncScreenPlaces } from '../../playlists/register.sync.js';
import { isChanged } from '../storage/catalogue.draft.js';
import type { CatalogueHooks, CatalogueStore } from '../storage/catalogue.store.js';
import { newPlaceId } from './register.service.js';

/** The catalogue hooks with the register's copy into screens run first, before validation and the audit. */
export function withPlaceSync<C>(hooks: CatalogueHooks<C>): CatalogueHooks<C> {
  return {
    ...hooks,
    prepare(draft, before, context) {
      // Only a change of the register can make untouched screens stale; the screens a change writes are
      // placed as they are settled (server/storage/catalogue.delta.ts), so a claim does not pass over them all.
      if (isChanged(draft.townships, before.townships) || isChanged(draft.villages, before.villages) || isChanged(draft.sites, before.sites)) syncScreenPlaces(draft);
      hooks.prepare?.(draft, before, context);
    },
  };
}

/**
 * Free-text places into the register, once: the change goes through the store like any other, so the
 * audit trail records what was created (actor: none, the system). Returns what was done.
 */
export async function migrateFreeTextAtStart(catalogue: CatalogueStore, log: FastifyBaseLogger): Promise<MigrationReport | null> {
  // Most starts have nothing to migrate: check on the current snapshot before queueing a write.
  const hasFreeText = catalogue.read().screens.some((s) => !s.siteId && s.township);
  if (!hasFreeText) return null;
  const report = await catalogue.update((draft) => migrateFreeTextPlaces(draft, newPlaceId), { isAlone: true });
  if (isEmptyMigration(report)) return null;
  log.info(
    { townships: report.townships, villages: report.villages, sites: report.sites, screens: report.screens, retargeted: report.retargeted, unknownSiteTypes: report.unknownSiteTypes, skipped: report.skipped },
    `已将 ${report.screens} 块屏幕的自由填写地点迁入点位登记 / moved the free-text places of ${report.screens} screens into the register`,
  );
  return report;
}
