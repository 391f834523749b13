import {
  type AttendanceHandout,
  buildAttendanceHandout,
  cellText,
  type HandoutColumn,
} from './AttendanceHandout.js';
import type { Cell } from './AttendanceTable.js';
import { LABELS } from './labels.js';
import type { MeetingRecord } from './MeetingRecord.js';
import { centred, collect, type Doc, newRecordPdf, rule } from './pdf.js';

/**
 * The attendance handout as an A4-landscape PDF (the same document the first sheet of the XLSX
 * prints): agency and national header, title block, the table with its header row repeated on
 * every page and every cell wrapped inside its column, the summary, the place and date and the
 * "Người lập biểu" signature with room to sign, "Trang n/N" at the foot of every page. Same
 * conventions as the minutes PDF (Liberation Serif embedded, PDF/A-2b, same record → same bytes).
 */

const MM = 72 / 25.4;
const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = { top: 15 * MM, bottom: 15 * MM, left: 20 * MM, right: 15 * MM };
const WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const TABLE_SIZE = 10;
const PAD = 3;
const HEAD_BLOCK = 95 * MM;
const SIGN_BLOCK = 95 * MM;
const SIGN_ROOM = 25 * MM;
const HEADER_FILL = '#d9e1f2';

interface Layout {
  x: number[];
  w: number[];
}

/**
 * Column widths in proportion to the spreadsheet's hints, but never narrower than the longest
 * word of the column's header (and, for STT, the largest number): the width the others lose.
 */
function columnsLayout(pdf: Doc, columns: HandoutColumn[], rows: number): Layout {
  pdf.font('bold').fontSize(TABLE_SIZE);
  const min = columns.map((c, i) => {
    const words = c.header.split(/\s+/);
    if (i === 0) words.push(String(rows));
    // pdfkit measures a word with the space after it when it wraps a line.
    return Math.max(...words.map((w) => pdf.widthOfString(`${w} `))) + 2 * PAD + 1;
  });
  let fixed = new Set<number>();
  let w: number[] = [];
  for (let pass = 0; pass < columns.length; pass++) {
    const free = WIDTH - [...fixed].reduce((a, i) => a + min[i]!, 0);
    const weight = columns.reduce((a, c, i) => a + (fixed.has(i) ? 0 : c.width), 0);
    w = columns.map((c, i) => (fixed.has(i) ? min[i]! : (c.width / weight) * free));
    const under = w.map((cw, i) => (cw < min[i]! ? i : -1)).filter((i) => i >= 0);
    if (under.length === 0) break;
    fixed = new Set([...fixed, ...under]);
  }
  const x: number[] = [];
  let at = MARGIN.left;
  for (const cw of w) {
    x.push(at);
    at += cw;
  }
  return { x, w };
}

const bottom = () => PAGE.height - MARGIN.bottom;

function cellHeight(pdf: Doc, text: string, width: number): number {
  if (text === '') return 0;
  return pdf.heightOfString(text, { width: width - 2 * PAD, lineGap: 0 });
}

function drawRow(
  pdf: Doc,
  layout: Layout,
  texts: string[],
  aligns: HandoutColumn['align'][],
  y: number,
  height: number,
  header: boolean,
): void {
  if (header) {
    pdf.rect(MARGIN.left, y, WIDTH, height).fillColor(HEADER_FILL).fill().fillColor('#000000');
  }
  pdf.lineWidth(0.5).strokeColor('#000000');
  texts.forEach((t, i) => {
    const x = layout.x[i]!;
    const w = layout.w[i]!;
    pdf.rect(x, y, w, height).stroke();
    if (t === '') return;
    const h = header ? cellHeight(pdf, t, w) : 0;
    pdf.text(t, x + PAD, header ? y + (height - h) / 2 : y + PAD, {
      width: w - 2 * PAD,
      align: header ? 'center' : aligns[i],
      lineGap: 0,
    });
  });
}

function headerBlock(pdf: Doc, h: AttendanceHandout): void {
  const top = MARGIN.top;
  const leftX = MARGIN.left;
  const rightX = PAGE.width - MARGIN.right - HEAD_BLOCK;
  let ly = top;
  if (h.header.parentBody)
    ly = centred(pdf, h.header.parentBody, leftX, ly, HEAD_BLOCK, 12, 'regular');
  ly = centred(pdf, h.header.issuingBody, leftX, ly, HEAD_BLOCK, 12, 'bold');
  ly = rule(pdf, leftX, HEAD_BLOCK, 20 * MM, ly);
  let ry = centred(pdf, h.header.nationalName, rightX, top, HEAD_BLOCK, 12, 'bold');
  ry = centred(pdf, h.header.motto, rightX, ry, HEAD_BLOCK, 13, 'bold');
  ry = rule(pdf, rightX, HEAD_BLOCK, 60 * MM, ry);
  let y = Math.max(ly, ry) + 12;
  y = centred(pdf, h.title, leftX, y, WIDTH, 14, 'bold');
  y = centred(pdf, h.subject, leftX, y, WIDTH, 13, 'bold');
  y = centred(pdf, h.when, leftX, y + 2, WIDTH, 12, 'italic');
  pdf.y = y + 8;
}

