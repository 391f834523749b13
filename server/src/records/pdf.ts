import PDFDocument from 'pdfkit';
import type { MeetingRecord } from './MeetingRecord.js';
import {
  buildMinutesDocument,
  type MinutesDocument,
  type MinutesParagraph,
  paragraphText,
} from './MinutesDocument.js';
import { serifFonts } from './pdfFonts.js';

/**
 * The minutes as an A4 PDF laid out per Decree 30/2020/NĐ-CP, Appendix I, rendered with pdfkit.
 *
 * - Margins: top 20 mm, bottom 20 mm, left 30 mm, right 15 mm (the decree's lower bounds, the same
 *   as the DOCX). Page numbers centred in the top margin from page 2 on, 13 pt.
 * - Liberation Serif (metric-compatible with Times New Roman) embedded as subsets, full Vietnamese.
 * - Sizes: issuing bodies and national name 13 pt upper case (the issuing body and the national
 *   name bold), motto 14 pt bold, number 13 pt, place and date 14 pt italic, "BIÊN BẢN" and the
 *   subject 14 pt bold, body 14 pt justified with a 1 cm first-line indent, 6 pt between paragraphs,
 *   signature labels 14 pt bold, hint 14 pt italic, signer's name 14 pt bold.
 * - SIGNATURE_ROOM_MM of blank space between hint and name in each signature block, so the
 *   digital signature's appearance (or a handwritten one and the seal) fits without covering text.
 * - PDF/A-2b as far as pdfkit goes: XMP metadata with pdfaid part 2 / conformance B, every font
 *   embedded, an sRGB output intent, a document ID; no transparency, no encryption, no JavaScript.
 *   Not covered: no validator (veraPDF is not in Debian) has checked it; the "b" level only, no
 *   tagged structure ("a" level) and no PDF/UA.
 * - Deterministic: the creation date is the record's generatedAt and pdfkit derives the file ID
 *   from the document info, so the same record gives the same bytes.
 */

const MM = 72 / 25.4;
export const PDF_PAGE = {
  width: 595.28,
  height: 841.89,
  top: 20 * MM,
  bottom: 20 * MM,
  left: 30 * MM,
  right: 15 * MM,
  /** Baseline area of the page number: 10 mm from the top edge. */
  headerDistance: 10 * MM,
} as const;
export const SIGNATURE_ROOM_MM = 30;

const BODY = 14;
const HEAD = 13;
const LINE_GAP = 3;
const PARA_BEFORE = 6;
const SECTION_BEFORE = 12;
const INDENT = 10 * MM;
const TEXT_WIDTH = PDF_PAGE.width - PDF_PAGE.left - PDF_PAGE.right;
/** The header block's left column (issuing body, number); the rest is the right column. */
const HEAD_LEFT = 65 * MM;

type Face = 'regular' | 'bold' | 'italic' | 'boldItalic';
export type Doc = InstanceType<typeof PDFDocument>;

const faceOf = (bold?: boolean, italic?: boolean): Face =>
  bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular';

