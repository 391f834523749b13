import { csvDocument, csvLine } from '@giaoban/shared/csv';
import { buildAttendanceTable, cellText } from './AttendanceTable.js';
import { LABELS } from './labels.js';
import type { MeetingRecord } from './MeetingRecord.js';

export { neutraliseFormula, quoteCsvField } from '@giaoban/shared/csv';

/**
 * Attendance report as CSV for spreadsheets: UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting,
 * formulas neutralised (see @giaoban/shared/csv).
 */
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
  return csvDocument(lines);
}