function table(pdf: Doc, h: AttendanceHandout): void {
  const layout = columnsLayout(pdf, h.columns, h.rows.length);
  const aligns = h.columns.map((c) => c.align);
  const headers = h.columns.map((c) => c.header);
  pdf.font('bold').fontSize(TABLE_SIZE);
  const headerHeight =
    Math.max(...headers.map((t, i) => cellHeight(pdf, t, layout.w[i]!))) + 2 * PAD;
  const header = (y: number) => {
    pdf.font('bold').fontSize(TABLE_SIZE);
    drawRow(pdf, layout, headers, aligns, y, headerHeight, true);
    pdf.font('regular').fontSize(TABLE_SIZE);
    return y + headerHeight;
  };
  pdf.font('regular').fontSize(TABLE_SIZE);
  const oneLine = pdf.currentLineHeight(true);
  let y = header(pdf.y);
  for (const row of h.rows) {
    const texts = row.map(cellText);
    const height =
      Math.max(
        oneLine,
        ...texts.map((t, i) =>
          // Numbers and times never wrap in their columns: one line, no measuring.
          (row[i] as Cell).kind === 'text' ? cellHeight(pdf, t, layout.w[i]!) : 0,
        ),
      ) +
      2 * PAD;
    if (y + height > bottom()) {
      pdf.addPage();
      y = header(MARGIN.top);
    }
    drawRow(pdf, layout, texts, aligns, y, height, false);
    y += height;
  }
  pdf.x = MARGIN.left;
  pdf.y = y;
}

function closingBlock(pdf: Doc, h: AttendanceHandout): void {
  pdf.font('regular').fontSize(12);
  const summaryHeight = pdf.heightOfString(h.summary, { width: WIDTH });
  if (pdf.y + 8 + summaryHeight > bottom()) pdf.addPage();
  else pdf.y += 8;
  pdf.text(h.summary, MARGIN.left, pdf.y, { width: WIDTH, align: 'justify' });
  const line = pdf.currentLineHeight(true);
  // The signature block stays in one piece: place and date, label, hint, room, name.
  if (pdf.y + 8 + line * 4 + SIGN_ROOM > bottom()) pdf.addPage();
  else pdf.y += 8;
  const x = PAGE.width - MARGIN.right - SIGN_BLOCK;
  let y = centred(pdf, h.placeDate, x, pdf.y, SIGN_BLOCK, 12, 'italic');
  y = centred(pdf, h.signer.label, x, y, SIGN_BLOCK, 12, 'bold');
  y = centred(pdf, h.signer.hint, x, y, SIGN_BLOCK, 12, 'italic');
  centred(pdf, h.signer.name, x, y + SIGN_ROOM, SIGN_BLOCK, 12, 'bold');
  pdf.x = MARGIN.left;
}

function pageFooters(pdf: Doc): void {
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    pdf.font('regular').fontSize(10);
    const text = LABELS.attendance.printFooter
      .replace('&P', String(i + 1))
      .replace('&N', String(range.count));
    pdf.text(text, MARGIN.left, PAGE.height - MARGIN.bottom + 4 * MM, {
      width: WIDTH,
      align: 'center',
      lineBreak: false,
    });
  }
}

export function renderAttendancePdfHandout(h: AttendanceHandout, record: MeetingRecord) {
  const pdf = newRecordPdf(
    {
      title: `${h.title} - ${record.title}`,
      subject: h.subject,
      author: record.issuingBody || LABELS.app,
      generatedAt: Date.parse(record.generatedAt),
      language: 'vi-VN',
    },
    // No bottom margin for pdfkit: the table breaks its pages itself (bottom()), and pdfkit would
    // otherwise start a page of its own when a cell's last line touches the margin.
    { layout: 'landscape', margins: { ...MARGIN, bottom: 0 } },
  );
  const out = collect(pdf);
  headerBlock(pdf, h);
  table(pdf, h);
  closingBlock(pdf, h);
  pageFooters(pdf);
  pdf.end();
  return out;
}

export function renderAttendancePdf(record: MeetingRecord): Promise<Uint8Array> {
  return renderAttendancePdfHandout(buildAttendanceHandout(record), record);
}
