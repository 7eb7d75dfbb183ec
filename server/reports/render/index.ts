// The three renderings of a report and how each is served.
import type { ReportDocument } from './document.js';
import { renderCsv } from './csv.js';
import { renderPdf } from './pdf.js';
import { renderXlsx } from './xlsx.js';

export const REPORT_FORMATS = ['pdf', 'xlsx', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

export async function renderReport(doc: ReportDocument, format: ReportFormat): Promise<Buffer> {
  if (format === 'pdf') return renderPdf(doc);
  if (format === 'xlsx') return renderXlsx(doc);
  return Buffer.from(renderCsv(doc), 'utf8');
}

/** attachment; with an ASCII name and the UTF-8 one (RFC 5987), so a Chinese title (and its period) survives. */
export const attachment = (doc: ReportDocument, format: ReportFormat) => {
  const name = `${doc.title}${doc.subtitle ? ` ${doc.subtitle}` : ''}`.replace(/[\/:*?"<>|]/g, '-');
  return `attachment; filename="${doc.fileName}.${format}"; filename*=UTF-8''${encodeURIComponent(`${name}.${format}`)}`;
};
