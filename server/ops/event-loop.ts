// Watches the event loop: a server that falls behind says so in the log (warn, at most every 10 s)
// instead of freezing silently, and tells the load shedder how late it runs.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';

/** A delay this long means players and staff wait noticeably: worth a warning. */
export const LAG_WARN_MS = 500;
/** Start-up (loading modules, opening stores, the first builds) is slow by nature: not warned about. */
const STARTUP_GRACE_MS = 10_000;
const SAMPLE_MS = 500;
const WARN_EVERY_MS = 10_000;
/** How far back `stalledWithin` can look. */
const RECENT_MS = 60_000;

export type EventLoopWatch = ReturnType<typeof watchEventLoop>;

export function watchEventLoop(log: Pick<FastifyBaseLogger, 'warn'>, options: { graceMs?: number } = {}) {
  const graceMs = options.graceMs ?? STARTUP_GRACE_MS;
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lagMs = 0;
  const startedAt = performance.now();
  let lastWarnAt = -Infinity;
  let worstSinceWarn = 0;
  /** When each sample ended and the worst delay it saw: how long ago the loop last stalled. */
  let recent: { at: number; worstMs: number }[] = [];
  // The timer itself is late when the loop is blocked: the lateness is the lag.
  let expected = performance.now() + SAMPLE_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(0, now - expected);
    expected = now + SAMPLE_MS;
    const worstMs = Math.max(lagMs, histogram.max / 1e6);
    worstSinceWarn = Math.max(worstSinceWarn, worstMs);
    histogram.reset();
    recent = recent.filter((s) => now - s.at < RECENT_MS);
    if (now - startedAt >= graceMs) recent.push({ at: now, worstMs });
    if (now - startedAt < graceMs) worstSinceWarn = 0;
    if (worstSinceWarn >= LAG_WARN_MS && now - lastWarnAt >= WARN_EVERY_MS) {
      log.warn({ lagMs: Math.round(worstSinceWarn) }, '服务器处理滞后 / event loop lagging: the server is falling behind');
      lastWarnAt = now;
      worstSinceWarn = 0;
    }
  }, SAMPLE_MS);
  timer.unref();
  return {
    /** The lag seen at the last sample (ms): how far behind the server runs now. */
    get lagMs(): number {
      return lagMs;
    },
    /** Whether the loop was delayed by at least `minMs` within the last `withinMs` (sampled every half second). */
    stalledWithin(minMs: number, withinMs: number): boolean {
      const since = performance.now() - withinMs;
      return recent.some((s) => s.at >= since && s.worstMs >= minMs);
    },
    close(): void {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
