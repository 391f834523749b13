import { describe, expect, test } from 'vitest';
import { buildFixture, nationalRecord } from './fixture.js';
import {
  RECORD_MEDIA_TYPES,
  recordFileName,
  renderAttendanceCsv,
  renderAttendanceXlsx,
  renderMinutesDocx,
} from './index.js';
import { all, one, openZip, parseCsv } from './testkit.js';

const S = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

describe('records module', () => {
  test('names files after the meeting day and the number, safe for Content-Disposition', () => {
    const r = buildFixture().record;
    expect(recordFileName(r, 'minutes', 'pdf')).toBe('BienBan-2026-11-26-12-BB-UBND.pdf');
    expect(recordFileName(r, 'attendance', 'xlsx')).toBe('DiemDanh-2026-11-26.xlsx');
    // The local day: 23:30 on the 25th UTC is the 26th in Hà Nội.
    const late = { ...r, startedAt: '2026-11-25T23:30:00.000Z', documentNumber: undefined };
    expect(recordFileName(late, 'minutes', 'docx')).toBe('BienBan-2026-11-26.docx');
    const hostile = { ...r, documentNumber: '../"Số 5"\r\n;/BB-UBĐ' };
    expect(recordFileName(hostile, 'minutes', 'pdf')).toBe('BienBan-2026-11-26-So-5-BB-UBD.pdf');
    expect(RECORD_MEDIA_TYPES.xlsx).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
  });

  test('renders a national call with every ward of the country', async () => {
    const record = nationalRecord();
    const n = record.attendance.length;
    expect(n).toBe(3321);
    const present = record.attendance.filter((r) => !r.status.startsWith('absent'));
    const headcount = present.reduce((s, r) => s + (r.headcount ?? 0), 0);

    const csv = parseCsv(renderAttendanceCsv(record).slice(1));
    expect(csv.filter((r) => /^\d{5}$/.test(r[0] ?? ''))).toHaveLength(n);
    const summary = new Map(csv.map((r) => [r[0], r[1]]));
    expect(summary.get('Số điểm cầu được triệu tập')).toBe(String(n));
    expect(summary.get('Số điểm cầu có mặt')).toBe(String(present.length));
    expect(summary.get('Tổng số người dự tại các điểm cầu')).toBe(String(headcount));

    const sheet = await openZip(renderAttendanceXlsx(record)).xml('xl/worksheets/sheet1.xml');
    // Title block (7 rows), header, n sites, then summary and signature (8 rows).
    expect(all(sheet, S, 'row').length).toBe(n + 16);
    expect(one(sheet, S, 'autoFilter').getAttribute('ref')).toBe(`A8:K${n + 8}`);

    const doc = await openZip(renderMinutesDocx(record)).xml('word/document.xml');
    const text = all(doc, W, 't')
      .map((t) => t.textContent)
      .join('');
    // Counts in Vietnamese grouping ("3.321"), as a secretary writes them.
    const vn = (x: number) => String(x).replace(/\B(?=(\d{3})+$)/g, '.');
    expect(vn(3321)).toBe('3.321');
    expect(text).toContain(`kết nối với ${vn(present.length)} điểm cầu`);
    expect(text).toContain(`triệu tập 3.321 điểm cầu`);
    expect(text).toContain(`với tổng số ${vn(headcount)} người dự`);
    expect(headcount).toBeGreaterThan(999);
    // A national call's absent sites stay listed, densely: one paragraph per kind, not a line each.
    const absentWithout = record.attendance.filter((r) => r.status === 'absent_without_reason');
    expect(text).toContain(`Vắng không có lý do (${vn(absentWithout.length)} điểm cầu): `);
    expect(text).toContain(`${absentWithout[0]!.name}, ${absentWithout[1]!.name}`);
    expect(all(doc, W, 'p').length).toBeLessThan(100);
    // Parsing a 3,322-row sheet with jsdom takes seconds on a loaded machine.
  }, 120_000);
});
