// The embedded catalogue on disk: a snapshot (catalogue.json, the whole catalogue, replaced atomically
// as always) and beside it a journal (catalogue.journal) with one line per commit holding only what the
// commit changed (catalogue.delta.ts), fsync'd before the change is answered. A claim then writes a few
// hundred bytes whether the catalogue holds 10 screens or 10,000. When the journal outgrows the
// snapshot, the snapshot is written again and the journal starts afresh, so a start replays at most
// about one snapshot's worth of lines.
//
// Each line is `<first 16 hex digits of the SHA-256 of the JSON> <JSON>\n`, the JSON being either
//   {"snapshot":"<SHA-256 of catalogue.json's bytes>"}  a point: the catalogue is that file's content here
//   {"snapshot":"<SHA-256>","after":7}                  a point: that file's content is the catalogue after delta 7
//   {"n":7,"lists":{…},"settings":{…}}                  a commit's delta, numbered 1, 2, 3 … in the file
// A journal begins with a point naming the snapshot it continues. A snapshot is written beside the commits,
// not in their way: commits go on appending while it is written, then a point naming it and the delta it
// follows is appended, it is renamed into place, and only the switch to a new journal (the point and the
// few deltas since) holds commits back. Whichever step a power cut interrupts, the start finds the last
// point naming the catalogue.json it holds and replays the deltas after it.
// A torn last line (a write never answered) is dropped with a warning; damage elsewhere stops the start.
import { createHash } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { isEmptyDelta, replayed, type CatalogueDelta } from './catalogue.delta.js';
import { damagedStore } from './data-dir.js';
import { snapshotText } from './catalogue.snapshot-text.js';
import { readTextFile, renameDurably, truncateDurably, writeFileDurably, writeTempDurably } from './durable-file.js';

export const CATALOGUE_FILE = 'catalogue.json';
export const JOURNAL_FILE = 'catalogue.journal';
/** The journal is compacted into a new snapshot once it is larger than the snapshot, and never below this. */
export const MIN_JOURNAL_BYTES = 1024 * 1024;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const lineOf = (entry: object): string => {
  const json = JSON.stringify(entry);
  return `${sha256(json).slice(0, 16)} ${json}\n`;
};

/** A journal that continues the snapshot whose bytes are `snapshotText` and holds nothing after it (backups, tests). */
export const freshJournal = (snapshotText: string | Buffer): string => lineOf({ snapshot: sha256(snapshotText) });

const PointSchema = z.strictObject({ snapshot: z.string().regex(/^[0-9a-f]{64}$/), after: z.number().int().nonnegative().optional() });
const DeltaLineSchema = z.strictObject({
  n: z.number().int().positive(),
  lists: z.record(z.string(), z.strictObject({ upserted: z.array(z.looseObject({ id: z.string() })), removed: z.array(z.string()), order: z.array(z.string()).optional() })),
  settings: z.record(z.string(), z.unknown()),
});
type Entry = z.infer<typeof PointSchema> | z.infer<typeof DeltaLineSchema>;

/** One line's entry, or why it is not one. */
function entryOf(line: string): Entry | string {
  const space = line.indexOf(' ');
  const json = line.slice(space + 1);
  if (space !== 16 || sha256(json).slice(0, 16) !== line.slice(0, 16)) return '校验和不符 / checksum mismatch';
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return '不是 JSON / not JSON';
  }
  const point = PointSchema.safeParse(value);
  if (point.success) return point.data;
  const delta = DeltaLineSchema.safeParse(value);
  return delta.success ? delta.data : '不是日志条目 / not a journal entry';
}

interface ParsedJournal {
  entries: Entry[];
  /** Bytes up to the end of the last whole line. */
  goodBytes: number;
  /** The torn last line, when there is one (never answered: dropped). */
  torn: string | null;
}

function parseJournal(file: string, bytes: Buffer): ParsedJournal {
  const entries: Entry[] = [];
  let start = 0;
  let lineNo = 0;
  let lastN = 0;
  while (start < bytes.length) {
    lineNo++;
    const end = bytes.indexOf(0x0a, start);
    const isLast = end < 0 || end === bytes.length - 1;
    const line = bytes.subarray(start, end < 0 ? bytes.length : end).toString('utf8');
    const entry = end < 0 ? '没有换行结尾 / no line end' : entryOf(line);
    if (typeof entry === 'string') {
      // The first line came with the file (written whole, then renamed): it cannot be torn.
      if (isLast && lineNo > 1) return { entries, goodBytes: start, torn: `${entry}: ${line.slice(0, 60)}` };
      throw damagedStore(file, `第 ${lineNo} 行损坏（${entry}）/ line ${lineNo} is damaged (${entry})`);
    }
    if (lineNo === 1 && !('snapshot' in entry)) throw damagedStore(file, '第一行不是快照标记 / the first line does not name a snapshot');
    if ('n' in entry) {
      if (entry.n !== lastN + 1) throw damagedStore(file, `第 ${lineNo} 行编号 ${entry.n}，应为 ${lastN + 1} / line ${lineNo} is number ${entry.n}, expected ${lastN + 1}`);
      lastN = entry.n;
    }
    entries.push(entry);
    start = end + 1;
  }
  if (entries.length === 0) throw damagedStore(file, '文件为空 / the file is empty');
  return { entries, goodBytes: bytes.length, torn: null };
}

