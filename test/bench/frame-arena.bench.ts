// `npm run bench -- frame-arena`: what frames crossing from a worker as ArrayBuffers of their own cost the main
// isolate (each is external memory: enough of it starts a full collection of the whole heap), against a shared
// arena the worker writes into. Docs/scaling.md, eighteenth session: every full marking the main isolate started
// in a push to 10,000 distinct screens was for "external memory pressure"; the build worker writes into such an
// arena since the nineteenth (server/services/frame-arena.ts). Each run is a process of its own
// (frame-arena.child.mjs), three of each mode, alternated.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from './stats.js';

/** What the bench reads of a run's line (it prints more, for a run by hand). */
interface Run { majors: number; cpuMs: number }
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'frame-arena.child.mjs');
const once = (mode: 'transfer' | 'arena'): Run => JSON.parse(execFileSync(process.execPath, [CHILD, mode], { encoding: 'utf8' }).trim()) as Run;

export function benchFrameArena(): void {
  const runs: Record<'transfer' | 'arena', Run[]> = { transfer: [], arena: [] };
  for (let round = 0; round < 3; round++) for (const mode of ['transfer', 'arena'] as const) runs[mode].push(once(mode));
  const line = (mode: 'transfer' | 'arena') => {
    const r = runs[mode];
    return `${mode}: full collections ${r.map((x) => x.majors).join(' / ')}, process CPU median ${quantile(r.map((x) => x.cpuMs), 0.5).toFixed(0)} ms (${r.map((x) => x.cpuMs.toFixed(0)).join(' / ')})`;
  };
  console.log('10,000 frames of 17 KB from a worker to a main thread holding 600,000 objects (three runs each, alternated):');
  console.log(`  ${line('transfer')} — an ArrayBuffer of its own each, transferred (what the build worker did before its frame arena)`);
  console.log(`  ${line('arena')} — Buffer views over a 32 MB SharedArrayBuffer ring, each slot released when its frame is let go`);
}
