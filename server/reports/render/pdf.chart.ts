// Horizontal bar charts drawn as PDF vectors: one group per label (township, fraud type), one bar per
// series, an optional target line. Horizontal because Chinese place names read best along the y axis.
import type PDFDocument from 'pdfkit';
import { formatCell, type BarChart } from './document.js';

export const CHART_COLOURS = ['#0b4f9c', '#c8102e', '#1a7f37', '#b45309', '#6d28d9', '#0e7490'];
const BAR = 9;
const GAP = 6;
const LABEL_W = 110;

/** Height the chart takes, so the caller can move to a new page first. */
export const chartHeight = (chart: BarChart) => 34 + chart.labels.length * (chart.series.length * BAR + GAP) + 22;

/** A "nice" axis maximum (1, 2, 2.5, 5 × 10^n) at or above the largest value. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

export function drawBarChart(pdf: PDFKit.PDFDocument | InstanceType<typeof PDFDocument>, chart: BarChart, x: number, y: number, width: number, fonts: { regular: string; bold: string }): number {
  const values = chart.series.flatMap((s) => s.values).filter((v): v is number => typeof v === 'number');
  const top = chart.valueKind === 'percent' ? Math.max(1, ...values) : niceMax(Math.max(chart.target?.value ?? 0, ...values));
  const plotX = x + LABEL_W;
  const plotW = width - LABEL_W - 40;
  const scale = (v: number) => plotX + (Math.max(0, v) / top) * plotW;
  pdf.font(fonts.bold).fontSize(10).fillColor('#111').text(chart.title, x, y, { width, lineBreak: false });
  // Legend beside the title.
  let legendX = x + width;
  for (let i = chart.series.length - 1; i >= 0 && chart.series.length > 1; i--) {
    const name = chart.series[i]!.name;
    const w = pdf.font(fonts.regular).fontSize(7).widthOfString(name) + 14;
    legendX -= w;
    pdf.rect(legendX, y + 2, 8, 6).fill(CHART_COLOURS[i % CHART_COLOURS.length]!);
    pdf.fillColor('#333').text(name, legendX + 10, y + 1, { lineBreak: false });
  }
  let rowY = y + 18;
  const plotTop = rowY;
  chart.labels.forEach((label, row) => {
    const groupH = chart.series.length * BAR;
    pdf.font(fonts.regular).fontSize(8).fillColor('#222').text(label, x, rowY + groupH / 2 - 4, { width: LABEL_W - 6, align: 'right', lineBreak: false, ellipsis: true });
    chart.series.forEach((series, i) => {
      const value = series.values[row];
      const barY = rowY + i * BAR;
      if (typeof value !== 'number') {
        pdf.fontSize(7).fillColor('#999').text('缺 missing', plotX + 2, barY + 1, { lineBreak: false });
        return;
      }
      const end = scale(value);
      if (end > plotX) pdf.rect(plotX, barY + 1, end - plotX, BAR - 2).fill(CHART_COLOURS[i % CHART_COLOURS.length]!);
      pdf.fontSize(6.5).fillColor('#333').text(formatCell(value, chart.valueKind), end + 2, barY + 1.5, { lineBreak: false });
    });
    rowY += groupH + GAP;
  });
  // Axis: baseline, 0 and the top value.
  pdf.moveTo(plotX, plotTop - 2).lineTo(plotX, rowY).lineWidth(0.5).strokeColor('#666').stroke();
  pdf.moveTo(plotX, rowY).lineTo(plotX + plotW, rowY).stroke();
  pdf.fontSize(6.5).fillColor('#555');
  pdf.text(formatCell(0, chart.valueKind), plotX - 4, rowY + 3, { lineBreak: false });
  pdf.text(formatCell(top, chart.valueKind), plotX + plotW - 12, rowY + 3, { lineBreak: false });
  if (chart.target) {
    const tx = scale(chart.target.value);
    pdf.moveTo(tx, plotTop - 2).lineTo(tx, rowY).lineWidth(0.8).dash(3, { space: 2 }).strokeColor('#c8102e').stroke().undash();
    pdf.fillColor('#c8102e').text(chart.target.label, tx - 60, plotTop - 11, { width: 58, align: 'right', lineBreak: false });
  }
  return rowY + 22 - y;
}
