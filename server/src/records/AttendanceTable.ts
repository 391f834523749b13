import { type AttendanceCounts, LABELS, STATUS_LABELS } from './labels.js';
import type { AttendanceRow, MeetingRecord } from './MeetingRecord.js';
import { RecordRenderError } from './RecordRenderError.js';
import {
  assertTimeZone,
  formatDateTime,
  formatHourMinute,
  type LocalTime,
  parseInstant,
  toLocal,
} from './time.js';

/**
 * The attendance report as a table of typed cells, built once and encoded three ways (CSV, XLSX,
 * printable HTML) so the three can never disagree about content.
 */
export type Cell =
  | { kind: 'text'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'datetime'; value: LocalTime; text: string }
  | { kind: 'empty' };

export interface AttendanceSummary {
  invited: number;
  present: number;
  onTime: number;
  late: number;
  leftEarly: number;
  absent: number;
  absentWithReason: number;
  absentWithoutReason: number;
  /** Sum of headcounts of the sites that attended. */
  totalHeadcount: number;
}

export interface RollCallRound {
  id: string;
  round: number;
  startedAt: LocalTime;
}

export interface AttendanceColumn {
  header: string;
  /** Hint for the spreadsheet column width, in characters. */
  width: number;
}

export interface SummaryLine {
  label: string;
  value: Cell;
}

export interface AttendanceTable {
  title: string;
  meetingTitle: string;
  columns: AttendanceColumn[];
  rows: Cell[][];
  summary: AttendanceSummary;
  summaryLines: SummaryLine[];
  generatedAt: LocalTime;
}

const PRESENT = new Set(['on_time', 'late', 'left_early']);

export function isPresent(row: AttendanceRow): boolean {
  return PRESENT.has(row.status);
}

export function summarizeAttendance(record: MeetingRecord): AttendanceSummary {
  const count = (status: AttendanceRow['status']) =>
    record.attendance.filter((r) => r.status === status).length;
  const present = record.attendance.filter(isPresent);
  return {
    invited: record.attendance.length,
    present: present.length,
    onTime: count('on_time'),
    late: count('late'),
    leftEarly: count('left_early'),
    absent: record.attendance.length - present.length,
    absentWithReason: count('absent_with_reason'),
    absentWithoutReason: count('absent_without_reason'),
    totalHeadcount: present.reduce((sum, r) => sum + (r.headcount ?? 0), 0),
  };
}

/** The counts the attendance sentence of the minutes and of the handout prints. */
export function attendanceCounts(s: AttendanceSummary): AttendanceCounts {
  return {
    invited: s.invited,
    present: s.present,
    onTime: s.onTime,
    late: s.late,
    leftEarly: s.leftEarly,
    headcount: s.totalHeadcount,
    absent: s.absent,
    withReason: s.absentWithReason,
    withoutReason: s.absentWithoutReason,
  };
}

/** Local time of an optional instant; `field` names it in a RecordRenderError. */
export function localOf(
  iso: string | undefined,
  timeZone: string,
  field: string,
): LocalTime | undefined {
  return iso === undefined ? undefined : toLocal(parseInstant(iso, field), timeZone);
}

function checkCount(value: number | undefined, field: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new RecordRenderError(field, `not a non-negative number: ${value}`);
  }
}

const STATUSES = new Set(Object.keys(STATUS_LABELS));

/**
 * Checks what the renderers rely on, so bad data gives a clear error instead of "NaN" or
 * "Invalid Date" printed in an official document.
 */
export function validateRecord(record: MeetingRecord): void {
  assertTimeZone(record.timeZone);
  parseInstant(record.scheduledStart, 'scheduledStart');
  parseInstant(record.generatedAt, 'generatedAt');
  for (const key of ['openedAt', 'startedAt', 'adjournedAt'] as const) {
    const v = record[key];
    if (v !== undefined) parseInstant(v, key);
  }
  checkCount(record.lateGraceMinutes, 'lateGraceMinutes');
  record.attendance.forEach((row, i) => {
    const at = `attendance[${i}]`;
    if (!STATUSES.has(row.status)) {
      throw new RecordRenderError(`${at}.status`, `unknown status "${String(row.status)}"`);
    }
    if (row.firstJoinAt !== undefined) parseInstant(row.firstJoinAt, `${at}.firstJoinAt`);
    if (row.lastLeaveAt !== undefined) parseInstant(row.lastLeaveAt, `${at}.lastLeaveAt`);
    checkCount(row.minutesConnected, `${at}.minutesConnected`);
    checkCount(row.headcount, `${at}.headcount`);
    row.rollCalls.forEach((rc, j) => {
      parseInstant(rc.startedAt, `${at}.rollCalls[${j}].startedAt`);
      if (rc.answeredAt !== undefined) {
        parseInstant(rc.answeredAt, `${at}.rollCalls[${j}].answeredAt`);
      }
      checkCount(rc.headcount, `${at}.rollCalls[${j}].headcount`);
    });
  });
  record.agenda.forEach((item, i) => {
    const at = `agenda[${i}]`;
    if (item.startedAt !== undefined) parseInstant(item.startedAt, `${at}.startedAt`);
    if (item.endedAt !== undefined) parseInstant(item.endedAt, `${at}.endedAt`);
    item.speeches.forEach((s, j) => {
      parseInstant(s.startedAt, `${at}.speeches[${j}].startedAt`);
      parseInstant(s.endedAt, `${at}.speeches[${j}].endedAt`);
      checkCount(s.seconds, `${at}.speeches[${j}].seconds`);
    });
  });
}

