import type { ReportField, ReportRequestView, ReportSubmissionView } from '@giaoban/shared';
import { formattedParagraphs } from './briefingSections.js';
import type { MeetingRecord } from './MeetingRecord.js';
import {
  buildMinutesDocument,
  heading,
  item,
  type MinutesDocument,
  type MinutesParagraph,
  oneLine,
  para,
  subItem,
} from './MinutesDocument.js';
import { formatVnClock, formatVnDate, parseInstant, toLocal } from './time.js';

/** One unit's entry in the compiled report. */
export interface CompiledReportSite {
  siteId: string;
  code: string;
  name: string;
  submission: ReportSubmissionView | null;
}

const L = {
  title: 'BÁO CÁO TỔNG HỢP',
  subject: (title: string) => `Tổng hợp báo cáo của các điểm cầu - ${oneLine(title)}`,
  deadline: 'Hạn nộp',
  summary: 'Tình hình nộp',
  summaryText: (onTime: number, late: number, missing: number, all: number) =>
    `${all} điểm cầu được yêu cầu: ${onTime} nộp đúng hạn, ${late} nộp muộn, ${missing} chưa nộp.`,
  submitted: (t: string, version: number) =>
    `nộp lúc ${t}${version > 1 ? ` (bản bổ sung thứ ${version - 1})` : ''}`,
  late: 'nộp muộn',
  missing: 'Chưa nộp báo cáo.',
  content: 'Nội dung',
  files: 'Tệp đính kèm',
  missingSites: 'Các điểm cầu chưa nộp báo cáo',
  closing: (t: string) => `Báo cáo tổng hợp được lập lúc ${t}.`,
  sign: 'NGƯỜI TỔNG HỢP',
  signHint: '(Ký, ghi rõ họ tên)',
};

function when(record: MeetingRecord, iso: string): string {
  const t = toLocal(parseInstant(iso, 'report'), record.timeZone);
  return `${formatVnClock(t)}, ${formatVnDate(t)}`;
}

function fieldLines(fields: ReportField[], values: Record<string, string>): MinutesParagraph[] {
  return fields
    .filter((f) => values[f.id])
    .map((f) => item(oneLine(f.label), oneLine(values[f.id]!)));
}

/**
 * Every submission by unit, in the records' layout: the minutes' header (issuing body, number,
 * national name, place and date) from `buildMinutesDocument`, then one section per unit in code
 * order, then the units that did not report. Rendered by records' DOCX and PDF renderers.
 */
export function buildCompiledReportsDocument(
  record: MeetingRecord,
  request: ReportRequestView,
  sites: CompiledReportSite[],
): MinutesDocument {
  const base = buildMinutesDocument(record);
  const sorted = [...sites].sort((a, b) => a.code.localeCompare(b.code, 'vi'));
  const subs = sorted.filter((s) => s.submission);
  const missing = sorted.filter((s) => !s.submission);
  const late = subs.filter((s) => s.submission!.late).length;
  const body: MinutesParagraph[] = [
    item(L.deadline, `${when(record, request.deadline)}.`),
    item(L.summary, L.summaryText(subs.length - late, late, missing.length, sites.length)),
  ];
  subs.forEach((s, i) => {
    const sub = s.submission!;
    body.push(
      para([{ text: `${i + 1}. ${oneLine(s.name)}`, bold: true }], {
        keepNext: true,
        spaceBefore: i === 0 ? 'section' : undefined,
      }),
      para(
        [
          { text: L.submitted(when(record, sub.firstAt), sub.version) },
          ...(sub.late ? [{ text: ` - ${L.late}`, bold: true }] : []),
          { text: '.' },
        ],
        { indent: 1 },
      ),
      ...fieldLines(request.fields, sub.fields),
    );
    const text = formattedParagraphs(sub.text, 1);
    if (text.length) body.push(heading(`- ${L.content}:`), ...text);
    if (sub.files.length) {
      body.push(heading(`- ${L.files}:`));
      for (const f of sub.files)
        body.push(
          subItem(
            `${oneLine(f.name)} (${Math.ceil(f.size / 1024)} KB, SHA-256 ${f.sha256.slice(0, 16)}…).`,
          ),
        );
    }
  });
  if (missing.length) {
    body.push(heading(`${L.missingSites}:`));
    for (const s of missing) body.push(subItem(`${oneLine(s.name)}.`));
  }
  const generated = when(record, record.generatedAt);
  return {
    ...base,
    title: L.title,
    subject: L.subject(record.title),
    body,
    closing: para(L.closing(generated), { spaceBefore: 'section' }),
    // Two columns like the minutes (renderers lay out a pair): the compiler signs on the right.
    signatures: [
      { label: '', hint: '', name: '' },
      { label: L.sign, hint: L.signHint, name: oneLine(record.secretary.name) },
    ],
    meta: {
      ...base.meta,
      title: `${L.title}: ${oneLine(record.title)}`,
      subject: L.subject(record.title),
    },
  };
}
