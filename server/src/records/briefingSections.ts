import type { MeetingRecord } from './MeetingRecord.js';
import {
  clockOn,
  heading,
  item,
  type MinutesParagraph,
  oneLine,
  para,
  subItem,
  type TextRun,
} from './MinutesDocument.js';
import { type LocalTime, parseInstant, toLocal } from './time.js';

/**
 * The minutes' paragraphs for the briefing beyond video (issue #14): which sites reported and
 * when (after the attendance), and under each agenda item its votes and written opinions. Built
 * into the same MinutesDocument, so DOCX and PDF agree.
 */
const L = {
  reports: 'Báo cáo của các điểm cầu',
  reportsSummary: (deadline: string, onTime: number, late: number, missing: number, all: number) =>
    `hạn nộp ${deadline}; ${onTime}/${all} điểm cầu nộp đúng hạn, ${late} nộp muộn, ${missing} chưa nộp.`,
  reportedOnTime: 'Nộp đúng hạn:',
  reportedLate: 'Nộp muộn:',
  notReported: 'Chưa nộp:',
  submittedAt: (t: string) => `nộp lúc ${t}`,
  amendedAt: (t: string) => `bổ sung lúc ${t}`,
  vote: 'Biểu quyết',
  voteSecret: 'bỏ phiếu kín',
  voteOpen: 'biểu quyết công khai',
  voteResult: (answered: number, expected: number) => `${answered}/${expected} điểm cầu biểu quyết`,
  voteNotClosed: 'chưa kết thúc',
  ballotsBy: (option: string) => `${option}:`,
  opinions: 'Ý kiến bằng văn bản của các điểm cầu',
  readOut: 'đã đọc tại cuộc họp',
  generalBriefing: 'Biểu quyết và ý kiến chung',
};

const local = (record: MeetingRecord, t: string, what: string): LocalTime =>
  toLocal(parseInstant(t, what), record.timeZone);

/** `**bold**` and `*italic*` of the site's formatted text as runs (the rest is plain). */
export function markupRuns(line: string): TextRun[] {
  const out: TextRun[] = [];
  const re = /\*\*([^*]+)\*\*|\*([^*]+)\*/g;
  let last = 0;
  for (const m of line.matchAll(re)) {
    if (m.index > last) out.push({ text: line.slice(last, m.index) });
    out.push(m[1] !== undefined ? { text: m[1], bold: true } : { text: m[2]!, italic: true });
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ text: line.slice(last) });
  return out.length ? out : [{ text: '' }];
}

/** Formatted text as indented paragraphs ("- " list items keep their dash). */
export function formattedParagraphs(text: string, indent: 1 | 2 = 2): MinutesParagraph[] {
  return text
    .split(/\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => para(markupRuns(s), { indent }));
}

export function reportsSection(record: MeetingRecord, day: LocalTime): MinutesParagraph[] {
  const r = record.briefing?.reports;
  if (!r) return [];
  const at = (t: string, what: string) => clockOn(local(record, t, what), day);
  const by = (s: 'submitted' | 'late' | 'missing') => r.rows.filter((x) => x.status === s);
  const onTime = by('submitted');
  const late = by('late');
  const missing = by('missing');
  const out = [
    item(
      L.reports,
      L.reportsSummary(
        at(r.deadline, 'reports.deadline'),
        onTime.length,
        late.length,
        missing.length,
        r.rows.length,
      ),
    ),
  ];
  const list = (title: string, rows: typeof r.rows) => {
    if (!rows.length) return;
    out.push(para([{ text: title, italic: true }], { keepNext: true }));
    for (const x of rows) {
      const when = [
        x.submittedAt ? L.submittedAt(at(x.submittedAt, 'reports.submittedAt')) : '',
        x.amendedAt ? L.amendedAt(at(x.amendedAt, 'reports.amendedAt')) : '',
      ].filter(Boolean);
      out.push(
        subItem(when.length ? `${oneLine(x.name)}: ${when.join(', ')}.` : `${oneLine(x.name)}.`),
      );
    }
  };
  list(L.reportedOnTime, onTime);
  list(L.reportedLate, late);
  list(L.notReported, missing);
  return out;
}

function votesAndOpinions(
  record: MeetingRecord,
  itemId: string | undefined,
  day: LocalTime,
): MinutesParagraph[] {
  const b = record.briefing;
  if (!b) return [];
  const out: MinutesParagraph[] = [];
  for (const v of (b.votes ?? []).filter((x) => x.itemId === itemId)) {
    const answered = v.tally.reduce((a, n) => a + n, 0);
    const when = `${clockOn(local(record, v.openedAt, 'vote.openedAt'), day)}${
      v.closedAt ? ` - ${clockOn(local(record, v.closedAt, 'vote.closedAt'), day)}` : ''
    }`;
    out.push(
      item(
        L.vote,
        `${oneLine(v.question)} (${v.secret ? L.voteSecret : L.voteOpen}, ${when}${
          v.closedAt ? '' : `, ${L.voteNotClosed}`
        }): ${L.voteResult(answered, v.expected)}.`,
      ),
    );
    v.options.forEach((o, i) => {
      const n = v.tally[i] ?? 0;
      const names = (v.ballots ?? []).filter((x) => x.option === i).map((x) => oneLine(x.siteName));
      out.push(subItem(`${oneLine(o)}: ${n}${names.length ? ` (${names.join(', ')})` : ''}.`));
    });
  }
  const opinions = (b.opinions ?? []).filter((x) => x.itemId === itemId);
  if (opinions.length) {
    out.push(heading(`- ${L.opinions}:`));
    for (const o of opinions) {
      const t = clockOn(local(record, o.at, 'opinion.at'), day);
      out.push(
        subItem(`${oneLine(o.siteName)} (${t}${o.readOut ? `, ${L.readOut}` : ''}):`),
        ...formattedParagraphs(o.text),
      );
    }
  }
  return out;
}

export function itemBriefingSection(
  record: MeetingRecord,
  itemId: string,
  day: LocalTime,
): MinutesParagraph[] {
  return votesAndOpinions(record, itemId, day);
}

export function generalBriefingSection(record: MeetingRecord, day: LocalTime): MinutesParagraph[] {
  const out = votesAndOpinions(record, undefined, day);
  return out.length ? [heading(L.generalBriefing), ...out] : [];
}
