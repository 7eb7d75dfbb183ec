// A simulated player process's heartbeats, from send to ack: each latency is counted in the phase the
// heartbeat was SENT in. Counted at its ack, a heartbeat sent while the load test's memory probe forced a
// full collection (0.2 s or more with 10,000 players connected) and answered once the plays burst had begun
// was put in the burst: with 50 probe players a handful of those set the burst's p99 (docs/scaling.md,
// twenty-fourth session).

/** One phase's figures: latency, its split at the server's stamp, and the slowest with when they were sent. */
export interface HeartbeatReport {
  byPhase: Record<string, number[]>;
  /** Sent → the server's stamp (same machine clock). */
  up: Record<string, number[]>;
  /** The server's stamp → the ack read here. */
  down: Record<string, number[]>;
  /** Each phase's slowest, slowest first: [sent at (epoch ms), latency ms, of it before the server's stamp]. */
  slowest: Record<string, [sentAt: number, ms: number, upMs: number][]>;
}

/** How many of each phase's slowest heartbeats are kept (with when they were sent). */
export const SLOWEST_KEPT = 8;

/** One player's heartbeats awaiting their ack (its echoes are unique to it: one per millisecond at most). */
export interface PlayerHeartbeats {
  /** A heartbeat sent: `echo` is its sentAt (ISO), `at` this process's clock, `phase` the phase now. */
  sent(echo: string, at: number, phase: string): void;
  /** Its ack read at `at` (this process's clock), stamped `serverTime` (ISO) by the server; false if not one of ours. */
  acked(echo: string, at: number, serverTime: string, nowEpoch?: number): boolean;
}

export function createHeartbeatLedger() {
  let latencies = new Map<string, number[]>();
  let up = new Map<string, number[]>();
  let down = new Map<string, number[]>();
  let slowest = new Map<string, [number, number, number][]>();
  const add = (map: Map<string, number[]>, phase: string, value: number) => {
    const list = map.get(phase);
    if (list) list.push(value);
    else map.set(phase, [value]);
  };
  const noteSlowest = (phase: string, entry: [number, number, number]) => {
    const list = slowest.get(phase) ?? [];
    if (list.length === SLOWEST_KEPT && entry[1] <= list[list.length - 1]![1]) return;
    list.push(entry);
    list.sort((a, b) => b[1] - a[1]);
    slowest.set(phase, list.slice(0, SLOWEST_KEPT));
  };

  return {
    /** A player's own record of what it sent; what it is answered goes into this process's figures. */
    player(): PlayerHeartbeats {
      const pending = new Map<string, { at: number; phase: string }>();
      return {
        sent: (echo, at, phase) => void pending.set(echo, { at, phase }),
        acked(echo, at, serverTime, nowEpoch = Date.now()) {
          const sent = pending.get(echo);
          if (!sent) return false;
          pending.delete(echo);
          const sentEpoch = Date.parse(echo);
          const handledAt = Date.parse(serverTime);
          const ms = at - sent.at;
          add(latencies, sent.phase, ms);
          add(up, sent.phase, handledAt - sentEpoch);
          add(down, sent.phase, nowEpoch - handledAt);
          noteSlowest(sent.phase, [sentEpoch, ms, handledAt - sentEpoch]);
          return true;
        },
      };
    },
    /** The figures so far, and a fresh start (heartbeats still awaiting their ack stay pending). */
    report(): HeartbeatReport {
      const out = { byPhase: Object.fromEntries(latencies), up: Object.fromEntries(up), down: Object.fromEntries(down), slowest: Object.fromEntries(slowest) };
      latencies = new Map();
      up = new Map();
      down = new Map();
      slowest = new Map();
      return out;
    },
  };
}
