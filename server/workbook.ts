// An empty exceljs workbook, with exceljs imported at the first one: it takes ~0.3 s to import, and most
// starts of the server never read or write a spreadsheet (the register's and police figures' imports do).
import type ExcelJS from 'exceljs';

export async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const { default: Excel } = await import('exceljs');
  return new Excel.Workbook();
}