/** Roll-call rounds of the meeting, in the order they were started. */
export function rollCallRounds(record: MeetingRecord): RollCallRound[] {
  const first = new Map<string, number>();
  for (const row of record.attendance) {
    for (const rc of row.rollCalls) {
      const ms = parseInstant(rc.startedAt, 'rollCalls.startedAt');
      const seen = first.get(rc.rollCallId);
      if (seen === undefined || ms < seen) first.set(rc.rollCallId, ms);
    }
  }
  return [...first.entries()]
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([id, ms], i) => ({ id, round: i + 1, startedAt: toLocal(ms, record.timeZone) }));
}

const text = (value: string | undefined): Cell =>
  value === undefined || value === '' ? { kind: 'empty' } : { kind: 'text', value };
const num = (value: number | undefined): Cell =>
  value === undefined ? { kind: 'empty' } : { kind: 'number', value };
const when = (value: LocalTime | undefined): Cell =>
  value === undefined
    ? { kind: 'empty' }
    : { kind: 'datetime', value, text: formatDateTime(value) };

function personText(p: { name: string; title?: string }): string {
  return p.title ? `${p.name} (${p.title})` : p.name;
}

export function buildAttendanceTable(record: MeetingRecord): AttendanceTable {
  validateRecord(record);
  const tz = record.timeZone;
  const c = LABELS.attendance.columns;
  const rounds = rollCallRounds(record);
  // The ward reports (issue #14): a column only when the meeting asked for them.
  const reports = record.briefing?.reports;
  const reportOf = new Map((reports?.rows ?? []).map((r) => [r.siteId, r]));

  const columns: AttendanceColumn[] = [
    { header: c.code, width: 11 },
    { header: c.name, width: 28 },
    { header: c.status, width: 17 },
    { header: c.firstJoin, width: 20 },
    { header: c.lastLeave, width: 20 },
    { header: c.minutesConnected, width: 10 },
    { header: c.headcount, width: 9 },
    { header: c.siteChair, width: 24 },
    ...rounds.map((r) => ({
      header: c.rollCall(r.round, formatHourMinute(r.startedAt)),
      width: 20,
    })),
    ...(reports ? [{ header: c.report, width: 24 }] : []),
    { header: c.absenceReason, width: 28 },
    { header: c.note, width: 30 },
  ];
  const reportCell = (siteId: string, at: string): Cell[] => {
    if (!reports) return [];
    const r = reportOf.get(siteId);
    const L = LABELS.attendance.report;
    const t = localOf(r?.submittedAt, tz, `${at}.report.submittedAt`);
    if (!r || r.status === 'missing' || !t) return [text(L.missing)];
    const when = formatDateTime(t).slice(0, 16);
    return [text(r.status === 'late' ? L.late(when) : L.submitted(when))];
  };

  const rows = record.attendance.map((row, i): Cell[] => {
    const at = `attendance[${i}]`;
    const answers = rounds.map((round): Cell => {
      const rc = row.rollCalls.find((x) => x.rollCallId === round.id);
      if (!rc) return { kind: 'empty' };
      const answeredAt = localOf(rc.answeredAt, tz, `${at}.rollCalls.answeredAt`);
      if (!rc.answered || !answeredAt) return text(LABELS.attendance.rollCallMissed);
      return text(LABELS.attendance.rollCallAnswered(formatHourMinute(answeredAt), rc.headcount));
    });
    return [
      text(row.code),
      text(row.name),
      text(STATUS_LABELS[row.status]),
      when(localOf(row.firstJoinAt, tz, `${at}.firstJoinAt`)),
      when(localOf(row.lastLeaveAt, tz, `${at}.lastLeaveAt`)),
      num(row.minutesConnected),
      num(row.headcount),
      text(row.siteChair),
      ...answers,
      ...reportCell(row.siteId, at),
      text(row.absenceReason),
      text(row.note),
    ];
  });

  const summary = summarizeAttendance(record);
  const s = LABELS.attendance.summary;
  const summaryLines: SummaryLine[] = [
    { label: s.meeting, value: text(record.title) },
    { label: s.scheduledStart, value: when(localOf(record.scheduledStart, tz, 'scheduledStart')) },
    { label: s.startedAt, value: when(localOf(record.startedAt, tz, 'startedAt')) },
    { label: s.chair, value: text(personText(record.chair)) },
    { label: s.secretary, value: text(personText(record.secretary)) },
    { label: s.invited, value: num(summary.invited) },
    { label: s.present, value: num(summary.present) },
    { label: s.onTime, value: num(summary.onTime) },
    { label: s.late, value: num(summary.late) },
    { label: s.leftEarly, value: num(summary.leftEarly) },
    { label: s.absent, value: num(summary.absent) },
    { label: s.absentWithReason, value: num(summary.absentWithReason) },
    { label: s.absentWithoutReason, value: num(summary.absentWithoutReason) },
    { label: s.totalHeadcount, value: num(summary.totalHeadcount) },
    { label: s.lateRule, value: text(s.lateRuleText(record.lateGraceMinutes)) },
    { label: s.generatedAt, value: when(localOf(record.generatedAt, tz, 'generatedAt')) },
  ];

  return {
    title: LABELS.attendance.reportTitle,
    meetingTitle: record.title,
    columns,
    rows,
    summary,
    summaryLines,
    generatedAt: toLocal(parseInstant(record.generatedAt, 'generatedAt'), tz),
  };
}

/** Plain text of a cell as printed (numbers as digits, times as "26/11/2026 08:05:12"). */
export function cellText(cell: Cell): string {
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
