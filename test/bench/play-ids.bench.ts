// `npm run bench -- plays:ids`: what a play record's id costs the airing log's writer once the log has grown.
// Random (version-4) ids land all over the id index, so each commit rewrites about a page per play;
// time-ordered ones (version 7, what players send since the eighteenth session) land at its end.
// Each kind fills a log of its own with three bursts as the load test's (10,000 screens × 20 plays, a
// thousand batches at a time), each timed: the process's CPU (the writer thread's commits are most of
// it) and the wall time, so the later bursts show what a grown log costs.
import { randomUUID } from 'node:crypto';
import { newRecordId } from '../../player/play-records.js';
import type { PlayRecord } from '../../player/protocol.js';
import { createAiringLog } from '../../server/storage/airing.store.js';
import { withTempDir } from './temp-dir.js';

const SCREENS = 10_000;
const PER_BATCH = 20;
const AT_ONCE = 1000;

async function burstsWith(newId: () => string, bursts: number): Promise<{ cpuMs: number; wallMs: number }[]> {
  return withTempDir(async (dir) => {
    const log = createAiringLog(dir);
    const record = (): PlayRecord => {
      const end = Date.now();
      return { id: newId(), itemId: 'item-1', mediaId: 'media-1', hash: 'a'.repeat(64), manifestVersion: 'v1', startedAt: new Date(end - 10_000).toISOString(), endedAt: new Date(end).toISOString(), completed: true };
    };
    const figures: { cpuMs: number; wallMs: number }[] = [];
    for (let b = 0; b < bursts; b++) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (let from = 0; from < SCREENS; from += AT_ONCE) {
        await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => log.recordPlays(`scr-${from + i}`, false, Array.from({ length: PER_BATCH }, record))));
      }
      const used = process.cpuUsage(cpu);
      figures.push({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start });
    }
    await log.close();
    return figures;
  });
}

export async function benchPlayIds(): Promise<void> {
  const BURSTS = 3;
  const line = (name: string, figures: { cpuMs: number; wallMs: number }[]) =>
    `${name}: ${figures.map((f, i) => `burst ${i + 1} ${(f.cpuMs / 1000).toFixed(1)} s CPU / ${(f.wallMs / 1000).toFixed(1)} s`).join(', ')}`;
  const plays = (SCREENS * PER_BATCH).toLocaleString('en');
  console.log(`play ids: ${BURSTS} bursts of ${plays} plays (${SCREENS.toLocaleString('en')} screens × ${PER_BATCH}) into a new log, fsync'd`);
  const random = await burstsWith(randomUUID, BURSTS);
  console.log(`  ${line('random (v4)', random)}`);
  const ordered = await burstsWith(() => newRecordId(), BURSTS);
  console.log(`  ${line('time-ordered (v7)', ordered)}`);
  const last = BURSTS - 1;
  console.log(`  last burst, time-ordered ÷ random: CPU ${(ordered[last]!.cpuMs / random[last]!.cpuMs).toFixed(2)}, wall ${(ordered[last]!.wallMs / random[last]!.wallMs).toFixed(2)}`);
}
