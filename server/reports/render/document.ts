// One report model, three renderings (PDF, XLSX, CSV): each report is written once as a ReportDocument
// of headings, text, tables and bar charts, and the renderers know nothing about coverage or police.

/** How a column's values read: percent is a fraction 0..1; null in any kind is shown as missing, never as 0. */
export type ColumnKind = 'text' | 'int' | 'number' | 'percent' | 'minutes' | 'yuan';
export type Cell = string | number | null;

export interface ReportColumn {
  key: string;
  label: string;
  kind?: ColumnKind;
  /** Relative width in the PDF (default 1; text columns default 2). */
  width?: number;
}

export interface ReportTable {
  kind: 'table';
  title: string;
  columns: ReportColumn[];
  rows: Record<string, Cell>[];
  /** Shown under the table, and as a last row in CSV/XLSX. */
  note?: string;
}

export interface BarChart {
  kind: 'bar';
  title: string;
  /** One bar group per label (a township, a fraud type). */
  labels: string[];
  series: { name: string; values: (number | null)[] }[];
  /** How values read (percent: fraction 0..1). */
  valueKind: ColumnKind;
  /** A vertical reference line (a target), in the values' unit. */
  target?: { value: number; label: string };
}

export type ReportBlock = { kind: 'heading'; text: string } | { kind: 'text'; text: string } | ReportTable | BarChart;

export interface ReportDocument {
  title: string;
  subtitle?: string;
  /** Label/value lines under the title: range, time zone, generated at, parameters. */
  meta: [string, string][];
  blocks: ReportBlock[];
  /** Without extension, ASCII, for the download's file name. */
  fileName: string;
}

export const MISSING = '缺';

/** A cell as text, the same in every rendering (PDF draws it, CSV writes it). */
export function formatCell(value: Cell, kind: ColumnKind = 'text'): string {
  if (value === null || value === undefined) return kind === 'text' ? '' : MISSING;
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'percent':
      return `${(value * 100).toFixed(1)}%`;
    case 'minutes':
    case 'number':
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
    case 'yuan':
    case 'int':
      return Math.round(value).toLocaleString('en-US');
    default:
      return String(value);
  }
}

export const tablesOf = (doc: ReportDocument) => doc.blocks.filter((b): b is ReportTable => b.kind === 'table');

/** A chart's numbers as a table, for CSV and XLSX (which carry data, not drawings). */
export function chartAsTable(chart: BarChart): ReportTable {
  return {
    kind: 'table',
    title: chart.title,
    columns: [{ key: 'label', label: '' }, ...chart.series.map((s, i) => ({ key: `s${i}`, label: s.name, kind: chart.valueKind }))],
    rows: chart.labels.map((label, row) => Object.fromEntries([['label', label], ...chart.series.map((s, i) => [`s${i}`, s.values[row] ?? null])])),
  };
}
