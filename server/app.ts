// Builds the Crier server: plugins, then our services, then routes. Only server/main.ts listens.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import path from 'node:path';
import { createMediaStore } from '../media/media.store.js';
import { seedDefaultCampaign } from './campaign.seed.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { installErrorHandler } from './errors.js';
import { PLAYER_WS_MAX_PAYLOAD, registerPlayerGateway } from './gateway/player.gateway.js';
import { createPresence } from './gateway/presence.js';
import { registerCatalogueRoutes } from './routes/catalogue.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerPages } from './routes/pages.routes.js';
import { registerPlaylistRoutes } from './routes/playlists.routes.js';
import { registerScreenRoutes } from './routes/screens.routes.js';
import { createManifestPublisher } from './services/manifest.publisher.js';
import { createPlaylistsService } from './services/playlists.service.js';
import { createSchedulesService } from './services/schedules.service.js';
import { createScreensService } from './services/screens.service.js';
import { createAiringLog } from './storage/airing.store.js';
import { createCatalogueStore } from './storage/catalogue.store.js';

export const CRIER_VERSION = '0.1.0';

export interface BuildOptions {
  clock?: Clock;
  /** Pass false in tests to keep output quiet. */
  logger?: boolean;
}

export async function buildApp(config: Config, options: BuildOptions = {}) {
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    // Reads (console polling, media, pages) would drown the log; changes are worth a line each.
    logController: new LogController({ disableRequestLogging: (request) => request.method === 'GET' || request.method === 'HEAD' }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  // Third-party plugins.
  await app.register(fastifyWebsocket, { options: { maxPayload: PLAYER_WS_MAX_PAYLOAD } });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Crier API', version: CRIER_VERSION, description: '反诈宣传屏幕与广播排播系统 / anti-fraud signage and broadcast scheduler' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  // Our services.
  const catalogue = await createCatalogueStore(config.dataDir);
  const airingLog = createAiringLog(config.dataDir);
  const mediaStore = createMediaStore(path.join(config.dataDir, 'media'));
  const presence = createPresence();
  const publisher = createManifestPublisher({ catalogue, presence, clock, log: app.log });
  const onChange = () => publisher.catalogueChanged();
  const screens = createScreensService({ catalogue, presence, airingLog, clock, offlineAfterMs: config.offlineAfterMs });
  const playlists = createPlaylistsService({ catalogue, clock, onChange });
  const schedules = createSchedulesService({ catalogue, clock, onChange });
  if (await seedDefaultCampaign({ catalogue, mediaStore, clock })) app.log.info('已写入默认反诈宣传内容 / default campaign seeded');
  app.addHook('onClose', async () => airingLog.close());

  // Routes: the whole URL map of the server.
  registerHealthRoutes(app, { presence, version: CRIER_VERSION, timeZone: config.timeZone });
  await registerPages(app, { mediaDir: mediaStore.dir }); //   /, /player, /console, /assets/*, /fonts/*, /media/*
  registerPlayerGateway(app, {
    presence,
    screens,
    publisher,
    airingLog,
    clock,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    timeZone: config.timeZone,
  }); //   /ws/player
  registerPlaylistRoutes(app, playlists); //   /api/v1/playlists
  registerCatalogueRoutes(app, { catalogue, schedules }); //   /api/v1/media, /api/v1/schedules
  registerScreenRoutes(app, { screens, publisher, airingLog }); //   /api/v1/screens, /api/v1/plays

  const services = { catalogue, airingLog, presence, publisher, screens, playlists, schedules, mediaStore, clock };
  return Object.assign(app as FastifyInstance, { crier: services });
}

export type CrierApp = Awaited<ReturnType<typeof buildApp>>;
