import type { MeetingRecord } from './MeetingRecord.js';
import {
  buildMinutesDocument,
  type MinutesDocument,
  type MinutesParagraph,
} from './MinutesDocument.js';
import { CONTENT_TYPES, ooxmlPackage, REL_TYPES } from './opc.js';
import { toW3cdtf } from './time.js';
import { layoutTable, mmToTwips, NS_R, NS_W, pageNumberField, paragraph, run } from './wml.js';
import { XML_DECLARATION } from './xml.js';

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

function headerBlock(doc: MinutesDocument): string {
  const h = doc.header;
  const left: string[] = [];
  if (h.parentBody) {
    left.push(paragraph(run(h.parentBody, { size: HEAD_SIZE }), { ...tight, align: 'center' }));
  }
  left.push(
    paragraph(run(h.issuingBody, { bold: true, size: HEAD_SIZE }), { ...tight, align: 'center' }),
    rule(HEAD_LEFT, 1_300),
  );
  const right = [
    paragraph(run(h.nationalName, { bold: true, size: HEAD_SIZE }), { ...tight, align: 'center' }),
    paragraph(run(h.motto, { bold: true, size: BODY_SIZE }), { ...tight, align: 'center' }),
    rule(HEAD_RIGHT, 3_900),
  ];
  return layoutTable(
    [HEAD_LEFT, HEAD_RIGHT],
    [
      [left, right],
      [
        [
          paragraph(run(h.number, { size: HEAD_SIZE }), {
            ...tight,
            before: 120,
            align: 'center',
          }),
        ],
        [
          paragraph(run(h.placeDate, { italic: true, size: BODY_SIZE }), {
            ...tight,
            before: 120,
            align: 'center',
          }),
        ],
      ],
    ],
  );
}

const INDENTS = [0, INDENT, INDENT * 2] as const;

function paragraphXml(p: MinutesParagraph): string {
  return paragraph(
    p.runs.map((r) =>
      run(r.text, { ...(r.bold ? { bold: true } : {}), ...(r.italic ? { italic: true } : {}) }),
    ),
    {
      align: p.align,
      ...(p.indent > 0 ? { firstLine: INDENTS[p.indent] } : {}),
      ...(p.keepNext ? { keepNext: true } : {}),
      ...(p.spaceBefore === 'section' ? { before: 240 } : {}),
    },
  );
}

function signatureBlock(doc: MinutesDocument): string {
  const half = Math.floor(TEXT_WIDTH / 2);
  const block = (s: MinutesDocument['signatures'][number]) => [
    paragraph(run(s.label, { bold: true }), { ...tight, align: 'center', keepNext: true }),
    paragraph(run(s.hint, { italic: true }), { ...tight, align: 'center', keepNext: true }),
    // Room for the handwritten or digital signature appearance (SIGNATURE_ROOM_MM in pdf.ts).
    ...[1, 2, 3, 4, 5].map(() => paragraph('', { ...tight, keepNext: true })),
    paragraph(run(s.name, { bold: true }), { ...tight, align: 'center' }),
  ];
  return layoutTable([half, TEXT_WIDTH - half], [doc.signatures.map(block)], { cantSplit: true });
}

function documentXml(doc: MinutesDocument): string {
  const body = [
    headerBlock(doc),
    paragraph(run(doc.title, { bold: true }), {
      align: 'center',
      before: 480,
      after: 0,
      keepNext: true,
    }),
    paragraph(run(doc.subject, { bold: true }), {
      align: 'center',
      before: 0,
      after: 240,
      keepNext: true,
    }),
    ...doc.body.map(paragraphXml),
    paragraph(
      doc.closing.runs.map((r) => run(r.text)),
      { align: 'both', firstLine: INDENT, before: 240, after: 240, keepNext: true },
    ),
    signatureBlock(doc),
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
  return renderMinutesDocxDocument(buildMinutesDocument(record));
}

export function renderMinutesDocxDocument(doc: MinutesDocument): Uint8Array {
  return ooxmlPackage({
    main: { name: 'word/document.xml', contentType: CONTENT_TYPES.document, xml: documentXml(doc) },
    // rId1…rId4 in this order: the section properties refer to the headers as rId3 and rId4.
    related: [
      {
        name: 'word/styles.xml',
        contentType: CONTENT_TYPES.docStyles,
        relType: REL_TYPES.styles,
        xml: stylesXml(),
      },
      {
        name: 'word/settings.xml',
        contentType: CONTENT_TYPES.settings,
        relType: REL_TYPES.settings,
        xml: settingsXml(),
      },
      {
        name: 'word/header1.xml',
        contentType: CONTENT_TYPES.header,
        relType: REL_TYPES.header,
        xml: pageHeaderXml(),
      },
      {
        name: 'word/header2.xml',
        contentType: CONTENT_TYPES.header,
        relType: REL_TYPES.header,
        xml: firstPageHeaderXml(),
      },
    ],
    core: {
      title: doc.meta.title,
      subject: doc.meta.subject,
      createdW3c: toW3cdtf(doc.meta.generatedAt),
    },
    stamp: doc.meta.generatedLocal,
  });
}
