import { isPresent, localOf, summarizeAttendance, validateRecord } from './AttendanceTable.js';
import { LABELS } from './labels.js';
import type { AgendaRecord, MeetingRecord, PersonRef } from './MeetingRecord.js';
import {
  appPropsXml,
  CONTENT_TYPES,
  contentTypesXml,
  corePropsXml,
  packageRelsXml,
  REL_TYPES,
  relationshipsXml,
} from './opc.js';
import {
  formatDuration,
  formatHourMinute,
  formatVnClock,
  formatVnDate,
  type LocalTime,
  parseInstant,
  sameLocalDay,
  toLocal,
  toW3cdtf,
} from './time.js';
import {
  layoutTable,
  mmToTwips,
  NS_R,
  NS_W,
  oneLine,
  pageNumberField,
  paragraph,
  run,
} from './wml.js';
import { XML_DECLARATION } from './xml.js';
import { zipDeterministic } from './zip.js';

/**
 * The minutes (biên bản) as a DOCX laid out per Decree 30/2020/NĐ-CP, Appendix I:
 * A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman;
 * the header block (issuing body with number and symbol on the left, national name and motto
 * with the place and date on the right), the title, the body and the signature blocks.
 * Page numbers sit centred in the top margin from page 2 on, as the decree prescribes.
 */

export const PAGE = {
  width: 11_906,
  height: 16_838,
  top: mmToTwips(20),
  bottom: mmToTwips(20),
  left: mmToTwips(30),
  right: mmToTwips(15),
  headerDistance: mmToTwips(10),
} as const;

/** Body text size in half-points: 14 pt. */
export const BODY_SIZE = 28;
/** Header-block lines other than the motto and the place/date line: 13 pt. */
const HEAD_SIZE = 26;
const FONT = 'Times New Roman';
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
const HEAD_LEFT = 3_685;
const HEAD_RIGHT = TEXT_WIDTH - HEAD_LEFT;
/** Body paragraphs: first line indented 1 cm; at least 6 pt between paragraphs. */
const INDENT = mmToTwips(10);

const tight = { before: 0, after: 0, line: 240 } as const;

/** A short centred rule under a header-block line, `length` twips long inside a cell. */
function rule(cellWidth: number, length: number): string {
  const side = Math.max(0, Math.round((cellWidth - length) / 2));
  return paragraph(run('', { size: 4 }), {
    ruleAbove: true,
    left: side,
    right: side,
    before: 20,
    after: 0,
    line: 80,
    lineExact: true,
  });
}

function headerBlock(record: MeetingRecord, meetingDay: LocalTime): string {
  const m = LABELS.minutes;
  const left: string[] = [];
  if (record.parentBody) {
    left.push(
      paragraph(run(oneLine(record.parentBody).toUpperCase(), { size: HEAD_SIZE }), {
        ...tight,
        align: 'center',
      }),
    );
  }
  left.push(
    paragraph(run(oneLine(record.issuingBody).toUpperCase(), { bold: true, size: HEAD_SIZE }), {
      ...tight,
      align: 'center',
    }),
    rule(HEAD_LEFT, 1_300),
  );
  const right = [
    paragraph(run(m.nationalName, { bold: true, size: HEAD_SIZE }), { ...tight, align: 'center' }),
    paragraph(run(m.motto, { bold: true, size: BODY_SIZE }), { ...tight, align: 'center' }),
    rule(HEAD_RIGHT, 3_900),
  ];
  const number = record.documentNumber ? oneLine(record.documentNumber) : m.numberPlaceholder;
  const placeDate = `${oneLine(record.place)}, ${formatVnDate(meetingDay)}`;
  return layoutTable(
    [HEAD_LEFT, HEAD_RIGHT],
    [
      [left, right],
      [
        [
          paragraph(run(`${m.numberPrefix}${number}`, { size: HEAD_SIZE }), {
            ...tight,
            before: 120,
            align: 'center',
          }),
        ],
        [
          paragraph(run(placeDate, { italic: true, size: BODY_SIZE }), {
            ...tight,
            before: 120,
            align: 'center',
          }),
        ],
      ],
    ],
  );
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

/** "08 giờ 05 phút" on the meeting day, otherwise with the date appended. */
function clockOn(t: LocalTime, day: LocalTime): string {
  return sameLocalDay(t, day) ? formatVnClock(t) : `${formatVnClock(t)}, ${formatVnDate(t)}`;
}

/** "- Label: text" with the label in bold, as the decree's template lists the particulars. */
function item(label: string, text: string): string {
  return paragraph([run(`- ${label}: `, { bold: true }), run(text)], {
    align: 'both',
    firstLine: INDENT,
  });
}

function subItem(text: string): string {
  return paragraph(run(`+ ${text}`), { align: 'both', firstLine: INDENT * 2 });
}

function textParagraphs(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r\n|\r|\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => paragraph(run(s), { align: 'both', firstLine: INDENT }));
}

