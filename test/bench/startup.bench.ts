// What the start-up store checks cost on a large airing log (server/storage/data-dir.ts): after a clean
// stop a store over FULL_CHECK_MAX_BYTES gets its header and length checked; after an unclean stop (the
// run marker left behind) every page is read (quick_check). `npm run bench -- startup[:PLAYS]`.
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { checkDataDir, FULL_CHECK_MAX_BYTES, RUNNING_MARKER } from '../../server/storage/data-dir.js';
import { testPlayRecord } from '../helper.js';
import { fmt, quantile } from './stats.js';
import { withTempDir } from './temp-dir.js';

export async function benchStartup(plays = '1000000'): Promise<void> {
  const total = Number(plays);
  if (!Number.isInteger(total) || total < 1) throw new Error(`startup:PLAYS wants a positive whole number, not ${plays}`);
  await withTempDir(async (dataDir) => {
    const app = await buildApp({ ...loadConfig({}), dataDir, logLevel: 'silent' }, { logger: false });
    await app.close();
    const log = createAiringLog(dataDir);
    const day = Date.now() - 86_400_000;
    for (let written = 0; written < total; written += 5000) {
      const screens = Array.from({ length: 10 }, (_, s) => {
        const records = Array.from({ length: Math.min(500, Math.ceil((total - written) / 10)) }, (_, k) => testPlayRecord(day + (written / 10 + k) * 20_000 + s, 20_000));
        return log.recordPlays(`scr-${s}`, false, records);
      });
      await Promise.all(screens);
    }
    await log.close();
    const { size } = await stat(path.join(dataDir, 'airing.sqlite3'));
    const times = { clean: [] as number[], unclean: [] as number[] };
    for (let round = 0; round < 3; round++) {
      for (const kind of ['clean', 'unclean'] as const) {
        if (kind === 'unclean') await writeFile(path.join(dataDir, RUNNING_MARKER), '{}');
        else await rm(path.join(dataDir, RUNNING_MARKER), { force: true });
        const start = performance.now();
        await checkDataDir(dataDir);
        times[kind].push(performance.now() - start);
      }
    }
    const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    console.log(
      `start-up store checks, airing log of ${total.toLocaleString('en')} plays (${mib(size)}; full check above ${mib(FULL_CHECK_MAX_BYTES)} only after an unclean stop), 3 rounds: ` +
        `after a clean stop median ${fmt(quantile(times.clean, 0.5))}, after an unclean stop median ${fmt(quantile(times.unclean, 0.5))}`,
    );
  });
}
