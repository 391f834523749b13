import { xmlText } from './xml.js';

/**
 * Small WordprocessingML builders. Child elements are emitted in the order the schema requires
 * (CT_PPr, CT_RPr, CT_TblPr), which Word enforces even though most XML readers do not.
 */
export const NS_W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
export const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** Twentieths of a point per millimetre. */
const TWIPS_PER_MM = 1440 / 25.4;
export const mmToTwips = (mm: number): number => Math.round(mm * TWIPS_PER_MM);

export interface RunStyle {
  bold?: boolean;
  italic?: boolean;
  /** Size in half-points (28 = 14 pt). */
  size?: number;
}

export interface ParagraphStyle {
  align?: 'left' | 'center' | 'right' | 'both';
  /** First-line indent in twips. */
  firstLine?: number;
  left?: number;
  right?: number;
  /** Spacing before/after in twips; line in 240ths of a line. */
  before?: number;
  after?: number;
  line?: number;
  lineExact?: boolean;
  keepNext?: boolean;
  keepLines?: boolean;
  /** A horizontal rule drawn along the top edge of the paragraph. */
  ruleAbove?: boolean;
}

export function run(text: string, style: RunStyle = {}): string {
  const props =
    (style.bold ? '<w:b/><w:bCs/>' : '') +
    (style.italic ? '<w:i/><w:iCs/>' : '') +
    (style.size ? `<w:sz w:val="${style.size}"/><w:szCs w:val="${style.size}"/>` : '');
  return `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ''}<w:t xml:space="preserve">${xmlText(text)}</w:t></w:r>`;
}

export function paragraph(runs: string | readonly string[], style: ParagraphStyle = {}): string {
  let props = '';
  if (style.keepNext) props += '<w:keepNext/>';
  if (style.keepLines) props += '<w:keepLines/>';
  if (style.ruleAbove) {
    props += '<w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>';
  }
  if (style.before !== undefined || style.after !== undefined || style.line !== undefined) {
    props +=
      '<w:spacing' +
      (style.before !== undefined ? ` w:before="${style.before}"` : '') +
      (style.after !== undefined ? ` w:after="${style.after}"` : '') +
      (style.line !== undefined
        ? ` w:line="${style.line}" w:lineRule="${style.lineExact ? 'exact' : 'auto'}"`
        : '') +
      '/>';
  }
  if (style.firstLine !== undefined || style.left !== undefined || style.right !== undefined) {
    props +=
      '<w:ind' +
      (style.left !== undefined ? ` w:left="${style.left}"` : '') +
      (style.right !== undefined ? ` w:right="${style.right}"` : '') +
      (style.firstLine !== undefined ? ` w:firstLine="${style.firstLine}"` : '') +
      '/>';
  }
  if (style.align) props += `<w:jc w:val="${style.align}"/>`;
  const body = typeof runs === 'string' ? runs : runs.join('');
  return `<w:p>${props ? `<w:pPr>${props}</w:pPr>` : ''}${body}</w:p>`;
}

/** A PAGE field; `shown` is the cached value displayed before the reader updates fields. */
export function pageNumberField(shown: string): string {
  return (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' +
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>' +
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' +
    `<w:r><w:t>${shown}</w:t></w:r>` +
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
  );
}

/**
 * A borderless table of fixed-width columns, used for layout (header block, signatures) the way
 * administrative templates do it. Each cell is a list of paragraphs.
 */
export function layoutTable(
  widths: readonly number[],
  rows: ReadonlyArray<ReadonlyArray<readonly string[]>>,
  opts: { cantSplit?: boolean } = {},
): string {
  const total = widths.reduce((a, b) => a + b, 0);
  const none = (side: string) => `<w:${side} w:val="nil"/>`;
  const tblPr =
    '<w:tblPr>' +
    `<w:tblW w:w="${total}" w:type="dxa"/>` +
    '<w:jc w:val="center"/>' +
    '<w:tblBorders>' +
    ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map(none).join('') +
    '</w:tblBorders>' +
    '<w:tblLayout w:type="fixed"/>' +
    '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>' +
    '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>' +
    '</w:tblPr>';
  const grid = `<w:tblGrid>${widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`;
  const trs = rows
    .map(
      (cells) =>
        '<w:tr>' +
        (opts.cantSplit ? '<w:trPr><w:cantSplit/></w:trPr>' : '') +
        cells
          .map((paras, i) => {
            // A cell must end with a paragraph.
            const content = paras.length > 0 ? paras.join('') : paragraph('');
            return `<w:tc><w:tcPr><w:tcW w:w="${widths[i] ?? 0}" w:type="dxa"/></w:tcPr>${content}</w:tc>`;
          })
          .join('') +
        '</w:tr>',
    )
    .join('');
  return `<w:tbl>${tblPr}${grid}${trs}</w:tbl>`;
}
