// Campaign reports (issue 11.5–11.6) assembled in one place: the reports store (police figures, weekly
// report index), the sources reports read (proof's rollups, behind an adapter), the police service,
// the weekly report and its Monday job, and the routes. app.ts calls this once, after the airing log.
import type { FastifyInstance } from 'fastify';
import type { Screen } from '../../playlists/catalogue.schema.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { registerCampaignReportRoutes } from '../routes/campaign-reports.routes.js';
import { registerPoliceRoutes } from '../routes/police.routes.js';
import type { AuditService } from '../services/audit.service.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import type { ReportsStore } from '../storage/reports.store.js';
import type { ReportContext } from './model/context.js';
import { placesOf } from './places.js';
import { createPoliceService } from './police/police.service.js';
import { shareReads, type ReportSources } from './sources.js';
import { createWeeklyJob } from './weekly.job.js';
import { createWeeklyService } from './weekly.service.js';
import type { RunOnce } from '../cluster/once.cluster.js';

/** In a cluster one node makes each weekly report: its claim outlasts the making; later, the report itself says it is done (catch-up). */
const WEEKLY_CLAIM_MS = 3_600_000;

/** Minutes of campaign content a device must air each day to count (coverage, weekly report). */
export const DEFAULT_MIN_MINUTES = 30;
const STATION_GROUPS = new Set(['广播', '大喇叭', 'station', 'loudspeaker']);

export function installReports(app: FastifyInstance, deps: { config: Config; clock: Clock; catalogue: CatalogueStore; store: ReportsStore; audit: AuditService; sources: ReportSources; runOnce?: RunOnce | undefined }) {
  const { config, clock } = deps;
  const { store } = deps;
  // proof's airing log (server/proof/report-sources.ts): rollups, online time, as-run, chain check.
  const { sources } = deps;
  const catalogue = () => deps.catalogue.read();
  // A loudspeaker station: its player last introduced itself in audio mode (as register counts them), or
  // staff grouped it as one before it ever connected.
  const isStation = (screen: Screen) => screen.mode === 'audio' || (screen.mode === undefined && screen.groups.some((g) => STATION_GROUPS.has(g)));
  const context = (scope: string | null): ReportContext => {
    const snapshot = catalogue();
    return { catalogue: snapshot, places: placesOf(snapshot), sources: shareReads(sources), timeZone: config.timeZone, scope, isStation, now: clock.now() };
  };
  const police = createPoliceService({ store, catalogue, clock, audit: deps.audit });
  const weekly = createWeeklyService({ store, dataDir: config.dataDir, context: () => context(null), minMinutes: DEFAULT_MIN_MINUTES });
  const job = createWeeklyJob({
    clock,
    timeZone: config.timeZone,
    log: app.log,
    run: async (week) => (!deps.runOnce || (await deps.runOnce(`weekly:${week}`, WEEKLY_CLAIM_MS)) ? weekly.generate(week, null) : null),
    hasReport: weekly.has,
    saved: weekly.savedRun,
  });
  // In the background: a report missed while the server was down must not hold up the start.
  void job.start();

  registerPoliceRoutes(app, { police, clock, timeZone: config.timeZone }); //   /api/v1/police-figures, /api/v1/police-figures/import
  registerCampaignReportRoutes(app, { context, weekly, clock, timeZone: config.timeZone, defaultMinMinutes: DEFAULT_MIN_MINUTES }); //   /api/v1/reports/{coverage,compliance,topic-mix,proof,weekly}[/:format]
  app.addHook('onClose', async () => {
    await job.close();
    sources.close();
    store.close();
  });
  return { store, sources, police, weekly, job, context };
}
