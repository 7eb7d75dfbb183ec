// Campaign reports (issue 11.5–11.6) assembled in one place: the reports store (police figures, weekly
// report index), the sources reports read (proof's rollups, behind an adapter), the police service,
// the weekly job and the routes. app.ts calls this once, after the airing log exists.
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { registerPoliceRoutes } from '../routes/police.routes.js';
import type { AuditService } from '../services/audit.service.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import { createReportsStore } from '../storage/reports.store.js';
import { createPoliceService } from './police/police.service.js';
import type { ReportSources } from './sources.js';

export function installReports(app: FastifyInstance, deps: { config: Config; clock: Clock; catalogue: CatalogueStore; audit: AuditService; sources: ReportSources }) {
  const { config, clock } = deps;
  const store = createReportsStore(config.dataDir);
  // proof's airing log (server/proof/report-sources.ts): rollups, online time, as-run, chain check.
  const { sources } = deps;
  const catalogue = () => deps.catalogue.read();
  const police = createPoliceService({ store, catalogue, clock, audit: deps.audit });
  registerPoliceRoutes(app, { police, clock, timeZone: config.timeZone }); //   /api/v1/police-figures, /api/v1/police-figures/import
  app.addHook('onClose', async () => {
    sources.close();
    store.close();
  });
  return { store, sources, police };
}
