// CSV for Excel: UTF-8 with a BOM (Chinese intact), CRLF, every cell quoted, and a leading = + - @
// defused so a spreadsheet never runs a cell as a formula.
import { chartAsTable, formatCell, type ReportDocument, type ReportTable } from './document.js';

export const csvCell = (value: unknown) => {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
};

export const csvLines = (rows: unknown[][]) => `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;

/** Numbers stay plain numbers (no thousands separators) so Excel sums them; missing reads 缺. */
const csvValue = (table: ReportTable, key: string, value: ReturnType<typeof formatCell> | number | null) => {
  const kind = table.columns.find((c) => c.key === key)?.kind ?? 'text';
  if (typeof value === 'number' && kind !== 'percent') return value;
  return formatCell(value, kind);
};

/** Every table (charts as their data) one after another: title line, header, rows, a blank line. */
export function renderCsv(doc: ReportDocument): string {
  const rows: unknown[][] = [[doc.title], ...doc.meta.map(([k, v]) => [k, v]), []];
  for (const block of doc.blocks) {
    const table = block.kind === 'table' ? block : block.kind === 'bar' ? chartAsTable(block) : null;
    if (!table) continue;
    rows.push([table.title], table.columns.map((c) => c.label));
    for (const row of table.rows) rows.push(table.columns.map((c) => csvValue(table, c.key, row[c.key] ?? null)));
    if (table.note) rows.push([table.note]);
    rows.push([]);
  }
  return csvLines(rows);
}
