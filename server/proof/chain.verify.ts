// Checks a chain export (JSON Lines) or a live store, and words the verdict in Chinese, then English.
import { createChainWalker, type ChainBreak, type ChainedRow, type ChainVerdict } from '../storage/play-chain.js';
import { ExportHeaderSchema, ExportRecordSchema, toChainedRow, type ExportHeader } from './chain.export.js';

export interface ExportVerdict extends ChainVerdict {
  screens: number;
  /** The file could not be read as an export at all (line number and why). */
  unreadable?: { line: number; message: string };
}

/** Verifies an export: each screen's records against the anchor and head its header names. */
export function verifyExportLines(lines: Iterable<string>): ExportVerdict {
  const checker = createExportChecker();
  for (const line of lines) {
    const verdict = checker.line(line);
    if (verdict) return verdict;
  }
  return checker.end();
}

/** The same, line by line from a stream (a file of any size): only each screen's last two records are held. */
export async function verifyExportStream(lines: AsyncIterable<string>): Promise<ExportVerdict> {
  const checker = createExportChecker();
  for await (const line of lines) {
    const verdict = checker.line(line);
    if (verdict) return verdict;
  }
  return checker.end();
}

/**
 * One walker per screen the header names, fed in file order. `line` answers only a file it cannot
 * read on (not JSON, no header, a record that no longer parses); chain breaks are kept per screen and
 * answered by `end`, in header order, after a screen the header does not name (an insertion).
 */
function createExportChecker() {
  let lineNo = 0;
  let header: ExportHeader | null = null;
  const walkers = new Map<string, { walker: ReturnType<typeof createChainWalker>; broken: ChainVerdict | null }>();
  /** The first record of each screen the header does not name. */
  const strays = new Map<string, ChainedRow>();
  return {
    line(raw: string): ExportVerdict | null {
      lineNo++;
      const line = raw.trim();
      if (!line) return null;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return { ok: false, checked: 0, screens: 0, unreadable: { line: lineNo, message: '不是 JSON / not JSON' } };
      }
      if (!header) {
        const parsed = ExportHeaderSchema.safeParse(json);
        if (!parsed.success) return { ok: false, checked: 0, screens: 0, unreadable: { line: lineNo, message: `不是播出记录导出文件的文件头 / not an export header: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` } };
        header = parsed.data;
        for (const s of header.screens) walkers.set(s.screenId, { walker: createChainWalker(s.screenId, s.anchor), broken: null });
        return null;
      }
      const record = ExportRecordSchema.safeParse(json);
      if (!record.success) {
        // A record whose fields no longer parse was changed; name it as best the line allows.
        const loose = json as { screenId?: unknown; seq?: unknown; id?: unknown };
        const firstBad: ChainBreak = { screenId: String(loose.screenId ?? '?'), seq: Number(loose.seq ?? 0), playId: typeof loose.id === 'string' ? loose.id : null, kind: 'changed' };
        return { ok: false, checked: 0, screens: 0, firstBad };
      }
      const row = toChainedRow(record.data);
      const screen = walkers.get(row.screen_id);
      if (!screen) {
        if (!strays.has(row.screen_id)) strays.set(row.screen_id, row);
      } else if (!screen.broken) screen.broken = screen.walker.push(row);
      return null;
    },
    end(): ExportVerdict {
      if (!header) return { ok: false, checked: 0, screens: 0, unreadable: { line: lineNo, message: '文件是空的 / the file is empty' } };
      const screens = header.screens.length;
      for (const [screenId, row] of strays) return { ok: false, checked: 0, screens, firstBad: { screenId, seq: row.seq ?? 0, playId: row.id, kind: 'inserted' } };
      let checked = 0;
      for (const s of header.screens) {
        const screen = walkers.get(s.screenId)!;
        const verdict = screen.broken ?? screen.walker.end(s.head);
        checked += verdict.checked;
        if (!verdict.ok) return { ...verdict, checked, screens };
      }
      return { ok: true, checked, screens };
    },
  };
}

const KIND_ZH = { changed: '被修改', inserted: '被插入', removed: '被删除' } as const;
const KIND_EN = { changed: 'changed', inserted: 'inserted', removed: 'removed' } as const;

/** Two lines: Chinese, then English. */
export function describeVerdict(v: ChainVerdict & { unreadable?: { line: number; message: string } }): [string, string] {
  if (v.unreadable) return [`无法校验：第 ${v.unreadable.line} 行：${v.unreadable.message}`, `Cannot verify: line ${v.unreadable.line}: ${v.unreadable.message}`];
  if (v.ok) return [`校验通过：${v.checked} 条播出记录，哈希链完整，没有记录被修改、插入或删除。`, `Verified: ${v.checked} play records, the hash chain is intact; no record was changed, inserted or removed.`];
  const b = v.firstBad!;
  const id = b.playId ? `（播放记录 ${b.playId}）` : '';
  const idEn = b.playId ? ` (play ${b.playId})` : '';
  return [
    `校验失败：屏幕 ${b.screenId} 的第 ${b.seq} 条记录${id}${KIND_ZH[b.kind]}。此前已核对 ${v.checked} 条。`,
    `Verification FAILED: screen ${b.screenId}, record ${b.seq}${idEn} was ${KIND_EN[b.kind]}. ${v.checked} records checked before it.`,
  ];
}
