// The three renderings of a report and how each is served.
import type { ReportDocument } from './document.js';
import { renderCsv } from './csv.js';

export const REPORT_FORMATS = ['pdf', 'xlsx', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

// The PDF and XLSX renderers load at the first report of their kind: pdfkit with fontkit and exceljs take
// ~0.5 s to import, which every start of the server (and every test process) paid for reports it may never make.
export async function renderReport(doc: ReportDocument, format: ReportFormat): Promise<Buffer> {
  if (format === 'pdf') return (await import('./pdf.js')).renderPdf(doc);
  if (format === 'xlsx') return (await import('./xlsx.js')).renderXlsx(doc);
  return Buffer.from(renderCsv(doc), 'utf8');
}

/** attachment; with an ASCII name and the UTF-8 one (RFC 5987), so a Chinese title (and its period) survives. */
export const attachment = (doc: ReportDocument, format: ReportFormat) => {
  const name = `${doc.title}${doc.subtitle ? ` ${doc.subtitle}` : ''}`.replace(/[\/:*?"<>|]/g, '-');
  return `attachment; filename="${doc.fileName}.${format}"; filename*=UTF-8''${encodeURIComponent(`${name}.${format}`)}`;
};
