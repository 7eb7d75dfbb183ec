// IPC between the load orchestrator (run.ts) and its player processes (players.ts).
import type { HeartbeatReport } from './heartbeat-ledger.js';

export interface PlayerSpec {
  index: number;
  localAddress: string;
  screenId?: string;
  token?: string;
}

export type ChildCommand =
  | { cmd: 'connect'; url: string; players: PlayerSpec[]; concurrency: number }
  | { cmd: 'connect-floor'; url: string; localAddresses: string[] }
  | { cmd: 'close-floor' }
  | { cmd: 'phase'; phase: string }
  /** base (floor only): the push whose patch the floor sends next and the version it applies to; its sockets then hold that manifest as Crier's players held it. */
  | { cmd: 'mark'; label: string; floor: boolean; base?: { label: string; version: string } }
  | { cmd: 'collect' }
  | { cmd: 'burst'; records: number }
  | { cmd: 'steady'; everyMs: number; forMs: number }
  | { cmd: 'plays-report' }
  | { cmd: 'heartbeat-report' }
  /** The latest whole manifest frame this process received, as text; with `label`, the frame most of its players got in that push (and how many). */
  | { cmd: 'sample'; label?: string }
  | { cmd: 'stop' };

export type ChildEvent =
  | { ev: 'code'; index: number; screenId: string; code: string }
  | { ev: 'ready'; index: number }
  | { ev: 'paired'; index: number; screenId: string; token: string }
  | { ev: 'connected'; ok: number; failed: number; ms: number; refused?: number }
  | { ev: 'done' }
  /**
   * `arrivals`: [player index, when its process read the frame]; `handled`: [index, when the frame was taken] (ms,
   * epoch); handlingMs: this process's time on the mark's frames so far (from taking each up to its answer sent).
   */
  | { ev: 'arrivals'; arrivals: [number, number][]; handled: [number, number][]; bytes: number; handlingMs: number }
  | { ev: 'sent'; sent: number; at: number }
  /** latencies: from the send that was taken; endToEnd: from the first send (busy answers resent after retryAfterMs). */
  | { ev: 'plays'; acked: number; pending: number; latencies: number[]; endToEnd: number[]; busy: number; busyReplies: number; firstAckAt: number; lastAckAt: number }
  /** up: sent → the server's stamp; down: the stamp → read here (ms, one machine's clock); loopDelay: this process's event loop per phase. */
  | ({ ev: 'heartbeats'; loopDelay: Record<string, { p50: number; p99: number; max: number }>; dropped: number } & HeartbeatReport)
  | { ev: 'sample'; text: string; count: number }
  | { ev: 'log'; text: string };
