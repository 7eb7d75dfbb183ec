// XLSX with exceljs: a summary sheet (title, range, parameters), then one sheet per table and per
// chart's data. Numbers are numbers with formats (percent, thousands), so staff can sort and sum.
import type ExcelJS from 'exceljs';
import { newWorkbook } from '../../workbook.js';
import { chartAsTable, MISSING, type ColumnKind, type ReportDocument, type ReportTable } from './document.js';

const FORMATS: Partial<Record<ColumnKind, string>> = { percent: '0.0%', yuan: '#,##0', int: '#,##0', minutes: '0.0', number: '0.0' };

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 28) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 26)}_${i}`;
  taken.add(name.toLowerCase());
  return name;
}

function addTable(book: ExcelJS.Workbook, table: ReportTable, taken: Set<string>): void {
  const sheet = book.addWorksheet(sheetName(table.title, taken));
  sheet.addRow([table.title]).font = { bold: true, size: 13 };
  const header = sheet.addRow(table.columns.map((c) => c.label));
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF6' } };
  for (const row of table.rows) sheet.addRow(table.columns.map((c) => row[c.key] ?? (c.kind && c.kind !== 'text' ? MISSING : '')));
  if (table.note) sheet.addRow([table.note]).font = { italic: true };
  table.columns.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = c.kind && c.kind !== 'text' ? 12 : 22;
    const format = c.kind ? FORMATS[c.kind] : undefined;
    if (format) column.numFmt = format;
  });
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
}

export async function renderXlsx(doc: ReportDocument): Promise<Buffer> {
  const book = await newWorkbook();
  book.creator = 'Crier';
  const taken = new Set<string>();
  const summary = book.addWorksheet(sheetName('概要', taken));
  summary.addRow([doc.title]).font = { bold: true, size: 15 };
  if (doc.subtitle) summary.addRow([doc.subtitle]);
  for (const [label, value] of doc.meta) summary.addRow([label, value]);
  for (const block of doc.blocks) if (block.kind === 'text') summary.addRow([block.text]);
  summary.getColumn(1).width = 24;
  summary.getColumn(2).width = 48;
  for (const block of doc.blocks) {
    if (block.kind === 'table') addTable(book, block, taken);
    else if (block.kind === 'bar') addTable(book, chartAsTable(block), taken);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
