// Imported first by the benchmarks: CRIER_BENCH_JITLESS=1 runs zod without eval, as the browser player and the
// console do (player/zod-jitless.ts), so their validation is measured as they pay it. Schemas read the setting
// when they are made, so nothing that makes one may be imported before this.
import * as z from 'zod';

if (process.env.CRIER_BENCH_JITLESS === '1') z.config({ jitless: true });
