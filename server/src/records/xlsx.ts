import { type AttendanceHandout, buildAttendanceHandout } from './AttendanceHandout.js';
import type { AttendanceTable, Cell } from './AttendanceTable.js';
import { LABELS } from './labels.js';
import type { MeetingRecord } from './MeetingRecord.js';
import { CONTENT_TYPES, ooxmlPackage, REL_TYPES } from './opc.js';
import { parseInstant, toSpreadsheetSerial, toW3cdtf } from './time.js';
import { XML_DECLARATION, xmlAttr, xmlText } from './xml.js';

/**
 * Attendance report as an OOXML workbook (SpreadsheetML), written by hand.
 *
 * Sheet 1 is the attendance handout (AttendanceHandout.ts, the same document as the attendance
 * PDF): agency and national header, title block, then one typed row per invited site with its STT
 * (times are serial dates with a date style, counts are numbers) under a frozen header row with an
 * autofilter, then the summary and the "Người lập biểu" signature. It prints on A4 landscape, one
 * page wide, repeating the table's header row. Every row has an explicit height estimated from its
 * wrapped text (estimateLines), so no cell is cut off or runs into the next row in print. Sheet 2
 * holds the summary as typed cells. Text is only ever written as inline strings
 * (never `<f>`), so a name such as =HYPERLINK(...) cannot become a formula; text that looks like
 * one also gets `quotePrefix` so it stays text when a user edits the cell.
 */

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** Custom number format for local date-times in the Vietnamese day-first order. */
export const DATETIME_FORMAT_ID = 164;
export const DATETIME_FORMAT_CODE = 'dd/mm/yyyy hh:mm:ss';

const FONT = 'Times New Roman';

/** Indexes into cellXfs below. */
const STYLE = {
  header: 1,
  text: 2,
  textQuoted: 3,
  integer: 4,
  datetime: 5,
  title: 6,
  label: 7,
  superior: 8,
  body: 9,
  motto: 10,
  italic: 11,
  summary: 12,
  signer: 13,
  serial: 14,
} as const;
const XF_COUNT = 15;

const font = (inner: string) =>
  `<font>${inner}<name val="${FONT}"/><family val="1"/><charset val="163"/></font>`;
/** A borderless, wrapping text style of the handout's header and signature blocks. */
const plainXf = (fontId: number, horizontal: 'center' | 'justify') =>
  `<xf numFmtId="0" fontId="${fontId}" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">` +
  `<alignment horizontal="${horizontal}" vertical="center" wrapText="1"/></xf>`;

function stylesXml(): string {
  const border =
    '<left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>';
  return (
    `${XML_DECLARATION}<styleSheet xmlns="${NS_MAIN}">` +
    `<numFmts count="1"><numFmt numFmtId="${DATETIME_FORMAT_ID}" formatCode="${DATETIME_FORMAT_CODE}"/></numFmts>` +
    '<fonts count="6">' +
    font('<sz val="12"/>') +
    font('<b/><sz val="12"/>') +
    font('<b/><sz val="14"/>') +
    font('<sz val="13"/>') +
    font('<b/><sz val="13"/>') +
    font('<i/><sz val="12"/>') +
    '</fonts>' +
    '<fills count="3">' +
    '<fill><patternFill patternType="none"/></fill>' +
    '<fill><patternFill patternType="gray125"/></fill>' +
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill>' +
    '</fills>' +
    '<borders count="2">' +
    '<border><left/><right/><top/><bottom/><diagonal/></border>' +
    `<border>${border}<diagonal/></border>` +
    '</borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${XF_COUNT}">` +
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
    // header
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">' +
    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>' +
    // text
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">' +
    '<alignment vertical="top" wrapText="1"/></xf>' +
    // text that looks like a formula: quotePrefix keeps it text even after editing
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1" quotePrefix="1">' +
    '<alignment vertical="top" wrapText="1"/></xf>' +
    // integer
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1">' +
    '<alignment vertical="top"/></xf>' +
    // local date-time
    `<xf numFmtId="${DATETIME_FORMAT_ID}" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1">` +
    '<alignment horizontal="center" vertical="top"/></xf>' +
    // title
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">' +
    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>' +
    // summary label
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1">' +
    '<alignment vertical="top" wrapText="1"/></xf>' +
    // handout: superior body (13), issuing body and national name (13 bold), motto (14 bold)
    plainXf(3, 'center') +
    plainXf(4, 'center') +
    plainXf(2, 'center') +
    // handout: italic lines (time and place, place and date, signing hint)
    plainXf(5, 'center') +
    // handout: the summary paragraph, justified
    plainXf(0, 'justify') +
    // handout: signer label and name
    plainXf(1, 'center') +
    // STT: a centred integer in the table
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1">' +
    '<alignment horizontal="center" vertical="top"/></xf>' +
    '</cellXfs>' +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>'
  );
}

