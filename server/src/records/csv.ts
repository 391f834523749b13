import { buildAttendanceTable, type Cell } from './AttendanceTable.js';
import { LABELS } from './labels.js';
import type { MeetingRecord } from './MeetingRecord.js';

/**
 * Attendance report as CSV for spreadsheets: UTF-8 with a BOM (so Excel reads Vietnamese
 * correctly), CRLF line ends and RFC 4180 quoting.
 *
 * Cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) get a leading
 * apostrophe (OWASP "CSV injection"): a site named =HYPERLINK("http://x","y") shows as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function quoteCsvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function cellText(cell: Cell): string {
  switch (cell.kind) {
    case 'text':
      return cell.value;
    case 'number':
      return String(cell.value);
    case 'datetime':
      return cell.text;
    case 'empty':
      return '';
  }
}

function csvLine(fields: readonly string[], width: number): string {
  const padded = [...fields];
  // RFC 4180: every record has the same number of fields.
  while (padded.length < width) padded.push('');
  return padded.map((f) => quoteCsvField(neutraliseFormula(f))).join(',');
}

export function renderAttendanceCsv(record: MeetingRecord): string {
  const table = buildAttendanceTable(record);
  const width = table.columns.length;
  const lines = [
    csvLine(
      table.columns.map((c) => c.header),
      width,
    ),
    ...table.rows.map((row) => csvLine(row.map(cellText), width)),
    csvLine([], width),
    csvLine([LABELS.attendance.summary.heading], width),
    ...table.summaryLines.map((l) => csvLine([l.label, cellText(l.value)], width)),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
