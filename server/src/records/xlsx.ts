import { type AttendanceTable, buildAttendanceTable, type Cell } from './AttendanceTable.js';
import { LABELS } from './labels.js';
import type { MeetingRecord } from './MeetingRecord.js';
import {
  appPropsXml,
  CONTENT_TYPES,
  contentTypesXml,
  corePropsXml,
  packageRelsXml,
  REL_TYPES,
  relationshipsXml,
} from './opc.js';
import { parseInstant, toSpreadsheetSerial, toW3cdtf } from './time.js';
import { XML_DECLARATION, xmlAttr, xmlText } from './xml.js';
import { zipDeterministic } from './zip.js';

/**
 * Attendance report as an OOXML workbook (SpreadsheetML), written by hand.
 *
 * Sheet 1 holds one typed row per invited site (times are serial dates with a date style, counts
 * are numbers), a frozen header row, an autofilter and an A4-landscape print layout that repeats
 * the header on every page. Sheet 2 holds the summary. Text is only ever written as inline strings
 * (never `<f>`), so a name such as =HYPERLINK(...) cannot become a formula; text that looks like
 * one also gets `quotePrefix` so it stays text when a user edits the cell.
 */

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** Custom number format for local date-times in the Vietnamese day-first order. */
export const DATETIME_FORMAT_ID = 164;
export const DATETIME_FORMAT_CODE = 'dd/mm/yyyy hh:mm:ss';

/** Indexes into cellXfs below. */
const STYLE = {
  header: 1,
  text: 2,
  textQuoted: 3,
  integer: 4,
  datetime: 5,
  title: 6,
  label: 7,
} as const;

const FONT = 'Times New Roman';

function stylesXml(): string {
  const border =
    '<left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>';
  return (
    `${XML_DECLARATION}<styleSheet xmlns="${NS_MAIN}">` +
    `<numFmts count="1"><numFmt numFmtId="${DATETIME_FORMAT_ID}" formatCode="${DATETIME_FORMAT_CODE}"/></numFmts>` +
    '<fonts count="3">' +
    `<font><sz val="12"/><name val="${FONT}"/><family val="1"/><charset val="163"/></font>` +
    `<font><b/><sz val="12"/><name val="${FONT}"/><family val="1"/><charset val="163"/></font>` +
    `<font><b/><sz val="14"/><name val="${FONT}"/><family val="1"/><charset val="163"/></font>` +
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
    '<cellXfs count="8">' +
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

function pageLayoutXml(orientation: 'landscape' | 'portrait', headerText: string): string {
  return (
    '<printOptions horizontalCentered="1"/>' +
    // Inches: 0.5" sides, 0.75" top/bottom leave room for the header and footer lines.
    '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    `<pageSetup paperSize="9" orientation="${orientation}" fitToWidth="1" fitToHeight="0"/>` +
    '<headerFooter>' +
    // No "&12" size code before the text: a title starting with digits would extend it.
    `<oddHeader>${xmlText(`&C&"${FONT},Bold"${headerFooterText(headerText)}`)}</oddHeader>` +
    `<oddFooter>${xmlText(`&C&"${FONT},Regular"&10${LABELS.attendance.printFooter}`)}</oddFooter>` +
    '</headerFooter>'
  );
}

function attendanceSheetXml(table: AttendanceTable): string {
  const lastCol = columnName(table.columns.length - 1);
  const lastRow = table.rows.length + 1;
  const range = `A1:${lastCol}${lastRow}`;
  const cols = table.columns
    .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>`)
    .join('');
  const header = table.columns
    .map((c, i) => inlineString(`${columnName(i)}1`, STYLE.header, c.header))
    .join('');
  const rows = table.rows
    .map((row, r) => {
      const n = r + 2;
      return `<row r="${n}">${row.map((cell, i) => cellXml(`${columnName(i)}${n}`, cell)).join('')}</row>`;
    })
    .join('');
  return (
    `${XML_DECLARATION}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
    `<dimension ref="${range}"/>` +
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0">' +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' +
    '</sheetView></sheetViews>' +
    '<sheetFormatPr defaultRowHeight="15.75"/>' +
    `<cols>${cols}</cols>` +
    `<sheetData><row r="1" ht="48" customHeight="1">${header}</row>${rows}</sheetData>` +
    `<autoFilter ref="${range}"/>` +
    pageLayoutXml('landscape', `${table.title} - ${table.meetingTitle}`) +
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

function workbookXml(table: AttendanceTable): string {
  const sheet = LABELS.attendance.sheetName;
  const lastCol = columnName(table.columns.length - 1);
  const lastRow = table.rows.length + 1;
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
      `${sheetRef(sheet)}!$A$1:$${lastCol}$${lastRow}`,
    )}</definedName>` +
    // Repeat the header row at the top of every printed page.
    `<definedName name="_xlnm.Print_Titles" localSheetId="0">${xmlText(`${sheetRef(sheet)}!$1:$1`)}</definedName>` +
    '</definedNames>' +
    '</workbook>'
  );
}

export function renderAttendanceXlsx(record: MeetingRecord): Uint8Array {
  const table = buildAttendanceTable(record);
  const created = toW3cdtf(parseInstant(record.generatedAt, 'generatedAt'));
  return zipDeterministic(
    [
      [
        '[Content_Types].xml',
        contentTypesXml([
          ['/xl/workbook.xml', CONTENT_TYPES.workbook],
          ['/xl/worksheets/sheet1.xml', CONTENT_TYPES.worksheet],
          ['/xl/worksheets/sheet2.xml', CONTENT_TYPES.worksheet],
          ['/xl/styles.xml', CONTENT_TYPES.sheetStyles],
          ['/docProps/core.xml', CONTENT_TYPES.core],
          ['/docProps/app.xml', CONTENT_TYPES.app],
        ]),
      ],
      ['_rels/.rels', packageRelsXml('xl/workbook.xml')],
      [
        'docProps/core.xml',
        corePropsXml({ title: `${table.title} - ${record.title}`, createdW3c: created }),
      ],
      ['docProps/app.xml', appPropsXml()],
      ['xl/workbook.xml', workbookXml(table)],
      [
        'xl/_rels/workbook.xml.rels',
        relationshipsXml([
          ['rId1', REL_TYPES.worksheet, 'worksheets/sheet1.xml'],
          ['rId2', REL_TYPES.worksheet, 'worksheets/sheet2.xml'],
          ['rId3', REL_TYPES.styles, 'styles.xml'],
        ]),
      ],
      ['xl/styles.xml', stylesXml()],
      ['xl/worksheets/sheet1.xml', attendanceSheetXml(table)],
      ['xl/worksheets/sheet2.xml', summarySheetXml(table)],
    ],
    table.generatedAt,
  );
}
