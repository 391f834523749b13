/**
 * The documents the secretary hands over after a briefing, rendered from a MeetingRecord:
 * the attendance report (CSV, XLSX, printable HTML) and the minutes (biên bản, DOCX).
 * Pure functions: same record, same bytes.
 */
export { renderAttendanceCsv } from './csv.js';
export { renderMinutesDocx } from './docx.js';
export { renderAttendanceHtml } from './html.js';
export { STATUS_LABELS } from './labels.js';
export type * from './MeetingRecord.js';

import type { MeetingRecord } from './MeetingRecord.js';

export { RecordRenderError } from './RecordRenderError.js';
export { renderAttendanceXlsx } from './xlsx.js';

/** Media types and file extensions for serving the documents. */
export const RECORD_MEDIA_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
} as const;

export type RecordDocumentKind = 'attendance' | 'minutes';

/**
 * ASCII file name for a Content-Disposition header, e.g. "diem-danh-m-2026-11-26.xlsx" or
 * "bien-ban-m-2026-11-26.docx"; the meeting id is reduced to safe characters.
 */
export function recordFileName(
  record: Pick<MeetingRecord, 'meetingId'>,
  kind: RecordDocumentKind,
  extension: keyof typeof RECORD_MEDIA_TYPES,
): string {
  const id = record.meetingId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'meeting';
  return `${kind === 'attendance' ? 'diem-danh' : 'bien-ban'}-${id}.${extension}`;
}
