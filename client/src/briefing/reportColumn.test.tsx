import type { AttendanceRow, ReportBoard } from '@giaoban/shared';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttendanceTable } from '../components/AttendanceTable';
import PrintAttendance from '../screens/PrintAttendance';
import { meeting, renderWith, row } from '../test/fixtures';
import { reportColumnOf } from './reportColumn';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const rows: AttendanceRow[] = [
  row('00004', 'Phường Ba Đình', 'on_time'),
  row('00008', 'Phường Ngọc Hà', 'late'),
  row('00082', 'Phường Cửa Nam', 'absent_without_reason'),
];

// 01:15Z is 08:15 in Vietnam; 03:40Z is 10:40.
const board: ReportBoard = {
  request: {
    deadline: '2026-12-02T03:00:00.000Z',
    template: '',
    fields: [],
    requestedAt: '2026-12-01T01:00:00.000Z',
  },
  rows: [
    {
      siteId: '00004',
      code: '00004',
      name: 'Phường Ba Đình',
      status: 'submitted',
      submittedAt: '2026-12-02T01:15:00.000Z',
      version: 1,
      lastRemindedAt: null,
    },
    {
      siteId: '00008',
      code: '00008',
      name: 'Phường Ngọc Hà',
      status: 'late',
      submittedAt: '2026-12-02T03:40:00.000Z',
      version: 1,
      lastRemindedAt: null,
    },
    {
      siteId: '00082',
      code: '00082',
      name: 'Phường Cửa Nam',
      status: 'missing',
      submittedAt: null,
      version: 0,
      lastRemindedAt: '2026-12-02T02:00:00.000Z',
    },
  ],
  counts: { missing: 1, submitted: 1, late: 1 },
};

function table(reports: ReturnType<typeof reportColumnOf>) {
  return renderWith(
    <AttendanceTable
      rows={rows}
      filter="all"
      search=""
      sort={{ key: 'name', dir: 'asc' }}
      onFilter={() => {}}
      onSearch={() => {}}
      onSort={() => {}}
      reports={reports}
    />,
  );
}

describe('the report column of the attendance tables (issue #14)', () => {
  it('the live table says sent on time / late with the time, or not sent', () => {
    table(reportColumnOf(board));
    const head = screen.getByTestId('attendance-table').querySelector('thead')!;
    expect(head.textContent).toContain('Báo cáo');
    const cell = (id: string) =>
      within(screen.getByTestId(`attendance-row-${id}`)).getByTestId(`report-cell-${id}`);
    expect(cell('00004').textContent).toBe('Đã nộp 08:15 02/12/2026');
    expect(cell('00008').textContent).toBe('Nộp muộn 10:40 02/12/2026');
    expect(cell('00082').textContent).toBe('Chưa nộp');
    expect(cell('00008').dataset.report).toBe('late');
  });

  it('has no column when no report was asked', () => {
    table(reportColumnOf({ ...board, request: null }));
    expect(screen.getByTestId('attendance-table').textContent).not.toContain('Báo cáo');
    expect(screen.queryByTestId('report-cell-00004')).toBeNull();
    expect(reportColumnOf(null)).toBeNull();
  });

  it('a site the board does not list counts as not sent', () => {
    const col = reportColumnOf({ ...board, rows: [] })!;
    expect(col.of('00004')).toEqual({ status: 'missing', at: null });
  });

  function stubHub(reports: { status: number; body: unknown }) {
    const m = meeting();
    const fetch = vi.fn(async (url: string) => {
      const path = new URL(url).pathname;
      const json = (status: number, body: unknown) =>
        new Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json' },
        });
      if (path.endsWith('/attendance')) return json(200, rows);
      if (path.endsWith('/reports')) return json(reports.status, reports.body);
      return json(200, m);
    });
    vi.stubGlobal('fetch', fetch);
    return m;
  }

  it('the print page has the column, in the same words', async () => {
    const m = stubHub({ status: 200, body: board });
    renderWith(<PrintAttendance meetingId={m.id} />);
    await waitFor(() => expect(screen.getByTestId('print-report-00008')).toBeTruthy());
    expect(screen.getByTestId('print-table').querySelector('thead')!.textContent).toContain(
      'Báo cáo',
    );
    expect(screen.getByTestId('print-report-00004').textContent).toBe('Đã nộp 08:15 02/12/2026');
    expect(screen.getByTestId('print-report-00008').textContent).toBe('Nộp muộn 10:40 02/12/2026');
    expect(screen.getByTestId('print-report-00082').textContent).toBe('Chưa nộp');
  });

  it('the print page prints without the column when the board may not be read', async () => {
    const m = stubHub({ status: 403, body: { error: { code: 'FORBIDDEN', message: 'no' } } });
    renderWith(<PrintAttendance meetingId={m.id} />);
    await waitFor(() => expect(screen.getByTestId('print-row-00004')).toBeTruthy());
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId('print-table').textContent).not.toContain('Báo cáo');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
