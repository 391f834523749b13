import {
  attendanceCounts,
  isPresent,
  localOf,
  summarizeAttendance,
  validateRecord,
} from './AttendanceTable.js';
import { generalBriefingSection, itemBriefingSection, reportsSection } from './briefingSections.js';
import { LABELS } from './labels.js';
import type { AgendaRecord, AttendanceRow, MeetingRecord, PersonRef } from './MeetingRecord.js';
import {
  formatDuration,
  formatVnClock,
  formatVnDate,
  type LocalTime,
  parseInstant,
  sameLocalDay,
  toLocal,
} from './time.js';

/**
 * The minutes (biên bản) as a list of styled paragraphs, built once from a MeetingRecord and laid
 * out twice: as DOCX (docx.ts, for editing) and as PDF (pdf.ts, for signing and archiving). Both
 * renderers only place what is here, so the two documents can never disagree about the wording.
 *
 * Layout per Decree 30/2020/NĐ-CP, Appendix I: the header block (issuing body with number and
 * symbol on the left, national name and motto with the place and date on the right), the document
 * type and subject, the body, the closing line and the signature blocks.
 */
export interface TextRun {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

export interface MinutesParagraph {
  runs: TextRun[];
  align: 'both' | 'center' | 'left';
  /** First-line indent in steps of 1 cm (0, 1 or 2). */
  indent: 0 | 1 | 2;
  /** Keep on the same page as the paragraph after it (headings). */
  keepNext?: boolean;
  /** Extra space before: a section break ("NỘI DUNG", the closing line). */
  spaceBefore?: 'section';
}

export interface SignatureBlock {
  /** "THƯ KÝ", "CHỦ TRÌ". */
  label: string;
  hint: string;
  name: string;
}

export interface MinutesDocument {
  header: {
    parentBody?: string;
    issuingBody: string;
    /** "Số: 12/BB-UBND" (or the placeholder). */
    number: string;
    nationalName: string;
    motto: string;
    /** "Hà Nội, ngày 26 tháng 11 năm 2026". */
    placeDate: string;
  };
  /** "BIÊN BẢN". */
  title: string;
  /** "Cuộc họp giao ban trực tuyến tháng 11/2026". */
  subject: string;
  body: MinutesParagraph[];
  closing: MinutesParagraph;
  /** Left to right: secretary, chair. */
  signatures: SignatureBlock[];
  meta: {
    /** Document title for the file's properties. */
    title: string;
    subject: string;
    author: string;
    generatedAt: number;
    /** Local time of generation, for container time stamps. */
    generatedLocal: LocalTime;
    language: 'vi-VN';
  };
}

/** Single-line text: line breaks a user typed become spaces. */
export function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** "Cuộc họp giao ban trực tuyến …" from the meeting title. */
export function meetingSubject(title: string): string {
  const t = oneLine(title);
  if (/^(cuộc họp|hội nghị|phiên họp)/i.test(t)) return t;
  const first = t.charAt(0);
  const second = t.charAt(1);
  // Lower-case the first letter of an ordinary word ("Giao ban" → "giao ban") but keep
  // abbreviations such as "UBND" intact.
  const lowered = second && second === second.toLowerCase() ? first.toLowerCase() + t.slice(1) : t;
  return `${LABELS.minutes.subjectPrefix}${lowered}`;
}

function person(p: PersonRef): string {
  return p.title ? `${oneLine(p.name)}, ${oneLine(p.title)}` : oneLine(p.name);
}

/** "bắt đầu 08 giờ 05 phút, kết thúc 10 giờ 30 phút (2 đoạn)" per recording. */
function recordingSpans(record: MeetingRecord, tz: string, day: LocalTime): string[] {
  return (record.recordings ?? []).map((r, i) => {
    const from = localOf(r.startedAt, tz, `recordings[${i}].startedAt`)!;
    const to = localOf(r.stoppedAt, tz, `recordings[${i}].stoppedAt`);
    const parts = [`bắt đầu ${clockOn(from, day)}`];
    if (to) parts.push(`kết thúc ${clockOn(to, day)}`);
    const text = parts.join(', ');
    return r.segments > 1 ? `${text} (${r.segments} đoạn)` : text;
  });
}

/** "08 giờ 05 phút" on the meeting day, otherwise with the date appended. */
export function clockOn(t: LocalTime, day: LocalTime): string {
  return sameLocalDay(t, day) ? formatVnClock(t) : `${formatVnClock(t)}, ${formatVnDate(t)}`;
}

export const para = (
  runs: TextRun[] | string,
  opts: Partial<Omit<MinutesParagraph, 'runs'>> = {},
): MinutesParagraph => ({
  runs: typeof runs === 'string' ? [{ text: runs }] : runs,
  align: opts.align ?? 'both',
  indent: opts.indent ?? 1,
  ...(opts.keepNext ? { keepNext: true } : {}),
  ...(opts.spaceBefore ? { spaceBefore: opts.spaceBefore } : {}),
});

/** "- Label: text" with the label in bold, as the decree's template lists the particulars. */
export const item = (label: string, text: string): MinutesParagraph =>
  para([{ text: `- ${label}: `, bold: true }, { text }]);

export const heading = (text: string): MinutesParagraph =>
  para([{ text, bold: true }], { keepNext: true });

export const subItem = (text: string): MinutesParagraph => para(`+ ${text}`, { indent: 2 });

function textParagraphs(text: string | undefined): MinutesParagraph[] {
  return (text ?? '')
    .split(/\r\n|\r|\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => para(s));
}

function attendanceSection(record: MeetingRecord, day: LocalTime): MinutesParagraph[] {
  const m = LABELS.minutes;
  const tz = record.timeZone;
  const s = summarizeAttendance(record);
  const summary = m.attendanceText(attendanceCounts(s));
  const participants = (record.participants ?? []).filter((p) => p.name.trim() !== '');
  const out =
    participants.length === 0
      ? [item(m.attendance, summary)]
      : [
          heading(`- ${m.attendance}:`),
          ...participants.map((p) => subItem(`${person(p)}.`)),
          subItem(`${m.sitesLabel}: ${summary}`),
        ];
  const absent = record.attendance.filter((r) => !isPresent(r));
  if (absent.length > 0) {
    out.push(para([{ text: m.absentSites, italic: true }], { keepNext: true }));
    const reasonOf = (r: AttendanceRow) => (r.absenceReason ? oneLine(r.absenceReason) : '');
    if (absent.length <= LIST_ONE_PER_LINE) {
      for (const r of absent) {
        const reason = reasonOf(r);
        const what =
          r.status === 'absent_with_reason'
            ? reason
              ? m.absentWithReason(reason)
              : m.absentWithReasonUnstated
            : m.absentWithoutReason;
        out.push(subItem(`${oneLine(r.name)}: ${what}.`));
      }
    } else {
      // A long list (a national call) stays complete but dense: one paragraph per kind.
      const withReason = absent.filter((r) => r.status === 'absent_with_reason');
      const without = absent.filter((r) => r.status !== 'absent_with_reason');
      const names = (rows: AttendanceRow[], reasons: boolean) =>
        rows
          .map((r) =>
            reasons && reasonOf(r) ? `${oneLine(r.name)} (${reasonOf(r)})` : oneLine(r.name),
          )
          .join(', ');
      if (withReason.length > 0)
        out.push(
          subItem(`${m.absentWithReasonGroup(withReason.length)}: ${names(withReason, true)}.`),
        );
      if (without.length > 0)
        out.push(
          subItem(`${m.absentWithoutReasonGroup(without.length)}: ${names(without, false)}.`),
        );
    }
  }
  const listed = (status: 'late' | 'left_early', title: string, field: 'first' | 'last') => {
    const rows = record.attendance.filter((r) => r.status === status);
    if (rows.length === 0) return;
    out.push(para([{ text: title, italic: true }], { keepNext: true }));
    const lines = rows.map((r, i) => {
      const at =
        field === 'first'
          ? localOf(r.firstJoinAt, tz, `attendance[${i}].firstJoinAt`)
          : localOf(r.lastLeaveAt, tz, `attendance[${i}].lastLeaveAt`);
      const when = at ? (field === 'first' ? m.lateAt : m.leftAt)(clockOn(at, day)) : '';
      return when ? `${oneLine(r.name)}: ${when}` : oneLine(r.name);
    });
    if (lines.length <= LIST_ONE_PER_LINE) for (const l of lines) out.push(subItem(`${l}.`));
    else out.push(subItem(`${lines.join('; ')}.`));
  };
  listed('late', m.lateSites, 'first');
  listed('left_early', m.leftEarlySites, 'last');
  return out;
}

/** Up to this many sites in a list get a line each; more are written as one paragraph. */
export const LIST_ONE_PER_LINE = 15;

function agendaSection(
  record: MeetingRecord,
  a: AgendaRecord,
  number: number,
  day: LocalTime,
): MinutesParagraph[] {
  const m = LABELS.minutes;
  const tz = record.timeZone;
  const out = [heading(`${number}. ${oneLine(a.title)}`)];
  if (a.presenter) out.push(item(m.presenter, `${oneLine(a.presenter)}.`));
  const start = localOf(a.startedAt, tz, `agenda[${number - 1}].startedAt`);
  const end = localOf(a.endedAt, tz, `agenda[${number - 1}].endedAt`);
  if (!start) {
    // An item that was never taken up has nothing else to record: no speakers, no conclusions.
    out.push(item(m.itemTime, m.itemNotHeld));
    return out;
  }
  out.push(
    item(
      m.itemTime,
      end
        ? m.itemTimeText(clockOn(start, day), clockOn(end, day))
        : m.itemNoEnd(clockOn(start, day)),
    ),
  );
  const speeches = [...a.speeches].sort(
    (x, y) => parseInstant(x.startedAt, 'speech') - parseInstant(y.startedAt, 'speech'),
  );
  if (speeches.length > 0) {
    out.push(heading(`- ${m.speeches}`));
    for (const sp of speeches) {
      const from = toLocal(parseInstant(sp.startedAt, 'speech.startedAt'), tz);
      const to = toLocal(parseInstant(sp.endedAt, 'speech.endedAt'), tz);
      out.push(
        subItem(
          `${oneLine(sp.siteName)}: ${m.speechText(
            clockOn(from, day),
            clockOn(to, day),
            formatDuration(sp.seconds),
          )}`,
        ),
      );
    }
  } else {
    out.push(item(m.speeches.replace(/:$/, ''), m.noSpeeches));
  }
  const notes = textParagraphs(a.notes);
  if (notes.length > 0) out.push(heading(`- ${m.notes}:`), ...notes);
  const conclusions = textParagraphs(a.conclusions);
  out.push(
    heading(`- ${m.conclusions}:`),
    ...(conclusions.length > 0 ? conclusions : [para([{ text: m.noConclusions, italic: true }])]),
  );
  return out;
}

export function buildMinutesDocument(record: MeetingRecord): MinutesDocument {
  validateRecord(record);
  const m = LABELS.minutes;
  const tz = record.timeZone;
  const scheduled = toLocal(parseInstant(record.scheduledStart, 'scheduledStart'), tz);
  const started = localOf(record.startedAt, tz, 'startedAt');
  const day = started ?? scheduled;
  const adjourned = localOf(record.adjournedAt, tz, 'adjournedAt');
  const generatedAt = parseInstant(record.generatedAt, 'generatedAt');
  const connected = record.attendance.filter(isPresent).length;
  const host = record.hostLocation ? oneLine(record.hostLocation) : '';

  const startText = started ? `${formatVnClock(started)}, ${formatVnDate(started)}` : m.notStarted;
  const agenda = [...record.agenda].sort((a, b) => a.order - b.order);
  const body: MinutesParagraph[] = [
    item(m.time, m.timeText(startText, clockOn(scheduled, day))),
    ...(host ? [item(m.place, m.placeText(host))] : []),
    item(m.form, m.formText(connected)),
    ...(record.recordings?.length
      ? [item(m.recording, m.recordingText(recordingSpans(record, tz, day)))]
      : []),
    item(m.chair, `${person(record.chair)}.`),
    item(m.secretary, `${person(record.secretary)}.`),
    ...attendanceSection(record, day),
    ...reportsSection(record, day),
    para([{ text: m.content, bold: true }], {
      align: 'center',
      indent: 0,
      keepNext: true,
      spaceBefore: 'section',
    }),
    // Items are numbered by their place in the agenda, from 1, whatever their stored order.
    ...agenda.flatMap((a, i) => [
      ...agendaSection(record, a, i + 1, day),
      ...itemBriefingSection(record, a.id, day),
    ]),
    ...generalBriefingSection(record, day),
  ];

  const closingText = record.closingText?.trim()
    ? oneLine(record.closingText)
    : adjourned
      ? m.closing(
          sameLocalDay(adjourned, day)
            ? `${formatVnClock(adjourned)} ${LABELS.time.sameDay}`
            : `${formatVnClock(adjourned)}, ${formatVnDate(adjourned)}`,
        )
      : m.closingUnknown;

  return {
    header: {
      ...(record.parentBody ? { parentBody: oneLine(record.parentBody).toUpperCase() } : {}),
      issuingBody: oneLine(record.issuingBody).toUpperCase(),
      number: `${m.numberPrefix}${
        record.documentNumber ? oneLine(record.documentNumber) : m.numberPlaceholder
      }`,
      nationalName: m.nationalName,
      motto: m.motto,
      placeDate: `${oneLine(record.place) || m.placePlaceholder}, ${formatVnDate(day)}`,
    },
    title: m.title,
    subject: meetingSubject(record.title),
    body,
    closing: para(closingText, { spaceBefore: 'section', keepNext: true }),
    signatures: [
      { label: m.secretarySign, hint: m.signHint, name: oneLine(record.secretary.name) },
      { label: m.chairSign, hint: m.signHint, name: oneLine(record.chair.name) },
    ],
    meta: {
      title: `${m.documentKind}: ${oneLine(record.title)}`,
      subject: meetingSubject(record.title),
      author: oneLine(record.issuingBody) || LABELS.app,
      generatedAt,
      generatedLocal: toLocal(generatedAt, tz),
      language: 'vi-VN',
    },
  };
}

/** Plain text of a paragraph, as a reader sees it. */
export function paragraphText(p: MinutesParagraph): string {
  return p.runs.map((r) => r.text).join('');
}
