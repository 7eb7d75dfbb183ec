// Printable A4 PDF in Chinese: pdfkit embeds (a subset of) the bundled Noto Sans SC, so the file shows
// the same on any machine and needs no fontconfig. Tables repeat their header across pages; charts
// are vectors (pdf.chart.ts); every page carries the report's title and "page n of N".
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { cjkFontFiles } from '../../../media/fonts.js';
import { formatCell, type ReportDocument, type ReportTable } from './document.js';
import { chartHeight, drawBarChart } from './pdf.chart.js';

const MARGIN = 40;
const FONTS = { regular: 'cjk', bold: 'cjk-bold' };
// Opened once with fontkit (pdfkit's own font engine) and handed to every document: each weight is
// ~10 MB, and parsing its tables again for each report cost about a second; pdfkit still subsets per document.
let faces: { regular: fontkit.Font; bold: fontkit.Font } | null = null;
const openFace = (file: string) => fontkit.openSync(file) as fontkit.Font;
const loadFonts = () => (faces ??= { regular: openFace(cjkFontFiles.regular), bold: openFace(cjkFontFiles.bold) });

type Pdf = InstanceType<typeof PDFDocument>;

function drawTable(pdf: Pdf, table: ReportTable): void {
  const width = pdf.page.width - 2 * MARGIN;
  const weights = table.columns.map((c) => c.width ?? (c.kind && c.kind !== 'text' ? 1 : 2));
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * width);
  const bottom = () => pdf.page.height - MARGIN - 20;
  const row = (cells: string[], opts: { bold?: boolean; fill?: string }) => {
    pdf.font(opts.bold ? FONTS.bold : FONTS.regular).fontSize(8);
    const heights = cells.map((text, i) => pdf.heightOfString(text || ' ', { width: widths[i]! - 6 }));
    const h = Math.max(...heights) + 6;
    if (pdf.y + h > bottom()) {
      pdf.addPage();
      if (!opts.bold) header();
    }
    const y = pdf.y;
    if (opts.fill) pdf.rect(MARGIN, y, width, h).fill(opts.fill);
    let x = MARGIN;
    cells.forEach((text, i) => {
      const numeric = table.columns[i]!.kind && table.columns[i]!.kind !== 'text';
      pdf.fillColor(text === '缺' ? '#b45309' : '#111').text(text, x + 3, y + 3, { width: widths[i]! - 6, align: numeric ? 'right' : 'left' });
      x += widths[i]!;
    });
    pdf.moveTo(MARGIN, y + h).lineTo(MARGIN + width, y + h).lineWidth(0.3).strokeColor('#bbb').stroke();
    pdf.x = MARGIN;
    pdf.y = y + h;
  };
  const header = () => row(table.columns.map((c) => c.label), { bold: true, fill: '#e8eef6' });
  if (pdf.y + 60 > bottom()) pdf.addPage();
  pdf.font(FONTS.bold).fontSize(10).fillColor('#111').text(table.title, MARGIN, pdf.y, { width });
  pdf.moveDown(0.3);
  header();
  for (const r of table.rows) row(table.columns.map((c) => formatCell(r[c.key] ?? null, c.kind)), {});
  if (table.rows.length === 0) row(['—', ...table.columns.slice(1).map(() => '')], {});
  if (table.note) pdf.font(FONTS.regular).fontSize(7.5).fillColor('#555').text(table.note, MARGIN, pdf.y + 3, { width });
  pdf.moveDown(1);
}

export function renderPdf(doc: ReportDocument): Promise<Buffer> {
  const face = loadFonts();
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: doc.title, Creator: 'Crier', Producer: 'Crier (pdfkit)' } });
  // pdfkit takes a fontkit font as well as a file (PDFFontFactory.open); its types only list files.
  pdf.registerFont(FONTS.regular, face.regular as unknown as Buffer);
  pdf.registerFont(FONTS.bold, face.bold as unknown as Buffer);
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const width = pdf.page.width - 2 * MARGIN;

  pdf.font(FONTS.bold).fontSize(17).fillColor('#111').text(doc.title, { width, align: 'center' });
  if (doc.subtitle) pdf.font(FONTS.regular).fontSize(10).fillColor('#444').text(doc.subtitle, { width, align: 'center' });
  pdf.moveDown(0.6);
  pdf.font(FONTS.regular).fontSize(8.5).fillColor('#333');
  for (const [label, value] of doc.meta) pdf.text(`${label}：${value}`, { width });
  pdf.moveDown(0.8);

  for (const block of doc.blocks) {
    if (block.kind === 'heading') {
      if (pdf.y + 80 > pdf.page.height - MARGIN) pdf.addPage();
      pdf.font(FONTS.bold).fontSize(12.5).fillColor('#0b4f9c').text(block.text, MARGIN, pdf.y, { width });
      pdf.moveDown(0.4);
    } else if (block.kind === 'text') {
      pdf.font(FONTS.regular).fontSize(9).fillColor('#222').text(block.text, MARGIN, pdf.y, { width });
      pdf.moveDown(0.5);
    } else if (block.kind === 'table') {
      drawTable(pdf, block);
    } else {
      if (pdf.y + chartHeight(block) > pdf.page.height - MARGIN - 20) pdf.addPage();
      const top = pdf.y;
      const used = drawBarChart(pdf, block, MARGIN, top, width, FONTS);
      pdf.x = MARGIN;
      pdf.y = top + used + 8;
    }
  }

  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    // Writing inside the bottom margin would otherwise start a new page.
    const bottomMargin = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf.font(FONTS.regular).fontSize(7).fillColor('#777');
    pdf.text(`${doc.title} · 第 ${i + 1} / ${range.count} 页`, MARGIN, pdf.page.height - MARGIN + 12, { width, align: 'center', lineBreak: false });
    pdf.page.margins.bottom = bottomMargin;
  }
  pdf.end();
  return done;
}
