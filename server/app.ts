// Builds the Crier server: plugins, then our services, then routes. Only server/main.ts listens.
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import path from 'node:path';
import { ffmpegPath, ffprobePath } from '../media/ffmpeg.paths.js';
import { setFontDataDir } from '../media/fonts.js';
import { checkMediaTools } from '../media/ffmpeg.run.js';
import { SCREEN_PROFILES } from '../media/image.renditions.js';
import { createMediaStore } from '../media/media.store.js';
import { seedStationQuietHours } from './quiet-hours.seed.js';
import { registerStationRoutes } from './routes/stations.routes.js';
import { seedDefaultCampaign } from './campaign.seed.js';
import { systemClock, type Clock } from './clock.js';
import { mediaDirs, type Config } from './config.js';
import { frameworkErrors, installErrorHandler } from './errors.js';
import { installSecurityHeaders } from './security-headers.js';
import { installCompression } from './compression.js';
import { openApiTransform, SECURITY_SCHEMES } from './openapi.js';
import { SWAGGER_UI_OPTIONS } from './openapi-ui.js';
import { createMetrics } from './ops/metrics.js';
import { registerMetricsRoute } from './routes/metrics.routes.js';
import { createConsoleHub, registerConsoleGateway } from './gateway/console.gateway.js';
import { PLAYER_WS_MAX_PAYLOAD, registerPlayerGateway } from './gateway/player.gateway.js';
import { createPresence } from './gateway/presence.js';
import { watchEventLoop } from './ops/event-loop.js';
import { webSocketErrorHandler } from './gateway/client-faults.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerMediaRoutes } from './routes/media.routes.js';
import { registerPages } from './routes/pages.routes.js';
import { createNewScreenLimiter } from './pairing/new-screen-limiter.js';
import { createPairingService } from './pairing/pairing.service.js';
import { registerPairingRoutes } from './routes/pairing.routes.js';
import { registerPlaylistRoutes } from './routes/playlists.routes.js';
import { createAsRunService } from './proof/as-run.service.js';
import { createProofSources } from './proof/report-sources.js';
import { registerProofRoutes } from './routes/proof.routes.js';
import { registerReportRoutes } from './routes/reports.routes.js';
import { registerScheduleRoutes } from './routes/schedules.routes.js';
import { registerScreenRoutes } from './routes/screens.routes.js';
import { registerTimelineRoutes } from './routes/timeline.routes.js';
import { registerVolumeRoutes } from './routes/volume.routes.js';
import { createBoundaryScheduler } from './scheduling/boundaries.js';
import { createAlertsService } from './services/alerts.service.js';
import { createBuildPool } from './services/manifest.build-pool.js';
import { createManifestPublisher } from './services/manifest.publisher.js';
import type { CatalogueStore } from './storage/catalogue.store.js';
import type { AffectedScreens } from '../playlists/affected-screens.js';
import { createJobQueue, type JobEventSink } from './services/media.jobs.js';
import { createMediaService } from './services/media.service.js';
import { createSpeaker } from '../media/speech/speech.engines.js';
import { createMessageAlerts } from './services/alert-message.service.js';
import { createSpeechService } from './services/speech.service.js';
import { registerSpeechRoutes } from './routes/speech.routes.js';
import { createPlaylistsService } from './services/playlists.service.js';
import { createBroadcastsService, createQuietHoursService, createSchedulesService } from './services/schedules.service.js';
import { createScreensService } from './services/screens.service.js';
import { createVolumeSchedulesService } from './services/volume.service.js';
import { scheduleRetention } from './storage/retention.job.js';
import { installAccounts } from './auth/accounts.setup.js';
import { installTownshipScope } from './auth/township-scope.js';
import { openStores } from './storage/stores.js';
import { openCluster } from './cluster/cluster.setup.js';
import { recordStores } from './storage/data-dir.js';
import { installReports } from './reports/reports.setup.js';
import { migrateFreeTextAtStart, withPlaceSync } from './register/place-sync.js';
import { createRegisterService } from './register/register.service.js';
import { registerRegisterRoutes } from './routes/register.routes.js';

export const CRIER_VERSION = '0.1.0';

