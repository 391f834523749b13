import { describe, expect, it } from 'vitest';
import { buildAttendanceTable } from './AttendanceTable';
import { renderAttendanceCsv } from './csv';
import { buildFixture } from './fixture';

describe('attendance report: which sites reported and when (issue #14)', () => {
  it('has a "Báo cáo" column only when reports were asked, with on time, late and missing', () => {
    const { record } = buildFixture();
    expect(buildAttendanceTable(record).columns.map((c) => c.header)).not.toContain('Báo cáo');

    const [a, b, c] = record.attendance;
    record.briefing = {
      reports: {
        deadline: '2026-11-25T10:00:00.000Z',
        rows: [
          {
            siteId: a!.siteId,
            name: a!.name,
            status: 'submitted',
            submittedAt: '2026-11-25T08:05:00.000Z',
          },
          {
            siteId: b!.siteId,
            name: b!.name,
            status: 'late',
            submittedAt: '2026-11-25T10:20:00.000Z',
          },
          { siteId: c!.siteId, name: c!.name, status: 'missing' },
        ],
      },
    };
    const table = buildAttendanceTable(record);
    const col = table.columns.findIndex((x) => x.header === 'Báo cáo');
    expect(col).toBeGreaterThan(0);
    const cell = (i: number) => {
      const v = table.rows[i]![col]!;
      return v.kind === 'text' ? v.value : v.kind;
    };
    // Hà Nội time (UTC+7).
    expect(cell(0)).toBe('Đã nộp 25/11/2026 15:05');
    expect(cell(1)).toBe('Nộp muộn 25/11/2026 17:20');
    expect(cell(2)).toBe('Chưa nộp');
    // A site the request never listed (none here beyond three) is "not sent" too.
    if (table.rows.length > 3) expect(cell(3)).toBe('Chưa nộp');
    // Every format is built from the same table: the CSV says it too.
    const csv = renderAttendanceCsv(record);
    expect(csv).toContain('Báo cáo');
    expect(csv).toContain('Nộp muộn 25/11/2026 17:20');
  });
});
