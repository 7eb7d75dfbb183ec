// The only file that listens: load configuration, check the data dir, build the app, start, and stop cleanly on signals.
import { ConfigError, loadConfig } from './config.js';
import { installLoadProbe } from './ops/load-probe.js';
import { checkDataDir, markRunning, markStopped, StoreError } from './storage/data-dir.js';
import { backupStores } from './backup/backup.js';
import { openControlSocket } from './backup/control.js';

let config;
let dataDirState;
try {
  config = loadConfig();
  // Before the app (and its heavy imports) loads: a missing or damaged store stops here with one line.
  dataDirState = await checkDataDir(config.dataDir, config.recreateStores, { onPostgres: !!config.databaseUrl });
} catch (error) {
  if (!(error instanceof ConfigError) && !(error instanceof StoreError)) throw error;
  console.error(error.message);
  process.exit(1);
}
// The backup command's way in (server/backup/control.ts); also keeps a second server off this data dir.
let control;
try {
  control = await openControlSocket(config.dataDir);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const { buildApp } = await import('./app.js');
let app;
try {
  app = await buildApp(config);
} catch (error) {
  // The catalogue's content is checked as it is parsed, inside the app.
  if (!(error instanceof StoreError)) throw error;
  console.error(error.message);
  process.exit(1);
}
if (dataDirState.wasUncleanStop) app.log.warn('上次运行未正常停止，已完整检查全部数据库 / the last run did not stop cleanly: every database was checked in full');
await markRunning(config.dataDir);
control.serve({ backup: (target) => backupStores({ dataDir: config.dataDir, catalogueBackupTo: app.crier.catalogue.backupTo }, target) });
const shutdown = async (signal: string) => {
  app.log.info({ signal }, '正在停止 / shutting down');
  await control.close();
  await app.close();
  await markStopped(config.dataDir);
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

installLoadProbe(() => app.crier.presence.connectedScreens);
await app.listen({ port: config.port, host: config.host });
const shown = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
const base = `http://${shown}:${app.server.address() && typeof app.server.address() === 'object' ? (app.server.address() as { port: number }).port : config.port}`;
app.log.info(`Crier 已启动 / started — 管理后台 console: ${base}/console  播放器 player: ${base}/player  API 文档 docs: ${base}/docs  数据 data: ${config.dataDir}`);