/** 0 → "A", 25 → "Z", 26 → "AA". */
export function columnName(index: number): string {
  let n = index + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

const LOOKS_LIKE_FORMULA = /^[=+\-@\t\r]/;

function inlineString(ref: string, style: number, value: string): string {
  const s = LOOKS_LIKE_FORMULA.test(value) && style === STYLE.text ? STYLE.textQuoted : style;
  // Excel keeps at most 32,767 characters in a cell.
  const clipped = value.replace(/\r\n?/g, '\n').slice(0, 32_767);
  return `<c r="${ref}" s="${s}" t="inlineStr"><is><t xml:space="preserve">${xmlText(clipped)}</t></is></c>`;
}

function cellXml(ref: string, cell: Cell): string {
  switch (cell.kind) {
    case 'text':
      return inlineString(ref, STYLE.text, cell.value);
    case 'number':
      return `<c r="${ref}" s="${STYLE.integer}" t="n"><v>${cell.value}</v></c>`;
    case 'datetime':
      return `<c r="${ref}" s="${STYLE.datetime}" t="n"><v>${toSpreadsheetSerial(cell.value)}</v></c>`;
    case 'empty':
      return `<c r="${ref}" s="${STYLE.text}"/>`;
  }
}

/** Header/footer text: "&" starts a control code there, so a literal one is doubled. */
function headerFooterText(s: string): string {
  // Excel rejects header/footer strings longer than 255 characters.
  return s
    .replace(/&/g, '&&')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 180);
}

function pageLayoutXml(orientation: 'landscape' | 'portrait', headerText: string | null): string {
  return (
    '<printOptions horizontalCentered="1"/>' +
    // Inches: 0.5" sides, 0.75" top/bottom leave room for the header and footer lines.
    '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    `<pageSetup paperSize="9" orientation="${orientation}" fitToWidth="1" fitToHeight="0"/>` +
    '<headerFooter>' +
    // No "&12" size code before the text: a title starting with digits would extend it.
    (headerText === null
      ? ''
      : `<oddHeader>${xmlText(`&C&"${FONT},Bold"${headerFooterText(headerText)}`)}</oddHeader>`) +
    `<oddFooter>${xmlText(`&C&"${FONT},Regular"&10${LABELS.attendance.printFooter}`)}</oddFooter>` +
    '</headerFooter>'
  );
}

/** Where the handout's table sits on sheet 1: the rows above it are the header and title blocks. */
export const HANDOUT_HEADER_ROW = 8;

/**
 * Estimated printed lines of `text` wrapped at a column `width` (in the sheet's character units,
 * the default font's digit width). Upper case and bold run wider than digits, spaces narrower;
 * the estimate errs on the tall side, so a wrapped cell never gets a row too short for it and
 * cut off in print (explicit heights: Excel does not re-fit rows on opening, merged cells are
 * never fitted by either office suite).
 */
export function estimateLines(text: string, width: number, bold = false): number {
  const capacity = Math.max(1, width - 1);
  const weight = (ch: string) =>
    ch === ' ' ? 0.45 : /\p{Lu}/u.test(ch) ? 1.35 : /[mwMW]/.test(ch) ? 1.4 : 0.9;
  const factor = bold ? 1.1 : 1;
  let lines = 0;
  for (const paragraph of text.split('\n')) {
    let used = 0;
    lines++;
    for (const word of paragraph.split(' ')) {
      const w = [...word].reduce((sum, ch) => sum + weight(ch), 0) * factor;
      const need = used === 0 ? w : used + 0.45 * factor + w;
      if (need <= capacity || used === 0) {
        used = need;
        // A word longer than the column breaks over several lines.
        while (used > capacity) {
          lines++;
          used -= capacity;
        }
      } else {
        lines++;
        used = w;
        while (used > capacity) {
          lines++;
          used -= capacity;
        }
      }
    }
  }
  return lines;
}

/** Row height in points for `lines` lines of a `size`-point font. */
const rowHeight = (lines: number, size = 12) => Math.round((lines * size * 1.3 + 3) * 4) / 4;

interface Block {
  /** First and last column index (inclusive) a merged block spans. */
  from: number;
  to: number;
}