/** pdfkit copies document info into XMP without escaping: keep markup characters out of it. */
const metaText = (s: string) =>
  s
    .replace(/[<>&"]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** What a PDF's metadata says about it (document info and the XMP pdfkit derives from it). */
export interface PdfMeta {
  title: string;
  subject: string;
  author: string;
  generatedAt: number;
  language: string;
}

/**
 * A pdfkit document with the records' conventions: A4, PDF/A-2b, Liberation Serif registered as
 * 'regular' | 'bold' | 'italic' | 'boldItalic', pages buffered (for page numbers), the creation
 * date taken from the record so the same record gives the same bytes.
 */
export function newRecordPdf(
  meta: PdfMeta,
  page: {
    layout: 'portrait' | 'landscape';
    margins: { top: number; bottom: number; left: number; right: number };
  },
): Doc {
  const fonts = serifFonts();
  const pdf = new PDFDocument({
    size: 'A4',
    layout: page.layout,
    margins: page.margins,
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: '1.7',
    subset: 'PDF/A-2b',
    lang: meta.language,
    displayTitle: true,
    font: fonts.regular as unknown as string,
    info: {
      Title: metaText(meta.title),
      Subject: metaText(meta.subject),
      Author: metaText(meta.author),
      Creator: 'GiaoBan',
      Producer: 'GiaoBan (pdfkit)',
      // No ModDate: pdfkit's XMP has no xmp:ModifyDate to match it, which PDF/A requires.
      CreationDate: new Date(meta.generatedAt),
    },
  });
  pdf.registerFont('regular', fonts.regular);
  pdf.registerFont('bold', fonts.bold);
  pdf.registerFont('italic', fonts.italic);
  pdf.registerFont('boldItalic', fonts.boldItalic);
  pdf.font('regular');
  return pdf;
}

function newDocument(doc: MinutesDocument): Doc {
  return newRecordPdf(doc.meta, {
    layout: 'portrait',
    margins: {
      top: PDF_PAGE.top,
      bottom: PDF_PAGE.bottom,
      left: PDF_PAGE.left,
      right: PDF_PAGE.right,
    },
  });
}

export function collect(pdf: Doc): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    pdf.on('error', reject);
  });
}

const bottomOf = (pdf: Doc) => pdf.page.height - pdf.page.margins.bottom;

/** Height of a paragraph at `width`, measured in its dominant face. */
function heightOf(pdf: Doc, p: MinutesParagraph, width = TEXT_WIDTH): number {
  const face = faceOf(p.runs[0]?.bold, p.runs[0]?.italic);
  pdf.font(face).fontSize(BODY);
  return pdf.heightOfString(paragraphText(p) || ' ', {
    width,
    indent: p.indent * INDENT,
    lineGap: LINE_GAP,
  });
}

function lineHeight(pdf: Doc, size = BODY): number {
  pdf.font('regular').fontSize(size);
  return pdf.currentLineHeight(true) + LINE_GAP;
}

function writeParagraph(pdf: Doc, p: MinutesParagraph, x = PDF_PAGE.left, width = TEXT_WIDTH) {
  const runs = p.runs.filter((r) => r.text !== '');
  if (runs.length === 0) return;
  runs.forEach((r, i) => {
    pdf.font(faceOf(r.bold, r.italic)).fontSize(BODY);
    const opts = {
      width,
      align: p.align === 'both' ? ('justify' as const) : p.align,
      indent: p.indent * INDENT,
      lineGap: LINE_GAP,
      continued: i < runs.length - 1,
    };
    if (i === 0) pdf.text(r.text, x, pdf.y, opts);
    else pdf.text(r.text, opts);
  });
}

/** One centred line (or lines) in a column of the header or signature blocks. */
export function centred(
  pdf: Doc,
  text: string,
  x: number,
  y: number,
  width: number,
  size: number,
  face: Face,
): number {
  pdf.font(face).fontSize(size);
  pdf.text(text, x, y, { width, align: 'center', lineGap: 0 });
  return pdf.y;
}

/** A short centred rule under a header-block line. */
export function rule(pdf: Doc, x: number, width: number, length: number, y: number): number {
  const from = x + (width - length) / 2;
  pdf
    .moveTo(from, y + 1)
    .lineTo(from + length, y + 1)
    .lineWidth(0.6)
    .strokeColor('#000000')
    .stroke();
  return y + 4;
}

