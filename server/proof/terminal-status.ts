// A screen's state as the terminal status codes of the GD/J emergency-broadcast family (应急广播终端
// 状态: 1 正常 normal, 2 停止 stopped, 3 故障 fault, 4 恢复 recovered, 5 播发 broadcasting), so a
// county's emergency-broadcast platform can read Crier's screens and stations alike. Pure.
import { z } from 'zod';
import type { MissReason } from './as-run.js';

export const TERMINAL_STATUS = {
  1: { zh: '正常', en: 'normal' },
  2: { zh: '停止', en: 'stopped' },
  3: { zh: '故障', en: 'fault' },
  4: { zh: '恢复', en: 'recovered' },
  5: { zh: '播发', en: 'broadcasting' },
} as const;
export type TerminalStatusCode = keyof typeof TERMINAL_STATUS;
export const TerminalStatusCodeSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);

/** A reconnect this recent after an absence counts as recovered rather than plain broadcasting. */
export const RECOVERED_FOR_MS = 5 * 60_000;

export interface TerminalFacts {
  isOnline: boolean;
  isAiring: boolean;
  /** The latest heartbeat reported errors, or a cache short of what the manifest needs. */
  hasFault: boolean;
  /** When the current connection opened, and whether the screen was heard of before it. */
  connectedAt: number | null;
  wasSeenBefore: boolean;
  now: number;
}

export function terminalStatusOf(f: TerminalFacts): { code: TerminalStatusCode; zh: string; en: string } {
  const code: TerminalStatusCode = !f.isOnline
    ? 2
    : f.hasFault
      ? 3
      : f.wasSeenBefore && f.connectedAt !== null && f.now - f.connectedAt < RECOVERED_FOR_MS
        ? 4
        : f.isAiring
          ? 5
          : 1;
  return { code, ...TERMINAL_STATUS[code] };
}

/**
 * The terminal's state while a planned item of its as-run log did not air, for the exports: off line
 * is stopped, a cache or sound failure a fault, another item on air broadcasting; with nothing known
 * of it the terminal was on line and idle, normal. (An aired line is 5, broadcasting.)
 */
export const MISS_TERMINAL_STATUS: Record<MissReason, TerminalStatusCode> = {
  offline: 2,
  'not-cached': 3,
  'sound-blocked': 3,
  outranked: 5,
  'other-content': 5,
  unknown: 1,
};

/** "5 播发" as a report cell shows it. */
export const terminalStatusLabel = (code: TerminalStatusCode) => `${code} ${TERMINAL_STATUS[code].zh}`;
