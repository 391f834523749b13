import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildFixture, nationalRecord, SCRIPT_NAME } from './fixture.js';
import { renderAttendancePdf, renderRecordDocument } from './index.js';
import { pdfInfo, pdfText, pdfWords } from './testkit.js';

describe('renderAttendancePdf (the attendance handout)', () => {
  const { record } = buildFixture();
  let pdf: Uint8Array;
  let text: string;
  beforeAll(async () => {
    pdf = await renderAttendancePdf(record);
    text = await pdfText(pdf);
  });
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  test('is A4 landscape with Liberation Serif embedded and PDF/A-2b identification', async () => {
    const { info, fonts } = await pdfInfo(pdf);
    expect(info.get('Page size')).toMatch(/^841\.8\d? x 595\.2\d? pts \(A4\)/);
    for (const row of fonts) expect(row, row).toMatch(/\+LiberationSerif.*\byes\s+yes\s+yes\b/);
    expect(Buffer.from(pdf).toString('latin1')).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
  });

  test('prints the agency header, title block, STT rows, summary and the signature', () => {
    const lines = text.split('\n').map((l) => l.trim());
    for (const l of [
      'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'BÁO CÁO ĐIỂM DANH CÁC ĐIỂM CẦU',
      'Cuộc họp giao ban trực tuyến tháng 11/2026',
      'Hà Nội, ngày 26 tháng 11 năm 2026',
      'NGƯỜI LẬP BIỂU',
      '(Ký, ghi rõ họ tên)',
      SCRIPT_NAME,
      'Trang 1/2',
    ]) {
      expect(lines, l).toContain(l);
    }
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Tổng hợp: triệu tập 7 điểm cầu; có mặt 4 điểm cầu (đúng giờ 2, đến muộn 1, về sớm 1)',
    );
    expect(text).toMatch(/Thời gian: 08 giờ 02 phút, ngày 26 tháng 11 năm 2026/);
  });

  test('keeps every cell inside its column and row, STT in order', async () => {
    const words = await pdfWords(pdf, 1);
    const header = (w: string) => words.find((x) => x.text === w)!;
    const stt = header('STT');
    const name = header('Phường');
    // STT numbers sit under "STT", one per row, top to bottom.
    const numbers = words.filter(
      (w) => /^[1-7]$/.test(w.text) && w.xMax <= stt.xMax + 4 && w.yMin > stt.yMax,
    );
    expect(numbers.map((w) => w.text)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    // A wrapped name never runs into the status column: "Hoàn Kiếm" breaks inside its cell.
    const status = words.find((w) => w.text === 'Đúng')!;
    const summary = words.find((w) => w.text === 'Tổng')!;
    const cells = words.filter(
      (x) => x.yMin > stt.yMax && x.yMax < summary.yMin && x.xMin >= name.xMin - 1,
    );
    expect(cells.length).toBeGreaterThan(20);
    for (const w of cells) {
      if (w.xMin < status.xMin - 2) expect(w.xMax, w.text).toBeLessThan(status.xMin);
    }
  });

  test('is byte-identical for the same record, whatever the server time zone', async () => {
    process.env.TZ = 'UTC';
    const a = await renderAttendancePdf(buildFixture().record);
    process.env.TZ = 'America/New_York';
    const b = await renderAttendancePdf(buildFixture().record);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  test('a national call repeats the table header on every page and numbers them all', async () => {
    const national = nationalRecord();
    const doc = await renderRecordDocument(national, 'attendance.pdf');
    expect(doc.fileName).toBe('DiemDanh-2026-11-26.pdf');
    expect(doc.mediaType).toBe('application/pdf');
    const pages = (await pdfText(doc.bytes)).split('\f').filter((p) => p.trim() !== '');
    expect(pages.length).toBeGreaterThan(100);
    pages.forEach((p, i) => {
      expect(p, `page ${i + 1}`).toContain(`Trang ${i + 1}/${pages.length}`);
      if (i < pages.length - 1) expect(p, `page ${i + 1}`).toMatch(/STT/);
    });
    expect(pages.join('')).toContain(String(national.attendance.length));
    expect(pages.at(-1)).toContain('NGƯỜI LẬP BIỂU');
  }, 120_000);
});
