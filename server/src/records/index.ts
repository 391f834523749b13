/**
 * The documents the secretary hands over after a briefing, rendered from a MeetingRecord:
 * the attendance report (CSV, XLSX, printable HTML) and the minutes (biên bản, DOCX and PDF).
 * Pure functions: same record, same bytes.
 */
export { buildAttendanceHandout } from './AttendanceHandout.js';
export { renderAttendancePdf } from './attendancePdf.js';
export { renderAttendanceCsv } from './csv.js';
export { renderMinutesDocx } from './docx.js';
export { renderAttendanceHtml } from './html.js';
export { STATUS_LABELS } from './labels.js';
export type * from './MeetingRecord.js';
export { buildMinutesDocument } from './MinutesDocument.js';
export { renderMinutesPdf } from './pdf.js';

import { renderAttendancePdf } from './attendancePdf.js';
import { renderAttendanceCsv } from './csv.js';
import { renderMinutesDocx } from './docx.js';
import type { MeetingRecord } from './MeetingRecord.js';
import { renderMinutesPdf } from './pdf.js';
import { parseInstant, toLocal } from './time.js';
import { renderAttendanceXlsx } from './xlsx.js';

export { RecordRenderError } from './RecordRenderError.js';
export { renderAttendanceXlsx } from './xlsx.js';

/** Media types and file extensions for serving the documents. */
export const RECORD_MEDIA_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
} as const;

export type RecordDocumentKind = 'attendance' | 'minutes';

/** Vietnamese letters folded to ASCII for file names ("Đ" → "D", "ộ" → "o"). */
export function asciiFold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/**
 * A readable ASCII file name for a Content-Disposition header: "BienBan-2026-11-26-12-BB-UBND.pdf"
 * (meeting day, then the number and symbol when there is one) or "DiemDanh-2026-11-26.xlsx". The
 * day is the meeting's local day (start, else the scheduled start), year first so files sort.
 */
export function recordFileName(
  record: Pick<MeetingRecord, 'scheduledStart' | 'startedAt' | 'timeZone' | 'documentNumber'>,
  kind: RecordDocumentKind,
  extension: keyof typeof RECORD_MEDIA_TYPES,
): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const t = toLocal(
    parseInstant(record.startedAt ?? record.scheduledStart, 'scheduledStart'),
    record.timeZone,
  );
  const day = `${t.year}-${pad(t.month)}-${pad(t.day)}`;
  const number =
    kind === 'minutes' && record.documentNumber
      ? asciiFold(record.documentNumber)
          .replace(/[^A-Za-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, '')
          .slice(0, 40)
      : '';
  const base = kind === 'minutes' ? 'BienBan' : 'DiemDanh';
  return `${base}-${day}${number ? `-${number}` : ''}.${extension}`;
}

export type RecordFormat =
  | 'minutes.pdf'
  | 'minutes.docx'
  | 'attendance.xlsx'
  | 'attendance.csv'
  | 'attendance.pdf';

export const RECORD_FORMATS: readonly RecordFormat[] = [
  'minutes.pdf',
  'minutes.docx',
  'attendance.xlsx',
  'attendance.csv',
  'attendance.pdf',
];

/** One entry per document the hub files or serves: bytes, media type and a readable file name. */
export async function renderRecordDocument(
  record: MeetingRecord,
  format: RecordFormat,
): Promise<{ bytes: Uint8Array; mediaType: string; fileName: string }> {
  const [kind, extension] = format.split('.') as [
    RecordDocumentKind,
    'pdf' | 'docx' | 'xlsx' | 'csv',
  ];
  const bytes =
    format === 'minutes.pdf'
      ? await renderMinutesPdf(record)
      : format === 'minutes.docx'
        ? renderMinutesDocx(record)
        : format === 'attendance.xlsx'
          ? renderAttendanceXlsx(record)
          : format === 'attendance.pdf'
            ? await renderAttendancePdf(record)
            : new Uint8Array(Buffer.from(renderAttendanceCsv(record), 'utf8'));
  return {
    bytes,
    mediaType: RECORD_MEDIA_TYPES[extension],
    fileName: recordFileName(record, kind, extension),
  };
}