function attendanceSection(record: MeetingRecord, day: LocalTime): string[] {
  const m = LABELS.minutes;
  const tz = record.timeZone;
  const s = summarizeAttendance(record);
  const out = [
    item(
      m.attendance,
      m.attendanceText({
        invited: s.invited,
        present: s.present,
        onTime: s.onTime,
        late: s.late,
        leftEarly: s.leftEarly,
        headcount: s.totalHeadcount,
        absent: s.absent,
        withReason: s.absentWithReason,
        withoutReason: s.absentWithoutReason,
      }),
    ),
  ];
  const absent = record.attendance.filter((r) => !isPresent(r));
  if (absent.length > 0) {
    out.push(paragraph(run(m.absentSites, { italic: true }), { firstLine: INDENT }));
    for (const r of absent) {
      const reason = r.absenceReason ? oneLine(r.absenceReason) : '';
      const what =
        r.status === 'absent_with_reason'
          ? reason
            ? m.absentWithReason(reason)
            : m.absentWithReasonUnstated
          : m.absentWithoutReason;
      out.push(subItem(`${oneLine(r.name)}: ${what}.`));
    }
  }
  const listed = (status: 'late' | 'left_early', heading: string, field: 'first' | 'last') => {
    const rows = record.attendance.filter((r) => r.status === status);
    if (rows.length === 0) return;
    out.push(paragraph(run(heading, { italic: true }), { firstLine: INDENT }));
    rows.forEach((r, i) => {
      const at =
        field === 'first'
          ? localOf(r.firstJoinAt, tz, `attendance[${i}].firstJoinAt`)
          : localOf(r.lastLeaveAt, tz, `attendance[${i}].lastLeaveAt`);
      const when = at ? (field === 'first' ? m.lateAt : m.leftAt)(clockOn(at, day)) : '';
      out.push(subItem(when ? `${oneLine(r.name)}: ${when}.` : `${oneLine(r.name)}.`));
    });
  };
  listed('late', m.lateSites, 'first');
  listed('left_early', m.leftEarlySites, 'last');
  return out;
}

function agendaSection(record: MeetingRecord, a: AgendaRecord, day: LocalTime): string[] {
  const m = LABELS.minutes;
  const tz = record.timeZone;
  const out = [
    paragraph(run(`${a.order}. ${oneLine(a.title)}`, { bold: true }), {
      align: 'both',
      firstLine: INDENT,
      keepNext: true,
    }),
  ];
  if (a.presenter) out.push(item(m.presenter, `${oneLine(a.presenter)}.`));
  const start = localOf(a.startedAt, tz, `agenda[${a.order}].startedAt`);
  const end = localOf(a.endedAt, tz, `agenda[${a.order}].endedAt`);
  out.push(
    item(
      m.itemTime,
      start
        ? end
          ? m.itemTimeText(clockOn(start, day), clockOn(end, day))
          : m.itemNoEnd(clockOn(start, day))
        : m.itemNotHeld,
    ),
  );
  const speeches = [...a.speeches].sort(
    (x, y) => parseInstant(x.startedAt, 'speech') - parseInstant(y.startedAt, 'speech'),
  );
  if (speeches.length > 0) {
    out.push(paragraph(run(`- ${m.speeches}`, { bold: true }), { firstLine: INDENT }));
    for (const sp of speeches) {
      const from = toLocal(parseInstant(sp.startedAt, 'speech.startedAt'), tz);
      const to = toLocal(parseInstant(sp.endedAt, 'speech.endedAt'), tz);
      out.push(
        subItem(
          `${oneLine(sp.siteName)}: ${m.speechText(
            formatHourMinute(from),
            formatHourMinute(to),
            formatDuration(sp.seconds),
          )}`,
        ),
      );
    }
  } else if (start) {
    out.push(item(m.speeches.replace(/:$/, ''), m.noSpeeches));
  }
  const notes = textParagraphs(a.notes);
  if (notes.length > 0) {
    out.push(
      paragraph(run(`- ${m.notes}:`, { bold: true }), { firstLine: INDENT, keepNext: true }),
    );
    out.push(...notes);
  }
  const conclusions = textParagraphs(a.conclusions);
  out.push(
    paragraph(run(`- ${m.conclusions}:`, { bold: true }), { firstLine: INDENT, keepNext: true }),
  );
  out.push(
    ...(conclusions.length > 0
      ? conclusions
      : [paragraph(run(m.noConclusions, { italic: true }), { firstLine: INDENT })]),
  );
  return out;
}

