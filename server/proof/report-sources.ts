// proof's side of the contract with the campaign reports (COORDINATION.md): daily rollups, daily
// online time, the as-run log and the chain check, in the shapes server/reports/sources.ts declares.
import type { ReportSources } from '../reports/sources.js';
import type { AiringReports } from '../storage/airing.reports.js';
import type { AsRunService } from './as-run.service.js';
import { MISS_TERMINAL_STATUS } from './terminal-status.js';

const both = (w: { zh: string; en: string }) => `${w.zh} / ${w.en}`;

export function createProofSources(reports: AiringReports, asRuns: AsRunService): ReportSources {
  return {
    dailyRollups: (range) => reports.dailyRollups(range),
    dailyOnline: (range) => reports.dailyOnline(range),
    async asRun(screenId, day) {
      const log = await asRuns.asRun(screenId, day);
      const aired = log.aired.map((a) => ({
        plannedAt: a.plannedStart, startedAt: a.start, endedAt: a.end, mediaId: a.mediaId, title: a.title,
        source: a.rule ? both(a.rule) : null, status: a.completed ? ('completed' as const) : ('cut' as const), reason: null, clockOffsetMs: a.clockOffsetMs,
        terminalStatus: 5 as const,
      }));
      const missed = log.missed.map((m) => ({
        plannedAt: m.start, startedAt: null, endedAt: null, mediaId: null, title: m.title,
        source: both(m.rule), status: 'not-aired' as const, reason: both(m.reasonWords), clockOffsetMs: null,
        terminalStatus: MISS_TERMINAL_STATUS[m.reason],
      }));
      const lines = [...aired, ...missed].sort((a, b) => (a.plannedAt ?? a.startedAt ?? '').localeCompare(b.plannedAt ?? b.startedAt ?? ''));
      return { screenId, day, lines };
    },
    verifyChain: async (screenId) => ({ ...(await reports.verifyChain(screenId)), available: true }),
    // The connection belongs to the airing reports, closed with them.
    close: () => undefined,
  };
}
