// The county's list of places as a file: CSV (UTF-8, or GBK as Excel on Chinese Windows saves it) or
// XLSX in, the same columns out, so an export imports back to the same register.
import { parse } from 'csv-parse/sync';
import { newWorkbook } from '../workbook.js';
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { registerIndex } from '../../playlists/register.index.js';
import { normalisePlaceName, VILLAGE_KIND_LABELS, type SiteType, type VillageKind } from '../../playlists/register.schema.js';
import { siteTypeFromText } from '../../playlists/register.sync.js';
import type { ImportProblem } from './register.api.js';

/** One row of the list: a village or community, and optionally one of its sites. */
export interface PlaceRow {
  line: number;
  township: string;
  village: string;
  kind: VillageKind;
  site?: string;
  siteType?: SiteType;
  address?: string;
}

export const COLUMNS = ['乡镇', '村/社区', '类型(社区/村)', '点位', '点位类型', '地址'] as const;
type Column = 'township' | 'village' | 'kind' | 'site' | 'siteType' | 'address';
const HEADER_ALIASES: Record<string, Column> = {
  乡镇: 'township', '乡镇(街道)': 'township', 乡镇街道: 'township', township: 'township', town: 'township',
  '村/社区': 'village', '社区/村': 'village', 村社区: 'village', 村: 'village', 社区: 'village', village: 'village', community: 'village', 'village/community': 'village',
  类型: 'kind', kind: 'kind', 'village kind': 'kind',
  点位: 'site', 点位名称: 'site', site: 'site',
  点位类型: 'siteType', 场所类型: 'siteType', 'site type': 'siteType', sitetype: 'siteType', site_type: 'siteType',
  地址: 'address', address: 'address',
};
const headerKey = (cell: string) => {
  const text = cell.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  return HEADER_ALIASES[text] ?? HEADER_ALIASES[text.replace(/\(.*\)$/, '').trim()] ?? HEADER_ALIASES[text.replace(/\s/g, '')];
};

export type Table = { line: number; cells: string[] }[];

/** Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030/GBK when it is not valid UTF-8. */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Excel on Chinese Windows saves "CSV" in the system code page: GBK (GB18030 is its superset).
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The rows of a CSV file, or the line where it stops being CSV (an unclosed quote …). */
export function readCsv(bytes: Uint8Array): Table | ImportProblem {
  try {
    const records = parse(decodeCsv(bytes), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ line: info.lines, cells: record }));
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    return problem(lines ?? 1, '不是有效的 CSV（引号未闭合？）', `not valid CSV: ${message}`);
  }
}

export async function readXlsx(bytes: Uint8Array): Promise<Table> {
  const workbook = await newWorkbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const table: Table = [];
  sheet?.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let i = 1; i <= row.cellCount; i++) cells.push(row.getCell(i).text.trim());
    if (cells.some((c) => c !== '')) table.push({ line, cells });
  });
  return table;
}

export const isXlsx = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

const problem = (line: number, zh: string, en: string): ImportProblem => ({ line, message: `第 ${line} 行：${zh} / line ${line}: ${en}` });

function kindOf(text: string, village: string): VillageKind | null {
  const t = text.normalize('NFKC').trim().toLowerCase();
  if (t === '') return /(社区|居委会)$/.test(village) ? 'community' : 'village';
  if (t === '社区' || t === 'community') return 'community';
  if (t === '村' || t === 'village') return 'village';
  return null;
}

/** Rows from a table whose first row names the columns; every bad line is reported, none is skipped. */
export function rowsOf(table: Table): { rows: PlaceRow[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const [header, ...body] = table;
  if (!header) return { rows: [], problems: [problem(1, '文件是空的', 'the file is empty')] };
  const columns = header.cells.map(headerKey);
  if (!columns.includes('township') || !columns.includes('village')) {
    return { rows: [], problems: [problem(header.line, `表头须含“乡镇”和“村/社区”列（${COLUMNS.join('、')}），或文件编码有误（请存为 UTF-8 或 GBK 的 CSV，或 XLSX）`, `the header must name the columns township and village (${COLUMNS.join(', ')}), or the file's encoding is wrong (save as CSV in UTF-8 or GBK, or as XLSX)`)] };
  }
  const rows: PlaceRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of body) {
    const get = (c: Column) => cells[columns.indexOf(c)]?.trim() ?? '';
    const raw = cells.join('');
    if (raw.includes('\uFFFD')) {
      problems.push(problem(line, '含有无法识别的字符（文件编码有误？请存为 UTF-8 或 GBK 的 CSV，或 XLSX）', 'unreadable characters (wrong encoding? save as CSV in UTF-8 or GBK, or as XLSX)'));
      continue;
    }
    const township = normalisePlaceName(get('township'));
    const village = normalisePlaceName(get('village'));
    const site = normalisePlaceName(get('site'));
    const typeText = get('siteType');
    const address = get('address');
    if (!township) problems.push(problem(line, '乡镇为空', 'the township is empty'));
    if (!village) problems.push(problem(line, '村/社区为空', 'the village or community is empty'));
    if (township.length > 60 || village.length > 60 || site.length > 120 || address.length > 200) problems.push(problem(line, '名称或地址过长', 'a name or the address is too long'));
    const kind = kindOf(get('kind'), village);
    if (!kind) problems.push(problem(line, `类型“${get('kind')}”应为“社区”或“村”`, `kind "${get('kind')}" must be 社区 (community) or 村 (village)`));
    let siteType: SiteType | undefined;
    if (site) {
      const known = typeText ? siteTypeFromText(typeText) : null;
      if (!known?.isKnown) problems.push(problem(line, typeText ? `未知的点位类型“${typeText}”` : '点位类型为空', typeText ? `unknown site type "${typeText}"` : 'the site type is empty'));
      else siteType = known.type;
    } else if (typeText || address) {
      problems.push(problem(line, '有点位类型或地址，却没有点位名称', 'a site type or address without a site name'));
    }
    if (!township || !village || !kind) continue;
    const key = `${township}\u0000${village}\u0000${site}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push(problem(line, `与第 ${earlier} 行重复`, `duplicates line ${earlier}`));
    seen.set(key, line);
    rows.push({ line, township, village, kind, ...(site ? { site } : {}), ...(siteType ? { siteType } : {}), ...(address ? { address } : {}) });
  }
  return { rows, problems };
}

/** The register in the import's columns: a row per site, and a row for each village without sites. */
export function exportTable(catalogue: Readonly<Catalogue>): string[][] {
  const index = registerIndex(catalogue);
  const table: string[][] = [[...COLUMNS]];
  for (const t of catalogue.townships) {
    for (const v of index.villagesOf.get(t.id) ?? []) {
      const kind = VILLAGE_KIND_LABELS[v.kind].zh;
      const sites = index.sitesOf.get(v.id) ?? [];
      if (sites.length === 0) table.push([t.name, v.name, kind, '', '', '']);
      for (const s of sites) table.push([t.name, v.name, kind, s.name, s.type, s.address ?? '']);
    }
  }
  return table;
}

const csvCell = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** UTF-8 with a BOM, so Excel opens the Chinese as Chinese. */
export const toCsv = (table: string[][]) => '\uFEFF' + table.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';

export async function toXlsx(table: string[][]): Promise<Buffer> {
  const workbook = await newWorkbook();
  const sheet = workbook.addWorksheet('点位登记');
  for (const row of table) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column, i) => (column.width = [12, 16, 14, 24, 12, 30][i] ?? 12));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