function headerBlock(pdf: Doc, doc: MinutesDocument): void {
  const h = doc.header;
  const top = PDF_PAGE.top;
  const leftX = PDF_PAGE.left;
  const rightX = leftX + HEAD_LEFT;
  const rightW = TEXT_WIDTH - HEAD_LEFT;
  let ly = top;
  if (h.parentBody) ly = centred(pdf, h.parentBody, leftX, ly, HEAD_LEFT, HEAD, 'regular');
  ly = centred(pdf, h.issuingBody, leftX, ly, HEAD_LEFT, HEAD, 'bold');
  ly = rule(pdf, leftX, HEAD_LEFT, 23 * MM, ly);
  let ry = centred(pdf, h.nationalName, rightX, top, rightW, HEAD, 'bold');
  ry = centred(pdf, h.motto, rightX, ry, rightW, BODY, 'bold');
  ry = rule(pdf, rightX, rightW, 69 * MM, ry);
  const row2 = Math.max(ly, ry) + PARA_BEFORE;
  const ny = centred(pdf, h.number, leftX, row2, HEAD_LEFT, HEAD, 'regular');
  const dy = centred(pdf, h.placeDate, rightX, row2, rightW, BODY, 'italic');
  pdf.y = Math.max(ny, dy);
}

function signatureBlocks(pdf: Doc, doc: MinutesDocument): void {
  const n = doc.signatures.length;
  const colW = TEXT_WIDTH / n;
  const room = SIGNATURE_ROOM_MM * MM;
  const needed = lineHeight(pdf) * 3 + room + PARA_BEFORE;
  if (pdf.y + needed > bottomOf(pdf)) pdf.addPage();
  const top = pdf.y + PARA_BEFORE;
  let bottom = top;
  doc.signatures.forEach((s, i) => {
    const x = PDF_PAGE.left + i * colW;
    let y = centred(pdf, s.label, x, top, colW, BODY, 'bold');
    y = centred(pdf, s.hint, x, y, colW, BODY, 'italic');
    y = centred(pdf, s.name, x, y + room, colW, BODY, 'bold');
    bottom = Math.max(bottom, y);
  });
  pdf.x = PDF_PAGE.left;
  pdf.y = bottom;
}

function pageNumbers(pdf: Doc): void {
  const range = pdf.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const saved = pdf.page.margins.top;
    pdf.page.margins.top = 0;
    pdf.font('regular').fontSize(HEAD);
    pdf.text(String(i + 1), PDF_PAGE.left, PDF_PAGE.headerDistance, {
      width: TEXT_WIDTH,
      align: 'center',
      lineBreak: false,
    });
    pdf.page.margins.top = saved;
  }
}

export function renderMinutesPdfDocument(doc: MinutesDocument): Promise<Uint8Array> {
  const pdf = newDocument(doc);
  const out = collect(pdf);
  headerBlock(pdf, doc);

  pdf.y += 24;
  centred(pdf, doc.title, PDF_PAGE.left, pdf.y, TEXT_WIDTH, BODY, 'bold');
  centred(pdf, doc.subject, PDF_PAGE.left, pdf.y, TEXT_WIDTH, BODY, 'bold');
  pdf.y += 12 - PARA_BEFORE;

  const body = [...doc.body, doc.closing];
  body.forEach((p, i) => {
    pdf.y += p.spaceBefore === 'section' ? SECTION_BEFORE : PARA_BEFORE;
    const next = body[i + 1];
    // keep-with-next: a heading never ends a page; the closing line stays with the signatures.
    if (p.keepNext) {
      const after =
        p === doc.closing
          ? lineHeight(pdf) * 3 + SIGNATURE_ROOM_MM * MM
          : next
            ? Math.min(heightOf(pdf, next), lineHeight(pdf) * 2)
            : 0;
      if (pdf.y + heightOf(pdf, p) + after > bottomOf(pdf)) pdf.addPage();
    }
    writeParagraph(pdf, p);
  });
  signatureBlocks(pdf, doc);
  pageNumbers(pdf);
  pdf.end();
  return out;
}

export async function renderMinutesPdf(record: MeetingRecord): Promise<Uint8Array> {
  return renderMinutesPdfDocument(buildMinutesDocument(record));
}