/** What the data dir holds: the snapshot as stored (unchecked JSON) and the deltas after it. */
export interface StoredFiles {
  /** The snapshot's text, or null when there is no catalogue.json. */
  snapshotText: string | null;
  /** The snapshot with the journal's deltas replayed (unchecked: run it through checkStored). */
  json: unknown;
  /** Deltas replayed onto the snapshot. */
  replayed: number;
  /** Null when there is no journal. */
  journal: { goodBytes: number; torn: string | null; nextN: number } | null;
  /** Set when the journal does not continue this catalogue.json: the start stops (after checking the snapshot, whose own damage says more). */
  mismatch: Error | null;
}

/** Reads the snapshot and replays the journal after it; changes no file. Throws a StoreError naming the damaged file. */
export async function readStoredFiles(dataDir: string): Promise<StoredFiles> {
  const file = path.join(dataDir, CATALOGUE_FILE);
  const journalFile = path.join(dataDir, JOURNAL_FILE);
  const snapshotText = await readTextFile(file);
  const bytes = await readFile(journalFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (snapshotText === null) return { snapshotText, json: null, replayed: 0, journal: null, mismatch: null };
  if (snapshotText.trim() === '') throw damagedStore(file, '文件为空 / the file is empty');
  let json: unknown;
  try {
    json = JSON.parse(snapshotText);
  } catch (error) {
    throw damagedStore(file, `不是完整的 JSON / not complete JSON: ${(error as Error).message}`);
  }
  if (bytes === null) return { snapshotText, json, replayed: 0, journal: null, mismatch: null };
  const parsed = parseJournal(journalFile, bytes);
  const sha = sha256(snapshotText);
  // The last point naming this catalogue.json: what follows it was committed after that snapshot.
  let from = -1;
  parsed.entries.forEach((e, i) => ('snapshot' in e && e.snapshot === sha ? (from = i) : undefined));
  const lastN = parsed.entries.reduce((n, e) => ('n' in e ? e.n : n), 0);
  const journal = { goodBytes: parsed.goodBytes, torn: parsed.torn, nextN: lastN + 1 };
  if (from < 0) {
    const mismatch = damagedStore(journalFile, `与 ${CATALOGUE_FILE} 不相接（两者须一同恢复）/ it does not continue ${CATALOGUE_FILE} (restore the two together)`);
    return { snapshotText, json, replayed: 0, journal, mismatch };
  }
  const point = parsed.entries[from] as z.infer<typeof PointSchema>;
  const isDelta = (e: Entry): e is z.infer<typeof DeltaLineSchema> => 'n' in e;
  // A point written beside the commits names the delta it follows: the deltas after that one, wherever they stand.
  const deltas = point.after === undefined ? parsed.entries.slice(from + 1).filter(isDelta) : parsed.entries.filter((e) => isDelta(e) && e.n > point.after!) as z.infer<typeof DeltaLineSchema>[];
  if (deltas.length === 0 || typeof json !== 'object' || json === null) return { snapshotText, json, replayed: 0, journal, mismatch: null };
  try {
    return { snapshotText, json: replayed(json as Record<string, unknown>, deltas as CatalogueDelta[]), replayed: deltas.length, journal, mismatch: null };
  } catch (error) {
    throw damagedStore(journalFile, (error as Error).message);
  }
}

export interface JournalOptions {
  /** Compact into a new snapshot past this many journal bytes (default: the snapshot's size, at least MIN_JOURNAL_BYTES). */
  limitBytes?: number | undefined;
  warn?: ((message: string) => void) | undefined;
  /** Awaited once a snapshot's file is durable, before its point is appended (a test holds a compaction there). */
  snapshotWritten?: (() => Promise<void>) | undefined;
}

/**
 * The writer: `commit` makes one commit durable (a journal line; the first commit of a new data dir
 * writes the snapshot). Commits are called one at a time (the commit queue awaits each).
 */
export async function openJournal(dataDir: string, stored: StoredFiles, options: JournalOptions = {}) {
  const file = path.join(dataDir, CATALOGUE_FILE);
  const journalFile = path.join(dataDir, JOURNAL_FILE);
  const warn = options.warn ?? (() => undefined);
  let snapshotBytes = stored.snapshotText === null ? 0 : Buffer.byteLength(stored.snapshotText);
  let size = 0;
  let nextN = 1;
  let compacting: Promise<void> | null = null;
  /** Set when a failed append could not be undone: later lines would follow garbage. */
  let broken: Error | null = null;

  if (stored.snapshotText === null) {
    // A journal without its snapshot belongs to a catalogue the operator chose to recreate (CRIER_RECREATE_STORES).
    if (await readTextFile(journalFile).catch(() => null) !== null) {
      const aside = `${journalFile}.orphan-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(journalFile, aside);
      warn(`${CATALOGUE_FILE} 不存在，其日志已移到 ${aside} / ${CATALOGUE_FILE} is missing: its journal was moved to ${aside}`);
    }
  } else if (stored.journal === null) {
    // A data dir from before the journal, or restored from a backup without one.
    const text = freshJournal(stored.snapshotText);
    await writeFileDurably(journalFile, text);
    size = Buffer.byteLength(text);
  } else {
    size = stored.journal.goodBytes;
    nextN = stored.journal.nextN;
    if (stored.journal.torn !== null) {
      await truncateDurably(journalFile, size);
      const shown = stored.journal.torn.replace(/[\u0000-\u001f\u007f\ufffd]+/g, '?');
      warn(`${journalFile} 的最后一行不完整（断电时未写完，从未答复），已丢弃 / the last line of ${journalFile} was torn (cut off by a power failure before it was answered) and was dropped: ${shown}`);
    }
  }

  async function append(line: string): Promise<void> {
    if (broken) throw broken;
    const data = Buffer.from(line);
    const handle = await open(journalFile, 'r+');
    try {
      // One write may take only part of the line (a disk with a page's slack left): write on until all of
      // it is there, so a full disk ends in ENOSPC (and the truncate below) rather than a torn line kept.
      for (let written = 0; written < data.length; ) {
        const { bytesWritten } = await handle.write(data, written, data.length - written, size + written);
        if (bytesWritten === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        written += bytesWritten;
      }
      await handle.datasync();
      size += data.length;
    } catch (error) {
      // A part-written line must not stay in front of the next one.
      await handle.truncate(size).catch((truncateError: Error) => {
        broken = new Error(`目录日志无法修复，请重启 / the catalogue journal could not be repaired, restart: ${truncateError.message}`);
      });
      throw error;
    } finally {
      await handle.close();
    }
  }

  /** Journal writes one at a time: a compaction's point and its switch go between commits, never into one. */
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
  /** While a snapshot is written: the deltas committed since the catalogue it holds, for the new journal. */
  let since: CatalogueDelta[] | null = null;

  /** The first commit of a new data dir: the whole catalogue into catalogue.json, and a journal that starts there. */
  async function firstSnapshot(next: Catalogue): Promise<void> {
    const { text, sha } = await snapshotText(next);
    await writeFileDurably(file, text);
    snapshotBytes = Buffer.byteLength(text);
    const journalText = lineOf({ snapshot: sha });
    await writeFileDurably(journalFile, journalText);
    size = Buffer.byteLength(journalText);
    nextN = 1;
  }

  /**
   * The catalogue after delta `after` into catalogue.json, beside the commits (which go on appending), then
   * a new journal: its point and the deltas committed meanwhile, renumbered. Commits wait only for that switch.
   */
  async function compact(catalogue: Catalogue, after: number): Promise<void> {
    since = [];
    try {
      const { text, sha } = await snapshotText(catalogue);
      const temp = await writeTempDurably(file, text);
      try {
        await options.snapshotWritten?.();
        // From this point on the start accepts either catalogue.json: the old one with the lines before, or this one with the deltas after `after`.
        await serially(() => append(lineOf({ snapshot: sha, after })));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await renameDurably(temp, file);
      snapshotBytes = Buffer.byteLength(text);
      await serially(async () => {
        const deltas = since!;
        const journalText = lineOf({ snapshot: sha }) + deltas.map((delta, i) => lineOf({ n: i + 1, ...delta })).join('');
        await writeFileDurably(journalFile, journalText);
        size = Buffer.byteLength(journalText);
        nextN = deltas.length + 1;
      });
    } finally {
      since = null;
    }
  }

  const limit = () => options.limitBytes ?? Math.max(MIN_JOURNAL_BYTES, snapshotBytes);

  return {
    async commit(next: Catalogue, delta: CatalogueDelta): Promise<void> {
      if (snapshotBytes === 0) return serially(() => firstSnapshot(next));
      if (isEmptyDelta(delta)) return;
      const n = await serially(async () => {
        await append(lineOf({ n: nextN, ...delta }));
        since?.push(delta);
        return nextN++;
      });
      if (compacting || size <= limit()) return;
      // Not awaited by any commit: the next ones append beside it.
      compacting = compact(next, n)
        .catch((error: Error) => warn(`目录快照失败，稍后再试 / the catalogue snapshot failed and will be tried again: ${error.message}`))
        .finally(() => (compacting = null));
    },
    /** Resolves once a snapshot being written is done (tests). */
    settled: async () => {
      await compacting;
    },
    /** Bytes in the journal now (tests, benchmarks). */
    size: () => size,
  };
}