function handoutSheetXml(h: AttendanceHandout): string {
  const n = h.columns.length;
  const widths = h.columns.map((c) => c.width);
  const span = (b: Block) => widths.slice(b.from, b.to + 1).reduce((a, w) => a + w, 0);
  // The agency block over the first columns (≈ 45 characters), the national block over the last.
  let leftTo = 0;
  while (leftTo < n - 2 && span({ from: 0, to: leftTo }) < 44) leftTo++;
  let rightFrom = n - 1;
  while (rightFrom > leftTo + 1 && span({ from: rightFrom, to: n - 1 }) < 55) rightFrom--;
  const left: Block = { from: 0, to: leftTo };
  const right: Block = { from: rightFrom, to: n - 1 };
  const whole: Block = { from: 0, to: n - 1 };

  const rows: string[] = [];
  const merges: string[] = [];
  /** One row of merged blocks, tall enough for the longest wrapped text in it. */
  const blockRow = (
    r: number,
    parts: Array<{ block: Block; style: number; text: string; size?: number; bold?: boolean }>,
    minHeight = 0,
  ) => {
    let lines = 1;
    let size = 12;
    const cells: string[] = [];
    for (const p of parts) {
      const ref = `${columnName(p.block.from)}${r}`;
      cells.push(inlineString(ref, p.style, p.text));
      for (let c = p.block.from + 1; c <= p.block.to; c++)
        cells.push(`<c r="${columnName(c)}${r}" s="${p.style}"/>`);
      if (p.block.to > p.block.from) merges.push(`${ref}:${columnName(p.block.to)}${r}`);
      lines = Math.max(lines, estimateLines(p.text, span(p.block), p.bold));
      size = Math.max(size, p.size ?? 12);
    }
    const ht = Math.max(minHeight, rowHeight(lines, size));
    rows.push(`<row r="${r}" ht="${ht}" customHeight="1">${cells.join('')}</row>`);
  };
  const spacer = (r: number, ht = 8) => rows.push(`<row r="${r}" ht="${ht}" customHeight="1"/>`);

  const hd = h.header;
  const agency = hd.parentBody
    ? [
        { text: hd.parentBody, style: STYLE.superior, size: 13 },
        { text: hd.issuingBody, style: STYLE.body, size: 13, bold: true },
      ]
    : [{ text: hd.issuingBody, style: STYLE.body, size: 13, bold: true }, null];
  const national = [
    { text: hd.nationalName, style: STYLE.body, size: 13, bold: true },
    { text: hd.motto, style: STYLE.motto, size: 14, bold: true },
  ];
  for (let i = 0; i < 2; i++) {
    const a = agency[i];
    const b = national[i]!;
    blockRow(i + 1, [...(a ? [{ block: left, ...a }] : []), { block: right, ...b }]);
  }
  spacer(3);
  blockRow(4, [{ block: whole, style: STYLE.title, text: h.title, size: 14, bold: true }]);
  blockRow(5, [{ block: whole, style: STYLE.signer, text: h.subject, bold: true }]);
  blockRow(6, [{ block: whole, style: STYLE.italic, text: h.when }]);
  spacer(7);

  const H = HANDOUT_HEADER_ROW;
  const headerLines = Math.max(...h.columns.map((c) => estimateLines(c.header, c.width, true)));
  rows.push(
    `<row r="${H}" ht="${rowHeight(headerLines)}" customHeight="1">${h.columns
      .map((c, i) => inlineString(`${columnName(i)}${H}`, STYLE.header, c.header))
      .join('')}</row>`,
  );
  h.rows.forEach((row, i) => {
    const r = H + 1 + i;
    const lines = Math.max(
      1,
      ...row.map((cell, c) =>
        cell.kind === 'text' ? estimateLines(cell.value, widths[c] ?? 10) : 1,
      ),
    );
    const cells = row.map((cell, c) =>
      c === 0 && cell.kind === 'number'
        ? `<c r="A${r}" s="${STYLE.serial}" t="n"><v>${cell.value}</v></c>`
        : cellXml(`${columnName(c)}${r}`, cell),
    );
    rows.push(`<row r="${r}" ht="${rowHeight(lines)}" customHeight="1">${cells.join('')}</row>`);
  });
  const last = H + h.rows.length;
  spacer(last + 1, 12);
  blockRow(last + 2, [{ block: whole, style: STYLE.summary, text: h.summary }]);
  spacer(last + 3, 12);
  blockRow(last + 4, [{ block: right, style: STYLE.italic, text: h.placeDate }]);
  blockRow(last + 5, [{ block: right, style: STYLE.signer, text: h.signer.label, bold: true }]);
  blockRow(last + 6, [{ block: right, style: STYLE.italic, text: h.signer.hint }]);
  // Room for the handwritten signature (about 25 mm).
  spacer(last + 7, 72);
  blockRow(last + 8, [{ block: right, style: STYLE.signer, text: h.signer.name, bold: true }]);

  const lastCol = columnName(n - 1);
  const tableRange = `A${H}:${lastCol}${last}`;
  const cols = widths
    .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`)
    .join('');
  return (
    `${XML_DECLARATION}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
    `<dimension ref="A1:${lastCol}${last + 8}"/>` +
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0">' +
    `<pane ySplit="${H}" topLeftCell="A${H + 1}" activePane="bottomLeft" state="frozen"/>` +
    `<selection pane="bottomLeft" activeCell="A${H + 1}" sqref="A${H + 1}"/>` +
    '</sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15.75"/>' +
    `<cols>${cols}</cols>` +
    `<sheetData>${rows.join('')}</sheetData>` +
    `<autoFilter ref="${tableRange}"/>` +
    `<mergeCells count="${merges.length}">${merges
      .map((m) => `<mergeCell ref="${m}"/>`)
      .join('')}</mergeCells>` +
    pageLayoutXml('landscape', null) +
    '</worksheet>'
  );
}

