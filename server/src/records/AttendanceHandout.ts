import {
  type AttendanceColumn,
  type AttendanceTable,
  attendanceCounts,
  buildAttendanceTable,
  type Cell,
  localOf,
} from './AttendanceTable.js';
import { LABELS } from './labels.js';
import type { MeetingRecord } from './MeetingRecord.js';
import { meetingSubject, oneLine } from './MinutesDocument.js';
import { formatVnClock, formatVnDate, parseInstant, toLocal } from './time.js';

/**
 * The attendance report as the document a secretary hands a leader: the agency and national
 * header, a title block (report title, the meeting, its time and place), the table with an STT
 * column, a one-paragraph summary and the "Người lập biểu" signature with the place and date.
 * The first sheet of the XLSX prints as this document and the attendance PDF draws it, both
 * from this one model, so they can never disagree.
 */
export interface HandoutColumn extends AttendanceColumn {
  align: 'left' | 'center' | 'right';
}

export interface AttendanceHandout {
  header: {
    parentBody?: string;
    issuingBody: string;
    nationalName: string;
    motto: string;
  };
  title: string;
  subject: string;
  /** "Thời gian: …; địa điểm: …". */
  when: string;
  columns: HandoutColumn[];
  /** Rows of the table, STT first. */
  rows: Cell[][];
  summary: string;
  placeDate: string;
  signer: { label: string; hint: string; name: string };
  /** The table the handout is built from (the summary sheet, the file's metadata). */
  table: AttendanceTable;
}

const alignOf = (header: string, i: number): HandoutColumn['align'] => {
  const c = LABELS.attendance.columns;
  if (i === 0) return 'center';
  if (header === c.minutesConnected || header === c.headcount) return 'right';
  if (header === c.code || header === c.firstJoin || header === c.lastLeave) return 'center';
  return 'left';
};

export { cellText } from './AttendanceTable.js';

export function buildAttendanceHandout(record: MeetingRecord): AttendanceHandout {
  const table = buildAttendanceTable(record);
  const h = LABELS.attendance.handout;
  const m = LABELS.minutes;
  const tz = record.timeZone;
  const started = localOf(record.startedAt, tz, 'startedAt');
  const day = started ?? toLocal(parseInstant(record.scheduledStart, 'scheduledStart'), tz);
  const generated = toLocal(parseInstant(record.generatedAt, 'generatedAt'), tz);
  const host = record.hostLocation ? oneLine(record.hostLocation) : '';
  const s = table.summary;

  const columns: HandoutColumn[] = [{ header: h.no, width: 5 }, ...table.columns].map((c, i) => ({
    ...c,
    align: alignOf(c.header, i),
  }));
  const rows = table.rows.map((row, i): Cell[] => [{ kind: 'number', value: i + 1 }, ...row]);

  return {
    header: {
      ...(record.parentBody ? { parentBody: oneLine(record.parentBody).toUpperCase() } : {}),
      issuingBody: oneLine(record.issuingBody).toUpperCase(),
      nationalName: m.nationalName,
      motto: m.motto,
    },
    title: table.title,
    subject: meetingSubject(record.title),
    when: h.when(
      `${formatVnClock(day)}, ${formatVnDate(day)}`,
      host || oneLine(record.place) || m.placePlaceholder,
    ),
    columns,
    rows,
    summary: h.summary(attendanceCounts(s)),
    placeDate: `${oneLine(record.place) || m.placePlaceholder}, ${formatVnDate(generated)}`,
    signer: { label: h.signer, hint: m.signHint, name: oneLine(record.secretary.name) },
    table,
  };
}
