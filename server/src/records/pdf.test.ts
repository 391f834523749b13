import { beforeAll, describe, expect, test } from 'vitest';
import { buildFixture, SCRIPT_NAME } from './fixture.js';
import { renderMinutesDocx, renderMinutesPdf } from './index.js';
import { SIGNATURE_ROOM_MM } from './pdf.js';
import { RecordRenderError } from './RecordRenderError.js';
import { libreOfficeToPdf, pdfInfo, pdfText, pdfWords } from './testkit.js';

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
/** Text with page numbers (lines holding only digits) and every blank removed. */
const squeeze = (text: string) =>
  text
    .split('\n')
    .filter((l) => !/^\s*\d+\s*$/.test(l))
    .join('')
    .replace(/\s+/g, '');

describe('renderMinutesPdf', () => {
  const { record } = buildFixture();
  let pdf: Uint8Array;
  let text: string;
  beforeAll(async () => {
    pdf = await renderMinutesPdf(record);
    text = await pdfText(pdf);
  });

  test('is an A4 PDF with every font embedded: Liberation Serif, Unicode-mapped', async () => {
    const { info, fonts } = await pdfInfo(pdf);
    expect(info.get('Page size')).toMatch(/^595\.2\d? x 841\.8\d? pts \(A4\)/);
    expect(info.get('Encrypted')).toBe('no');
    expect(info.get('JavaScript')).toBe('no');
    expect(fonts.length).toBeGreaterThanOrEqual(3);
    for (const row of fonts) {
      // name type encoding emb sub uni: "yes yes yes"
      expect(row, row).toMatch(
        /\+LiberationSerif(-Bold|-Italic|-BoldItalic)?\s.*\byes\s+yes\s+yes\b/,
      );
    }
  });

  test('carries PDF/A-2b identification, an sRGB output intent and a document ID', () => {
    const raw = latin1(pdf);
    expect(raw.startsWith('%PDF-1.7')).toBe(true);
    expect(raw).toMatch(
      /<pdfaid:part>2<\/pdfaid:part>\s*<pdfaid:conformance>B<\/pdfaid:conformance>/,
    );
    expect(raw).toMatch(/\/Type \/Metadata\s*\/Subtype \/XML/);
    expect(raw).toMatch(/\/S \/GTS_PDFA1/);
    expect(raw).toMatch(/\/OutputIntents \[\d+ 0 R\]/);
    expect(raw).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
    // The info dictionary has no ModDate that the XMP would have to repeat.
    expect(raw).not.toContain('/ModDate');
  });

  test('prints the header block, title, numbered items, closing line and signatures', () => {
    const lines = text.split('\n').map((l) => l.trim());
    expect(squeeze(text)).toContain(squeeze('ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI'));
    for (const l of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 12/BB-UBND',
      'Hà Nội, ngày 26 tháng 11 năm 2026',
      'BIÊN BẢN',
      'Cuộc họp giao ban trực tuyến tháng 11/2026',
      '- Địa điểm: điểm cầu chính tại Trụ sở UBND Thành phố.',
      '1. Tình hình kinh tế - xã hội tháng 11',
      '2. Công tác chuẩn bị Tết',
      '3. Nội dung không kịp trình bày',
      'Cuộc họp kết thúc vào lúc 10 giờ 05 phút cùng ngày./.',
    ]) {
      expect(lines, l).toContain(l);
    }
    const flat = squeeze(text);
    const signatures = flat.slice(flat.indexOf('THƯKÝ'));
    expect(signatures).toContain('CHỦTRÌ');
    expect(signatures).toContain(squeeze(SCRIPT_NAME));
    expect(signatures).toContain('PhạmMinhChính');
  });

  test('leaves room for the signature appearance between the hint and the signer', async () => {
    const pages = Number((await pdfInfo(pdf)).info.get('Pages'));
    const words = await pdfWords(pdf, pages);
    const hint = words.filter((w) => w.text === 'tên)').at(-1);
    const name = words.filter((w) => w.text === 'Chính').at(-1);
    expect(hint && name).toBeTruthy();
    const gapMm = ((name!.yMin - hint!.yMax) * 25.4) / 72;
    expect(gapMm).toBeGreaterThanOrEqual(SIGNATURE_ROOM_MM);
  });

  test('numbers pages from page 2, centred in the top margin', async () => {
    const { info } = await pdfInfo(pdf);
    expect(Number(info.get('Pages'))).toBeGreaterThanOrEqual(2);
    const layout = await pdfText(pdf, true);
    const pages = layout.split('\f');
    expect(pages[0]!.trimStart().startsWith('ỦY BAN')).toBe(true);
    expect(pages[1]!.split('\n')[0]!.trim()).toBe('2');
  });

  test('is byte-identical for the same record, whatever the server time zone', async () => {
    process.env.TZ = 'Europe/London';
    const again = await renderMinutesPdf(buildFixture().record);
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    expect(Buffer.from(again).equals(Buffer.from(pdf))).toBe(true);
    const changed = buildFixture().record;
    changed.agenda[0]!.conclusions = 'Kết luận đã sửa.';
    expect(Buffer.from(await renderMinutesPdf(changed)).equals(Buffer.from(pdf))).toBe(false);
  });

  test('rejects an unknown time zone with a typed error', async () => {
    await expect(renderMinutesPdf({ ...record, timeZone: 'Nowhere/City' })).rejects.toThrow(
      RecordRenderError,
    );
  });
});

describe('the PDF and the DOCX of the same meeting', () => {
  test('say the same thing on the same number of pages (DOCX through LibreOffice)', async () => {
    const { record } = buildFixture();
    record.parentBody = 'Thành ủy Hà Nội';
    const ours = await renderMinutesPdf(record);
    const office = await libreOfficeToPdf(renderMinutesDocx(record), 'docx');
    const [a, b] = [await pdfText(ours), await pdfText(office)];
    // Reading order differs only inside the two-column header block; from the title on, the two
    // documents hold the same characters in the same order.
    const body = (t: string) => squeeze(t.slice(t.indexOf('BIÊN BẢN')));
    expect(body(a)).toBe(body(b));
    expect(body(a)).toContain('1.Tìnhhìnhkinhtế');
    // The header block, column by column: left of the 65 mm mark and right of it, above the title.
    for (const doc of [ours, office]) {
      const words = await pdfWords(doc, 1);
      const title = words.find((w) => w.text === 'BIÊN')!;
      const split = ((30 + 65) * 72) / 25.4;
      const column = (left: boolean) =>
        words
          .filter((w) => w.yMax <= title.yMin && (left ? w.xMax <= split : w.xMin >= split))
          // top to bottom (same line within 2 pt), then left to right
          .sort((x, y) => (Math.abs(x.yMin - y.yMin) > 2 ? x.yMin - y.yMin : x.xMin - y.xMin))
          .map((w) => w.text)
          .join(' ');
      expect(column(true)).toBe('THÀNH ỦY HÀ NỘI ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI Số: 12/BB-UBND');
      expect(column(false)).toBe(
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Hà Nội, ngày 26 tháng 11 năm 2026',
      );
    }
    const pages = async (p: Uint8Array) => Number((await pdfInfo(p)).info.get('Pages'));
    expect(await pages(ours)).toBe(await pages(office));
  }, 180_000);
});
