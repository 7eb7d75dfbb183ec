// For `npm run loadtest` only (CRIER_LOAD_PROBE=1 and started with an IPC channel): answers the load
// simulator's questions about this process (memory after a GC, event-loop delay since the last reset,
// garbage collection and the loop's stalls in that window) over IPC, so nothing is added to the HTTP API.
import path from 'node:path';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { createThreadTimes, waitedForCoreMs } from './thread-cpu.js';

interface ProbeRequest {
  probe: number;
  /** Start a new event-loop delay window after answering. */
  reset?: boolean;
  /** Collect garbage first (memory per player); never asked during a measured phase. */
  gc?: boolean;
  /** Write a heap snapshot into this directory first (`--heap-snapshot`, idle phase only): its path comes back. */
  snapshotDir?: string;
}

/** A loop turn later than this is a stall, kept with its time so it can be set beside the GCs. */
const STALL_MS = 100;
/** A pause of the collector at least this long is kept with its time. */
const LONG_GC_MS = 20;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Ms the main thread has been runnable but waiting for a core (null where the kernel keeps no schedstat). */
function mainThreadWaitedMs(): number | null {
  try {
    return waitedForCoreMs(process.pid);
  } catch {
    return null;
  }
}

export function installLoadProbe(connected: () => number): void {
  if (process.env.CRIER_LOAD_PROBE !== '1' || !process.send) return;
  const threadTimes = createThreadTimes();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const round = (x: number) => Math.round(x * 10) / 10;
  let windowStart = performance.now();
  let eluStart = performance.eventLoopUtilization();
  let gc: Record<string, { n: number; totalMs: number; maxMs: number }> = {};
  let longGc: { atMs: number; ms: number; kind: string }[] = [];
  /** hrUs: the stall's start on the monotonic clock in µs, the clock a --cpu-prof profile's sample times use. */
  let stalls: { atMs: number; ms: number; hrUs: number; waitedMs?: number }[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      const k = (gc[kind] ??= { n: 0, totalMs: 0, maxMs: 0 });
      k.n++;
      k.totalMs += entry.duration;
      k.maxMs = Math.max(k.maxMs, entry.duration);
      if (entry.duration >= LONG_GC_MS && longGc.length < 200) longGc.push({ atMs: round(entry.startTime - windowStart), ms: round(entry.duration), kind });
    }
  }).observe({ entryTypes: ['gc'] });
  // The loop's late turns, each with when it began (relative to the window), to set beside the GC pauses, and
  // how much of it the main thread was runnable but waiting for a core (the rest: running, or blocked in a call).
  let lastTick = performance.now();
  let lastHr = process.hrtime.bigint();
  let lastWaited = mainThreadWaitedMs();
  setInterval(() => {
    const t = performance.now();
    const late = t - lastTick - 10;
    const waited = mainThreadWaitedMs();
    if (late >= STALL_MS && stalls.length < 200) {
      stalls.push({ atMs: round(lastTick - windowStart), ms: round(late), hrUs: Number(lastHr / 1000n), ...(waited === null || lastWaited === null ? {} : { waitedMs: round(waited - lastWaited) }) });
    }
    lastTick = t;
    lastHr = process.hrtime.bigint();
    lastWaited = waited;
  }, 10).unref();
  process.on('message', (message: ProbeRequest) => {
    if (typeof message?.probe !== 'number') return;
    if (message.gc) (globalThis as { gc?: () => void }).gc?.();
    const snapshot = message.snapshotDir ? writeHeapSnapshot(path.join(message.snapshotDir, 'server.heapsnapshot')) : undefined;
    const cpu = process.cpuUsage();
    const times = threadTimes();
    process.send!({
      probe: message.probe,
      ...(snapshot ? { snapshot } : {}),
      connected: connected(),
      memory: process.memoryUsage(),
      eventLoop: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), count: delay.count },
      /** This process's CPU time (user + system, ms) since it started: the load test takes differences. */
      cpuMs: round((cpu.user + cpu.system) / 1000),
      /** The same by thread (Linux; ms, in ticks of 10 ms): main, build worker, airing writer, the rest (V8's and libuv's helpers). */
      threadCpuMs: times?.cpu ?? null,
      /** By thread, the ms each was runnable but waiting for a core. */
      threadWaitMs: times?.waiting ?? null,
      // The loop's busy ms in the window (a crowded machine stretches wall time, this less).
      loopBusyMs: Math.round(performance.eventLoopUtilization(eluStart).active),
      gc: Object.fromEntries(Object.entries(gc).map(([k, v]) => [k, { n: v.n, totalMs: round(v.totalMs), maxMs: round(v.maxMs) }])),
      longGc,
      stalls,
    });
    if (message.reset) {
      delay.reset();
      windowStart = performance.now();
      eluStart = performance.eventLoopUtilization();
      gc = {};
      longGc = [];
      stalls = [];
    }
  });
}