function summarySheetXml(table: AttendanceTable): string {
  const rows = table.summaryLines
    .map((line, i) => {
      const n = i + 3;
      return `<row r="${n}">${inlineString(`A${n}`, STYLE.label, line.label)}${cellXml(`B${n}`, line.value)}</row>`;
    })
    .join('');
  const lastRow = table.summaryLines.length + 2;
  return (
    `${XML_DECLARATION}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
    `<dimension ref="A1:B${lastRow}"/>` +
    '<sheetViews><sheetView workbookViewId="0"/></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15.75"/>' +
    '<cols><col min="1" max="1" width="42" customWidth="1"/><col min="2" max="2" width="60" customWidth="1"/></cols>' +
    '<sheetData>' +
    `<row r="1" ht="24" customHeight="1">${inlineString('A1', STYLE.title, table.title)}<c r="B1" s="${STYLE.title}"/></row>` +
    rows +
    '</sheetData>' +
    '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>' +
    pageLayoutXml('portrait', table.meetingTitle) +
    '</worksheet>'
  );
}

/** A sheet name inside a reference: quoted, with quotes doubled. */
function sheetRef(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

function workbookXml(h: AttendanceHandout): string {
  const sheet = LABELS.attendance.sheetName;
  const lastCol = columnName(h.columns.length - 1);
  const H = HANDOUT_HEADER_ROW;
  const lastRow = H + h.rows.length;
  return (
    `${XML_DECLARATION}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    '<workbookPr/>' +
    '<bookViews><workbookView activeTab="0"/></bookViews>' +
    '<sheets>' +
    `<sheet name="${xmlAttr(sheet)}" sheetId="1" r:id="rId1"/>` +
    `<sheet name="${xmlAttr(LABELS.attendance.summarySheetName)}" sheetId="2" r:id="rId2"/>` +
    '</sheets>' +
    '<definedNames>' +
    `<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">${xmlText(
      `${sheetRef(sheet)}!$A$${H}:$${lastCol}$${lastRow}`,
    )}</definedName>` +
    // Repeat the header row at the top of every printed page.
    `<definedName name="_xlnm.Print_Titles" localSheetId="0">${xmlText(`${sheetRef(sheet)}!$${H}:$${H}`)}</definedName>` +
    '</definedNames>' +
    '</workbook>'
  );
}

export function renderAttendanceXlsx(record: MeetingRecord): Uint8Array {
  const handout = buildAttendanceHandout(record);
  const table = handout.table;
  return ooxmlPackage({
    main: {
      name: 'xl/workbook.xml',
      contentType: CONTENT_TYPES.workbook,
      xml: workbookXml(handout),
    },
    // rId1 and rId2 are the sheets the workbook part names.
    related: [
      {
        name: 'xl/worksheets/sheet1.xml',
        contentType: CONTENT_TYPES.worksheet,
        relType: REL_TYPES.worksheet,
        xml: handoutSheetXml(handout),
      },
      {
        name: 'xl/worksheets/sheet2.xml',
        contentType: CONTENT_TYPES.worksheet,
        relType: REL_TYPES.worksheet,
        xml: summarySheetXml(table),
      },
      {
        name: 'xl/styles.xml',
        contentType: CONTENT_TYPES.sheetStyles,
        relType: REL_TYPES.styles,
        xml: stylesXml(),
      },
    ],
    core: {
      title: `${table.title} - ${record.title}`,
      createdW3c: toW3cdtf(parseInstant(record.generatedAt, 'generatedAt')),
    },
    stamp: table.generatedAt,
  });
}
