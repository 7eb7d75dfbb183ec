// npm run backup -- DIR   /   npm run restore -- DIR [--replace]
// The data dir is the server's (CRIER_DATA_DIR, default ./data). A running server makes the backup
// itself, over its control socket, so the copy is consistent with what it is writing; a stopped one
// is copied directly. Restore only ever writes into a stopped server's data dir.
import path from 'node:path';
import { loadConfig } from '../config.js';
import { checkDataDir } from '../storage/data-dir.js';
import { backupStores, type BackupSummary } from './backup.js';
import { askServer } from './control.js';
import { restoreStores } from './restore.js';

const [command, dir, ...flags] = process.argv.slice(2);
const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};
if ((command !== 'backup' && command !== 'restore') || !dir) fail('用法 / usage: npm run backup -- DIR | npm run restore -- DIR [--replace]');

const { dataDir, databaseUrl } = loadConfig();
const target = path.resolve(dir!);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

try {
  if (command === 'backup') {
    const answer = await askServer(dataDir, { op: 'backup', target });
    if (answer && !answer.ok) throw new Error(`备份失败 / backup failed: ${answer.message}`);
    const summary = (answer?.ok ? answer.result : await backupStores({ dataDir }, target)) as BackupSummary;
    console.log(
      `备份完成 / backup done: ${target} — ${summary.stores} 个存储 stores, ${summary.copied} 个文件新复制 files copied, ` +
        `${summary.unchanged} 个未变 unchanged, ${mb(summary.bytes)} MB (${answer ? '服务器运行中 / from the running server' : '服务器未运行 / server stopped'})`,
    );
  } else {
    if (await askServer(dataDir, { op: 'ping' })) {
      fail(`服务器正在使用数据目录 ${dataDir}，请先停止它再恢复 / a server is running on the data dir ${dataDir}: stop it before restoring`);
    }
    const summary = await restoreStores(target, dataDir, { replace: flags.includes('--replace') });
    // A restored copy is read in full, whatever its size: this is the moment to find a damaged backup.
    await checkDataDir(dataDir, [], { onPostgres: !!databaseUrl, fullCheckMaxBytes: Infinity });
    console.log(
      `恢复完成 / restored: ${summary.stores} 个存储 stores, ${summary.files} 个文件 files → ${dataDir}` +
        (summary.movedAside ? `；原有存储已移到 / the previous stores were moved to ${summary.movedAside}` : ''),
    );
  }
} catch (error) {
  fail((error as Error).message);
}