export interface BuildOptions {
  clock?: Clock;
  /** Pass false in tests to keep output quiet. */
  logger?: boolean;
  /** Receives every media job change (progress, done, failed); the console socket will forward these. */
  onJobEvent?: JobEventSink;
  /** Time for session expiry; defaults to the system clock, not `clock` (a test's jump of days must not sign it out). */
  authClock?: Clock;
  /** Where log lines go (default stdout); tests read the first-admin line from here. */
  logStream?: NodeJS.WritableStream;
  /** Start-up time whose stalls are neither warned about nor shed for (server/ops/event-loop.ts); tests that stall on purpose pass 0. */
  eventLoopGraceMs?: number;
}

/** Trust the nearest `hops` proxies (Fastify takes a number too, but its types do not say so). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildApp(config: Config, options: BuildOptions = {}) {
  const clock = options.clock ?? systemClock;
  // Fonts: fontconfig and its cache under this data dir, fixed before anything is drawn.
  setFontDataDir(config.dataDir);
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) },
    // Reads (console polling, media, pages) would drown the log; changes are worth a line each.
    logController: new LogController({ disableRequestLogging: (request) => request.method === 'GET' || request.method === 'HEAD' }),
    // Slow clients cannot hold sockets (issue 13.7): headers within headersMs, no silence longer than idleMs, idle keep-alive closed after keepAliveMs; player WebSockets are exempt (ws clears the socket timeout on upgrade).
    connectionTimeout: config.httpTimeouts.idleMs,
    keepAliveTimeout: config.httpTimeouts.keepAliveMs,
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Node checks header deadlines every connectionsCheckingInterval (30 s by default): look every second.
    http: { headersTimeout: config.httpTimeouts.headersMs, connectionsCheckingInterval: 1000 },
    // A bad URL or an over-long parameter is answered like every other client fault (reason, Chinese first).
    frameworkErrors,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  // Third-party plugins (security headers first, so they cover every route, the docs' included).
  await installSecurityHeaders(app);
  // Compression for the routes that opt in (server/compression.ts: the as-run log, exports).
  await installCompression(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: PLAYER_WS_MAX_PAYLOAD }, errorHandler: webSocketErrorHandler });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Crier API', version: CRIER_VERSION, description: '反诈宣传屏幕与广播排播系统 / anti-fraud signage and broadcast scheduler', license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' } },
      servers: [{ url: '/', description: '本服务器 / this server' }],
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: openApiTransform,
  });
  await app.register(fastifySwaggerUi, SWAGGER_UI_OPTIONS);
  // Byte limits per kind are enforced while streaming (media/receive.ts); this is only the backstop.
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: Math.max(config.maxImageBytes, config.maxAudioBytes, config.maxVideoBytes) + 1, files: 1, fields: 20, fieldSize: 4096, parts: 25 },
  });

  // Stores: embedded files, or PostgreSQL when CRIER_DATABASE_URL is set (server/storage/stores.ts).
  // Its onClose is added first so it runs last (Fastify runs them newest first): the pool outlives every store.
  const stores = await openStores(config, app.log);
  app.addHook('onClose', () => stores.close());

  // Several nodes as one Crier when CRIER_REDIS_URL is set (server/cluster/); null: one process, all in memory.
  const cluster = await openCluster(config, app.log);

  // Accounts first: the auth hooks must see every route registered after them (docs/accounts.md).
  const accounts = await installAccounts(app, config, { authClock: options.authClock ?? systemClock, clock, stores, rateLimits: cluster?.rateLimits });

  // Our services.
  // Screens' place strings are copied from the register on every change (server/register/place-sync.ts).
  const catalogueHooks = withPlaceSync(accounts.catalogueHooks);
  // In a cluster every commit is announced with the screens it affects (issue 15).
  let openedCatalogue: CatalogueStore | null = null;
  const catalogue = await stores.openCatalogue(cluster ? cluster.announceCommits(catalogueHooks, () => openedCatalogue?.version() ?? 0) : catalogueHooks);
  openedCatalogue = catalogue;
  await migrateFreeTextAtStart(catalogue, app.log);
  const { log: airingLog, reports: airingReports, openExport: openAiringExport } = await stores.openAiring({ onlineGapMs: config.offlineAfterMs, timeZone: config.timeZone, writerNice: config.writerNice });
  const asRuns = createAsRunService({ catalogue: () => catalogue.read(), reports: airingReports, timeZone: config.timeZone });
  const retention = scheduleRetention({ airingLog, clock, retentionDays: config.rawRetentionDays, log: app.log, runOnce: cluster?.runOnce });
  installTownshipScope(app, { catalogue, airingLog });
  const mediaStore = createMediaStore(mediaDirs(config).media);
  const presence = cluster ? cluster.presence(createPresence()) : createPresence();
  const metrics = createMetrics({ playersConnected: () => (cluster ? cluster.everywhere() : [...presence.allSessions()]), jobs: () => (clusterJobs ? clusterJobs.listHere() : jobs.list()), audit: accounts.audit.health, ...(cluster ? { clusterNodes: () => cluster.view().nodes } : {}) });
  // Scale (issue 14): a server that falls behind says so in the log.
  const eventLoop = watchEventLoop(app.log, options.eventLoopGraceMs === undefined ? {} : { graceMs: options.eventLoopGraceMs });
  app.addHook('onClose', async () => eventLoop.close());
  const consoleHub = cluster ? cluster.consoleHub(createConsoleHub()) : createConsoleHub();
  // Large passes' builds in threads of their own (started, and warmed, once the register has more screens than a pass builds here), ended with the server.
  const buildWorker = config.buildWorker ? createBuildPool({ timeZone: config.timeZone, threads: config.buildThreads, nice: config.buildNice, ...(config.buildArenaBytes !== undefined ? { arenaBytes: config.buildArenaBytes } : {}) }) : null;
  if (buildWorker) app.addHook('onClose', () => buildWorker.close());
  const publisher = createManifestPublisher({ catalogue, presence, clock, log: app.log, timeZone: config.timeZone, buildWorker });
  // Day rollovers and alert expiries: the only moments the server republishes without an edit.
  const boundaries = createBoundaryScheduler({ read: () => catalogue.read(), clock, timeZone: config.timeZone, log: app.log, publish: () => publisher.republishAll() });
  // Pushes (issue 14/15): a local change is measured against the snapshot before it; commits adopted from
  // other nodes come with the screens they named (`named`), since a synced snapshot shares no objects.
  const republish = (named?: AffectedScreens): AffectedScreens => {
    let affected: AffectedScreens = named ?? 'all';
    if (named === undefined) affected = publisher.catalogueChanged();
    else publisher.adopted(named);
    consoleHub.refresh('catalogue');
    boundaries.plan();
    return affected;
  };
  // In a cluster a commit is announced with the screens it affects, and other nodes' commits are synced and republished here too.
  const onChange = cluster ? cluster.followCatalogue(catalogue, republish) : () => void republish();
  // On PostgreSQL, other nodes' commits also arrive by LISTEN/NOTIFY (Redis or not): synced, then republished
  // here; with Redis, for the screens the committing node named (all when its message never comes).
  if (cluster) await stores.followCatalogue(cluster.sharedCatalogue(catalogue), () => undefined);
  else await stores.followCatalogue(catalogue, () => void republish('all'));
  const screens = await createScreensService({ catalogue, presence, airingLog, clock, offlineAfterMs: config.offlineAfterMs, onChange: () => onChange() });
  cluster?.screens(screens); // live status (last heartbeat, health) of every node's players
  const { tokens } = stores;
  const pairing = createPairingService({
    catalogue,
    tokens,
    presence,
    screens,
    clock,
    limiter: createNewScreenLimiter({ perWindow: config.newScreensPerIpPerMinute, windowMs: 60_000 }),
    maxUnclaimedScreens: config.maxUnclaimedScreens,
    onChange: () => onChange(),
  });
  const register = createRegisterService({
    catalogue,
    onChange,
    onTownshipRenamed: (from, to) => void accounts.accounts.renameTownship(from, to).catch((err: unknown) => app.log.error({ err }, "乡镇改名未能同步到账户 / township rename not applied to accounts")),
  });
  const playlists = createPlaylistsService({ catalogue, clock, onChange });
  const schedules = createSchedulesService({ catalogue, clock, onChange });
  const broadcasts = createBroadcastsService({ catalogue, clock, onChange });
  const quietHours = createQuietHoursService({ catalogue, clock, onChange });
  const alerts = createAlertsService({ catalogue, clock, onChange });
  const volumeSchedules = createVolumeSchedulesService({ catalogue, clock, onChange });
  boundaries.plan();
  if (await seedDefaultCampaign({ catalogue, mediaStore, clock })) app.log.info('已写入默认反诈宣传内容 / default campaign seeded');
  if (await seedStationQuietHours({ catalogue, clock, window: config.stationQuietHours })) app.log.info(config.stationQuietHours, '已添加默认夜间静音时段 / default quiet hours added');
  void checkMediaTools().then(({ ffmpeg, ffprobe }) => {
    if (ffmpeg && ffprobe) return app.log.info({ ffmpeg, ffprobe }, '媒体工具就绪 / media tools ready');
    const missing = ffmpeg ? 'ffprobe' : 'ffmpeg';
    app.log.error(
      { ffmpegPath, ffprobePath },
      `找不到可用的 ${missing}，视频和音频上传都会失败；请重新 npm install 或设置 FFMPEG_PATH / FFPROBE_PATH / ` +
        `${missing} cannot run: every video and audio upload will fail; reinstall or set FFMPEG_PATH / FFPROBE_PATH`,
    );
  });
  const localJobs = createJobQueue({
    concurrency: config.ffmpegConcurrency,
    clock,
    notify: (event) => {
      if (event.job.state === 'failed') app.log.warn({ job: event.job }, 'media job failed');
      consoleHub.broadcast(event);
      metrics.jobEvent(event);
      options.onJobEvent?.(event);
    },
  });
  // In a cluster a job runs under a lease, and a dead node's items are picked up by the others.
  const clusterJobs = cluster ? cluster.jobs(localJobs, { catalogue, resume: (mediaId) => media.resume(mediaId) }) : null;
  const jobs = clusterJobs ?? localJobs;
  const media = await createMediaService({
    catalogue,
    mediaStore,
    originals: createMediaStore(mediaDirs(config).originals),
    tmpDir: path.join(config.dataDir, 'tmp'),
    jobs,
    clock,
    onChange,
    // On a shared catalogue the cluster's sweep decides which node resumes what (clusterJobs.start below).
    resumeAtStart: !clusterJobs?.isShared,
    settings: {
      limits: { image: config.maxImageBytes, audio: config.maxAudioBytes, video: config.maxVideoBytes },
      maxImagePixels: config.maxImagePixels,
      maxVideoMs: config.maxVideoMs,
      maxAudioMs: config.maxAudioMs,
      profiles: [...SCREEN_PROFILES, ...config.ledSizes],
      videoMaxHeight: config.videoMaxHeight,
      videoPreset: config.videoPreset,
      loudness: { I: config.loudness.integratedLufs, TP: config.loudness.truePeakDbtp, LRA: 11 },
    },
  });
  clusterJobs?.start(); // a joining node takes waiting items at once
  // Speech for loudspeakers: one-step alerts and slogan clips (media/speech).
  const speak = createSpeaker({ vitsDir: config.ttsVitsDir, warn: (message) => app.log.warn(message) });
  const speech = createSpeechService({ media, speak, tmpDir: path.join(config.dataDir, 'tmp') });
  const messageAlerts = createMessageAlerts({ catalogue, media, speech, playlists, alerts, clock });
  app.addHook('onClose', async () => {
    consoleHub.close();
    boundaries.close();
    await media.close();
    retention.stop();
    await airingReports.close();
    await airingLog.close();
    tokens.close();
    await cluster?.close();
  });

  // Routes: the whole URL map of the server.
  accounts.registerRoutes({ catalogue, clock, onChange }); //   /api/v1/auth/*, /api/v1/users, /api/v1/audit, /api/v1/media/:id/approve|reject
  registerHealthRoutes(app, { presence, version: CRIER_VERSION, timeZone: config.timeZone, mediaTools: checkMediaTools, dataDir: config.dataDir, audit: accounts.audit.health, ...(cluster ? { cluster: cluster.view } : {}) });
  await registerPages(app, { mediaDir: mediaStore.dir }); //   /, /player, /console, /assets/*, /fonts/*, /media/*
  registerPlayerGateway(app, {
    presence,
    screens,
    pairing,
    publisher,
    airingLog,
    clock,
    unclaimedDisplay: config.unclaimedDisplay,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    ...(config.pingIntervalMs !== undefined ? { pingIntervalMs: config.pingIntervalMs } : {}),
    ...(config.appliedSpreadMsPerPlayer !== undefined ? { appliedSpreadMsPerPlayer: config.appliedSpreadMsPerPlayer } : {}),
    timeZone: config.timeZone,
    onActivity: (topic) => consoleHub.refresh(topic),
    onAiring: (screenId, { itemId, mediaId, startedAt, isAlert }) => consoleHub.airing({ screenId, itemId, mediaId, startedAt, isAlert }),
    playLimits: config.playLimits,
    metrics,
    shedding: config.shedding,
    eventLoop,
  }); //   /ws/player
  registerMetricsRoute(app, { metrics, accounts: accounts.accounts, token: config.metricsToken }); //   /metrics
  registerConsoleGateway(app, consoleHub); //   /ws/console
  registerPlaylistRoutes(app, playlists); //   /api/v1/playlists
  registerMediaRoutes(app, { media, jobs }); //   /api/v1/media, /api/v1/media/slogans, /api/v1/jobs
  registerScheduleRoutes(app, { schedules, broadcasts, quietHours, alerts }); //   /api/v1/schedules, /api/v1/broadcasts, /api/v1/quiet-hours, /api/v1/alerts
  registerSpeechRoutes(app, { media, speech, messageAlerts }); //   /api/v1/alerts/message, /api/v1/media/:id/speech
  registerVolumeRoutes(app, volumeSchedules); //   /api/v1/volume-schedules
  registerTimelineRoutes(app, { catalogue, screens, clock, timeZone: config.timeZone }); //   /api/v1/screens/:id/timeline
  registerStationRoutes(app, { catalogue, clock, timeZone: config.timeZone, onChange }); //   /api/v1/screens/stations-without-audio, /api/v1/schedules/station-check, /api/v1/site-type-sound
  registerPairingRoutes(app, { pairing }); //   /api/v1/screens/claim, /api/v1/screens/:id/revoke
  registerScreenRoutes(app, { screens, publisher, airingLog }); //   /api/v1/screens, /api/v1/plays
  registerRegisterRoutes(app, register); //   /api/v1/register, /api/v1/register/{townships,villages,sites}/:id, /api/v1/register/campaign
  registerReportRoutes(app, { reports: airingReports, airingLog, clock, timeZone: config.timeZone, offlineAfterMs: config.offlineAfterMs, screens: () => catalogue.read().screens }); //   /api/v1/reports/*
  registerProofRoutes(app, { reports: airingReports, airingLog, asRuns, clock, timeZone: config.timeZone, openExport: openAiringExport, catalogue: () => catalogue.read() }); //   /api/v1/proof/*
  // Campaign reports, police figures, the weekly report (server/reports/reports.setup.ts).
  const campaignReports = installReports(app, { config, clock, catalogue, store: stores.reports, audit: accounts.audit, sources: createProofSources(airingReports, asRuns), runOnce: cluster?.runOnce });
  // Every store is open (and so exists) now: note which this data dir holds (server/storage/data-dir.ts).
  await recordStores(config.dataDir, [...(config.mediaDir ? ['media'] : []), ...(config.originalsDir ? ['originals'] : [])]);

  const services = { catalogue, register, airingLog, presence, publisher, buildWorker, boundaries, screens, pairing, tokens, playlists, schedules, broadcasts, quietHours, alerts, volumeSchedules, mediaStore, media, jobs, consoleHub, clock, accounts: accounts.accounts, audit: accounts.audit, routes: accounts.routes, reports: campaignReports, asRuns, cluster };
  return Object.assign(app as FastifyInstance, { crier: services });
}

export type CrierApp = Awaited<ReturnType<typeof buildApp>>;