function signatureBlock(record: MeetingRecord): string {
  const m = LABELS.minutes;
  const half = Math.floor(TEXT_WIDTH / 2);
  const block = (label: string, p: PersonRef) => [
    paragraph(run(label, { bold: true }), { ...tight, align: 'center', keepNext: true }),
    paragraph(run(m.signHint, { italic: true }), { ...tight, align: 'center', keepNext: true }),
    ...[1, 2, 3, 4].map(() => paragraph('', { ...tight, keepNext: true })),
    paragraph(run(oneLine(p.name), { bold: true }), { ...tight, align: 'center' }),
  ];
  return layoutTable(
    [half, TEXT_WIDTH - half],
    [[block(m.secretarySign, record.secretary), block(m.chairSign, record.chair)]],
    { cantSplit: true },
  );
}

function documentXml(record: MeetingRecord): string {
  const m = LABELS.minutes;
  const tz = record.timeZone;
  const scheduled = toLocal(parseInstant(record.scheduledStart, 'scheduledStart'), tz);
  const started = localOf(record.startedAt, tz, 'startedAt');
  const day = started ?? scheduled;
  const adjourned = localOf(record.adjournedAt, tz, 'adjournedAt');
  const connected = record.attendance.filter(isPresent).length;

  const startText = started ? `${formatVnClock(started)}, ${formatVnDate(started)}` : m.notStarted;
  const body = [
    headerBlock(record, day),
    paragraph(run(m.title, { bold: true }), {
      align: 'center',
      before: 480,
      after: 0,
      keepNext: true,
    }),
    paragraph(run(meetingSubject(record.title), { bold: true }), {
      align: 'center',
      before: 0,
      after: 240,
      keepNext: true,
    }),
    item(m.time, m.timeText(startText, clockOn(scheduled, day))),
    item(
      m.form,
      m.formText(connected, record.hostLocation ? oneLine(record.hostLocation) : undefined),
    ),
    item(m.chair, `${person(record.chair)}.`),
    item(m.secretary, `${person(record.secretary)}.`),
    ...attendanceSection(record, day),
    paragraph(run(m.content, { bold: true }), { align: 'center', before: 240, keepNext: true }),
    ...[...record.agenda]
      .sort((a, b) => a.order - b.order)
      .flatMap((a) => agendaSection(record, a, day)),
    paragraph(
      run(
        adjourned
          ? m.closing(
              sameLocalDay(adjourned, day)
                ? `${formatVnClock(adjourned)} ${LABELS.time.sameDay}`
                : `${formatVnClock(adjourned)}, ${formatVnDate(adjourned)}`,
            )
          : m.closingUnknown,
      ),
      { align: 'both', firstLine: INDENT, before: 240, after: 240, keepNext: true },
    ),
    signatureBlock(record),
    paragraph('', tight),
  ].join('');

  const sectPr =
    '<w:sectPr>' +
    '<w:headerReference w:type="default" r:id="rId3"/>' +
    '<w:headerReference w:type="first" r:id="rId4"/>' +
    `<w:pgSz w:w="${PAGE.width}" w:h="${PAGE.height}"/>` +
    `<w:pgMar w:top="${PAGE.top}" w:right="${PAGE.right}" w:bottom="${PAGE.bottom}" ` +
    `w:left="${PAGE.left}" w:header="${PAGE.headerDistance}" w:footer="${PAGE.headerDistance}" w:gutter="0"/>` +
    '<w:pgNumType w:start="1"/>' +
    '<w:cols w:space="720"/>' +
    '<w:titlePg/>' +
    '</w:sectPr>';
  return (
    `${XML_DECLARATION}<w:document xmlns:w="${NS_W}" xmlns:r="${NS_R}">` +
    `<w:body>${body}${sectPr}</w:body></w:document>`
  );
}

