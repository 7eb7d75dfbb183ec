// How fast one address may create unclaimed screens: a sliding window of creation times per IP.
// A real site creates a few screens at install time; a script opening sockets in a loop creates
// thousands, each a catalogue record. In memory: a restart forgives, which is fine for an abuse guard.

export function createNewScreenLimiter(options: { perWindow: number; windowMs: number; now?: () => number }) {
  const { perWindow, windowMs, now = () => Date.now() } = options;
  const byIp = new Map<string, number[]>();

  const prune = (times: number[], at: number) => {
    while (times.length && times[0]! <= at - windowMs) times.shift();
  };

  return {
    /** Counts one creation and returns true, or returns false (counting nothing) when over the limit. */
    tryTake(ip: string): boolean {
      const at = now();
      // Keep memory bounded when many addresses pass by.
      if (byIp.size > 10_000) for (const [key, times] of byIp) if ((prune(times, at), times.length === 0)) byIp.delete(key);
      const times = byIp.get(ip) ?? [];
      prune(times, at);
      if (times.length >= perWindow) return false;
      times.push(at);
      byIp.set(ip, times);
      return true;
    },
  };
}
export type NewScreenLimiter = ReturnType<typeof createNewScreenLimiter>;
