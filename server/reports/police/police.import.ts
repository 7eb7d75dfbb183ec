// Import of police figures from CSV or XLSX, all or nothing: every row is checked first, and the first
// bad one refuses the whole file with its line number (as the spreadsheet numbers it).
import { parse } from 'csv-parse/sync';
import { newWorkbook } from '../../workbook.js';
import { FraudTagSchema } from '../../../playlists/catalogue.schema.js';
import { dayOf } from '../../../playlists/wall-clock.js';
import { AppError } from '../../errors.js';
import { IsoWeekSchema, weekOfDay } from '../iso-week.js';
import type { PoliceFigure } from './police.schema.js';

type Field = 'township' | 'week' | 'fraudType' | 'cases' | 'lossYuan';
/** Header names staff write, in Chinese or English (compared without spaces and brackets, case-blind). */
const HEADERS: Record<Field, string[]> = {
  township: ['乡镇', '乡镇街道', '乡镇名称', 'township'],
  week: ['周', '周次', 'iso周', '周别', 'week'],
  fraudType: ['案件类型', '诈骗类型', '类型', 'fraudtype', 'type'],
  cases: ['案件数', '发案数', '案数', 'cases'],
  lossYuan: ['损失元', '损失金额元', '损失金额', '损失', 'loss', 'lossyuan'],
};
const normalize = (h: string) => h.toLowerCase().replace(/[\s()（）_\-\[\]【】]/g, '');

export interface RawRow {
  line: number;
  cells: string[];
}

export const badRow = (line: number, zh: string, en: string) => new AppError(422, 'bad-row', `第 ${line} 行：${zh} / line ${line}: ${en}`, { line });

async function rowsOf(bytes: Buffer): Promise<RawRow[]> {
  // XLSX is a zip: "PK\x03\x04".
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const book = await newWorkbook();
    try {
      await book.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch {
      throw new AppError(422, 'unreadable-file', '无法读取该 XLSX 文件 / the XLSX file cannot be read');
    }
    const sheet = book.worksheets[0];
    const rows: RawRow[] = [];
    sheet?.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text.trim());
      rows.push({ line: row.number, cells });
    });
    return rows;
  }
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD')) throw new AppError(422, 'unreadable-file', '文件不是 UTF-8 编码的 CSV 或 XLSX / the file is neither UTF-8 CSV nor XLSX');
  try {
    const records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map((r) => ({ line: r.info.lines, cells: r.record }));
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw badRow(line, 'CSV 格式错误', `malformed CSV (${(error as Error).message})`);
  }
}

function parseNumber(text: string): number {
  const cleaned = text.replace(/[,，\s¥￥元]/g, '');
  return cleaned === '' ? NaN : Number(cleaned);
}

/**
 * The file's figures, or an AppError naming the first bad line. `townshipOf` turns what staff wrote
 * (name, code or id) into the register's township id; `mayEnter` refuses townships outside the user's scope.
 */
export async function parsePoliceFile(
  bytes: Buffer,
  deps: { townshipOf: (text: string) => string | null; mayEnter: (townshipId: string) => boolean; enteredBy: string | null },
): Promise<Omit<PoliceFigure, 'enteredAt'>[]> {
  const rows = (await rowsOf(bytes)).filter((r) => r.cells.some((c) => c !== ''));
  const header = rows.shift();
  if (!header) throw new AppError(422, 'empty-file', '文件中没有数据 / the file has no rows');
  const column = {} as Record<Field, number>;
  for (const [field, names] of Object.entries(HEADERS) as [Field, string[]][]) {
    const index = header.cells.findIndex((h) => names.includes(normalize(h)));
    if (index < 0) throw badRow(header.line, `缺少"${names[0]}"列`, `no "${field}" column (header: ${names[0]} or ${field})`);
    column[field] = index;
  }
  if (rows.length === 0) throw new AppError(422, 'empty-file', '文件中只有表头，没有数据 / the file has a header but no rows');
  const seen = new Map<string, number>();
  return rows.map(({ line, cells }) => {
    const cell = (f: Field) => (cells[column[f]] ?? '').trim();
    const townshipId = deps.townshipOf(cell('township'));
    if (!townshipId) throw badRow(line, `未登记的乡镇"${cell('township')}"`, `unknown township "${cell('township')}"`);
    if (!deps.mayEnter(townshipId)) throw badRow(line, `无权录入乡镇"${cell('township')}"的数据`, `outside your township: "${cell('township')}"`);
    const weekText = cell('week');
    const week = /^\d{4}-\d{2}-\d{2}$/.test(weekText) && !Number.isNaN(Date.parse(weekText)) ? weekOfDay(dayOf(weekText)) : weekText.toUpperCase();
    if (!IsoWeekSchema.safeParse(week).success) throw badRow(line, `周次"${weekText}"无效，应如 2027-W03 或该周任一天的日期`, `week "${weekText}" is not an ISO week like 2027-W03 or a date`);
    const fraudType = FraudTagSchema.safeParse(cell('fraudType'));
    if (!fraudType.success) throw badRow(line, `案件类型"${cell('fraudType')}"无效，应为 ${FraudTagSchema.options.join('、')}`, `fraud type "${cell('fraudType')}" is not one of ${FraudTagSchema.options.join(', ')}`);
    const cases = parseNumber(cell('cases'));
    if (!Number.isInteger(cases) || cases < 0 || cases > 1_000_000) throw badRow(line, `案件数"${cell('cases')}"应为非负整数`, `cases "${cell('cases')}" must be a whole number ≥ 0`);
    const lossYuan = parseNumber(cell('lossYuan'));
    if (!Number.isFinite(lossYuan) || lossYuan < 0 || lossYuan > 1e12) throw badRow(line, `损失金额"${cell('lossYuan')}"应为非负数（元）`, `loss "${cell('lossYuan')}" must be a number of yuan ≥ 0`);
    const key = `${townshipId}|${week}|${fraudType.data}`;
    const earlier = seen.get(key);
    if (earlier) throw badRow(line, `与第 ${earlier} 行重复（同一乡镇、周次和类型）`, `repeats line ${earlier} (same township, week and type)`);
    seen.set(key, line);
    return { townshipId, week, fraudType: fraudType.data, cases, lossYuan: Math.round(lossYuan * 100) / 100, enteredBy: deps.enteredBy };
  });
}