function stylesXml(): string {
  const fonts = `<w:rFonts w:ascii="${FONT}" w:hAnsi="${FONT}" w:eastAsia="${FONT}" w:cs="${FONT}"/>`;
  return (
    `${XML_DECLARATION}<w:styles xmlns:w="${NS_W}">` +
    '<w:docDefaults>' +
    `<w:rPrDefault><w:rPr>${fonts}<w:sz w:val="${BODY_SIZE}"/><w:szCs w:val="${BODY_SIZE}"/>` +
    '<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>' +
    // Decree 30: at least 6 pt between paragraphs, line spacing from single to 1.5 lines.
    '<w:pPrDefault><w:pPr><w:spacing w:before="120" w:after="0" w:line="288" w:lineRule="auto"/></w:pPr></w:pPrDefault>' +
    '</w:docDefaults>' +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>' +
    `<w:rPr>${fonts}<w:sz w:val="${BODY_SIZE}"/><w:szCs w:val="${BODY_SIZE}"/></w:rPr></w:style>` +
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">' +
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>' +
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>' +
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>' +
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>' +
    '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>' +
    '</w:tblCellMar></w:tblPr></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/>' +
    '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr></w:style>' +
    '</w:styles>'
  );
}

function settingsXml(): string {
  return (
    `${XML_DECLARATION}<w:settings xmlns:w="${NS_W}">` +
    '<w:zoom w:percent="100"/>' +
    '<w:defaultTabStop w:val="720"/>' +
    '<w:characterSpacingControl w:val="doNotCompress"/>' +
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>' +
    '</w:settings>'
  );
}

/** Page number centred in the top margin (Decree 30: not shown on the first page). */
function pageHeaderXml(): string {
  return (
    `${XML_DECLARATION}<w:hdr xmlns:w="${NS_W}" xmlns:r="${NS_R}">` +
    `<w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/></w:pPr>${pageNumberField('2')}</w:p>` +
    '</w:hdr>'
  );
}

function firstPageHeaderXml(): string {
  return (
    `${XML_DECLARATION}<w:hdr xmlns:w="${NS_W}" xmlns:r="${NS_R}">` +
    '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p>' +
    '</w:hdr>'
  );
}

export function renderMinutesDocx(record: MeetingRecord): Uint8Array {
  validateRecord(record);
  const generated = parseInstant(record.generatedAt, 'generatedAt');
  return zipDeterministic(
    [
      [
        '[Content_Types].xml',
        contentTypesXml([
          ['/word/document.xml', CONTENT_TYPES.document],
          ['/word/styles.xml', CONTENT_TYPES.docStyles],
          ['/word/settings.xml', CONTENT_TYPES.settings],
          ['/word/header1.xml', CONTENT_TYPES.header],
          ['/word/header2.xml', CONTENT_TYPES.header],
          ['/docProps/core.xml', CONTENT_TYPES.core],
          ['/docProps/app.xml', CONTENT_TYPES.app],
        ]),
      ],
      ['_rels/.rels', packageRelsXml('word/document.xml')],
      [
        'docProps/core.xml',
        corePropsXml({
          title: `${LABELS.minutes.documentKind}: ${oneLine(record.title)}`,
          subject: meetingSubject(record.title),
          createdW3c: toW3cdtf(generated),
        }),
      ],
      ['docProps/app.xml', appPropsXml()],
      ['word/document.xml', documentXml(record)],
      [
        'word/_rels/document.xml.rels',
        relationshipsXml([
          ['rId1', REL_TYPES.styles, 'styles.xml'],
          ['rId2', REL_TYPES.settings, 'settings.xml'],
          ['rId3', REL_TYPES.header, 'header1.xml'],
          ['rId4', REL_TYPES.header, 'header2.xml'],
        ]),
      ],
      ['word/styles.xml', stylesXml()],
      ['word/settings.xml', settingsXml()],
      ['word/header1.xml', pageHeaderXml()],
      ['word/header2.xml', firstPageHeaderXml()],
    ],
    toLocal(generated, record.timeZone),
  );
}
