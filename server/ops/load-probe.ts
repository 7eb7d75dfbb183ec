// For `npm run loadtest` only (CRIER_LOAD_PROBE=1 and started with an IPC channel): answers the load
// simulator's questions about this process (memory after a GC, event-loop delay since the last reset)
// over IPC, so nothing is added to the HTTP API.
import { monitorEventLoopDelay } from 'node:perf_hooks';

interface ProbeRequest {
  probe: number;
  /** Start a new event-loop delay window after answering. */
  reset?: boolean;
  /** Collect garbage first (memory per player); never asked during a measured phase. */
  gc?: boolean;
}

export function installLoadProbe(connected: () => number): void {
  if (process.env.CRIER_LOAD_PROBE !== '1' || !process.send) return;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  process.on('message', (message: ProbeRequest) => {
    if (typeof message?.probe !== 'number') return;
    if (message.gc) (globalThis as { gc?: () => void }).gc?.();
    process.send!({
      probe: message.probe,
      connected: connected(),
      memory: process.memoryUsage(),
      eventLoop: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), count: delay.count },
    });
    if (message.reset) delay.reset();
  });
}
