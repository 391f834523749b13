import { describe, expect, test } from 'vitest';
import { buildFixture, HYPERLINK_NAME, SCRIPT_NAME } from './fixture.js';
import { renderAttendanceCsv } from './index.js';
import { RecordRenderError } from './RecordRenderError.js';
import { parseCsv } from './testkit.js';

describe('renderAttendanceCsv', () => {
  const { record, wards } = buildFixture();
  const csv = renderAttendanceCsv(record);
  const rows = parseCsv(csv.slice(1));
  const header = rows[0] ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    expect(i, name).toBeGreaterThanOrEqual(0);
    return i;
  };
  const siteRow = (code: string) => {
    const row = rows.find((r) => r[0] === code);
    if (!row) throw new Error(`no row for ${code}`);
    return row;
  };

  test('is UTF-8 with a BOM, CRLF line ends and equal-width RFC 4180 records', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(/[^\r]\n/.test(csv.replace(/"[^"]*"/g, ''))).toBe(false);
    const width = header.length;
    for (const r of rows) expect(r).toHaveLength(width);
  });

  test('has the columns in order with one column per roll-call round', () => {
    expect(header).toEqual([
      'Mã đơn vị',
      'Tên điểm cầu',
      'Trạng thái',
      'Vào lần đầu',
      'Rời lần cuối',
      'Số phút kết nối',
      'Số người dự',
      'Chủ trì tại điểm cầu',
      'Điểm danh lần 1 (08:03)',
      'Điểm danh lần 2 (09:30)',
      'Lý do vắng',
      'Ghi chú',
    ]);
  });

  test('prints one row per invited site with Vietnamese statuses and local times', () => {
    const [baDinh, ngocHa, giangVo, hoanKiem, cuaNam] = wards;
    const r1 = siteRow(baDinh?.Code ?? '');
    expect(r1[col('Tên điểm cầu')]).toBe(baDinh?.FullName);
    expect(r1[col('Trạng thái')]).toBe('Đúng giờ');
    expect(r1[col('Vào lần đầu')]).toBe('26/11/2026 07:55:10');
    expect(r1[col('Rời lần cuối')]).toBe('26/11/2026 10:05:00');
    expect(r1[col('Số phút kết nối')]).toBe('129');
    expect(r1[col('Số người dự')]).toBe('12');
    expect(r1[col('Chủ trì tại điểm cầu')]).toBe('Nguyễn Văn An');
    expect(r1[col('Điểm danh lần 1 (08:03)')]).toBe('Có mặt 08:03 (12 người)');

    const r2 = siteRow(ngocHa?.Code ?? '');
    expect(r2[col('Trạng thái')]).toBe('Đến muộn');
    expect(r2[col('Vào lần đầu')]).toBe('26/11/2026 08:12:30');
    expect(r2[col('Điểm danh lần 1 (08:03)')]).toBe('Không trả lời');
    expect(r2[col('Ghi chú')]).toBe('Mất kết nối 2 phút lúc 09:40');

    expect(siteRow(giangVo?.Code ?? '')[col('Trạng thái')]).toBe('Về sớm');
    expect(siteRow(giangVo?.Code ?? '')[col('Rời lần cuối')]).toBe('26/11/2026 09:10:45');

    const r4 = siteRow(hoanKiem?.Code ?? '');
    expect(r4[col('Trạng thái')]).toBe('Vắng có lý do');
    expect(r4[col('Lý do vắng')]).toBe('Trực phòng chống lụt bão');
    expect(r4[col('Vào lần đầu')]).toBe('');
    expect(siteRow(cuaNam?.Code ?? '')[col('Trạng thái')]).toBe('Vắng không lý do');

    const siteRows = rows.filter((r) => /^\d{5}$/.test(r[0] ?? ''));
    expect(siteRows.map((r) => r[0])).toEqual(record.attendance.map((a) => a.code));
  });

  test('neutralises cells a spreadsheet would run as formulas', () => {
    const evil = siteRow('99901');
    expect(evil[col('Tên điểm cầu')]).toBe(`'${HYPERLINK_NAME}`);
    expect(evil[col('Chủ trì tại điểm cầu')]).toBe("'@SUM(A1:A2)");
    expect(evil[col('Ghi chú')]).toBe("'+1 người đến sau");
    expect(siteRow(record.attendance[2]?.code ?? '')[col('Ghi chú')]).toBe(
      "'-Rời sớm để xử lý sự cố",
    );
    expect(siteRow('99902')[col('Ghi chú')]).toBe("'\tghi chú bắt đầu bằng tab");
    // The raw line quotes the field (it holds quotes and commas) and starts it with '=.
    expect(csv).toContain('"\'=HYPERLINK(""http://x"",""y"")"');
    for (const r of rows) {
      for (const field of r) expect(field).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  test('keeps markup as plain text (CSV is not HTML)', () => {
    expect(siteRow('99902')[col('Tên điểm cầu')]).toBe(SCRIPT_NAME);
  });

  test('quotes fields holding commas, quotes and line breaks', () => {
    const withBreak = buildFixture().record;
    const row = withBreak.attendance[0];
    if (row) row.note = 'Dòng 1\r\nDòng 2, "trích"';
    const parsed = parseCsv(renderAttendanceCsv(withBreak).slice(1));
    expect(parsed[1]?.[col('Ghi chú')]).toBe('Dòng 1\r\nDòng 2, "trích"');
  });

  test('ends with a summary block whose counts match the rows', () => {
    const summary = new Map(rows.map((r) => [r[0], r[1]]));
    expect(rows.some((r) => r[0] === 'TỔNG HỢP')).toBe(true);
    expect(summary.get('Số điểm cầu được triệu tập')).toBe('7');
    expect(summary.get('Số điểm cầu có mặt')).toBe('4');
    expect(summary.get('Trong đó: đúng giờ')).toBe('2');
    expect(summary.get('Trong đó: đến muộn')).toBe('1');
    expect(summary.get('Trong đó: về sớm')).toBe('1');
    expect(summary.get('Số điểm cầu vắng')).toBe('3');
    expect(summary.get('Trong đó: vắng có lý do')).toBe('2');
    expect(summary.get('Trong đó: vắng không lý do')).toBe('1');
    expect(summary.get('Tổng số người dự tại các điểm cầu')).toBe('28');
    expect(summary.get('Giờ bắt đầu thực tế')).toBe('26/11/2026 08:02:00');
    expect(summary.get('Thời điểm lập báo cáo')).toBe('26/11/2026 11:30:00');
  });

  test('is identical for the same record and changes when the record does', () => {
    expect(renderAttendanceCsv(buildFixture().record)).toBe(csv);
    const changed = buildFixture().record;
    changed.generatedAt = '2026-11-26T04:31:00.000Z';
    expect(renderAttendanceCsv(changed)).not.toBe(csv);
  });

  test('rejects a record it cannot print faithfully with a typed error', () => {
    const bad = buildFixture().record;
    const row = bad.attendance[1];
    if (row) row.firstJoinAt = 'yesterday';
    expect(() => renderAttendanceCsv(bad)).toThrow(RecordRenderError);
    expect(() => renderAttendanceCsv(bad)).toThrow(/attendance\[1\]\.firstJoinAt/);
    const badZone = { ...buildFixture().record, timeZone: 'Not/AZone' };
    expect(() => renderAttendanceCsv(badZone)).toThrow(RecordRenderError);
  });
});
