import type { AttendanceRow } from '@giaoban/shared';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoardFilter, BoardSort } from '../lib/attendanceBoard';
import { countBoard } from '../lib/attendanceBoard';
import { CountCards } from '../screens/SecretaryConsole';
import { renderWith, row } from '../test/fixtures';
import { AttendanceTable } from './AttendanceTable';

afterEach(cleanup);

const rows: AttendanceRow[] = [
  row('00004', 'Phường Ba Đình', 'on_time', {
    intervals: [{ joinAt: '2026-11-26T08:00:00Z' }],
    minutesConnected: 40,
    headcount: 12,
  }),
  row('00008', 'Phường Ngọc Hà', 'late', {
    intervals: [{ joinAt: '2026-11-26T08:20:00Z' }],
    minutesConnected: 20,
    headcount: 4,
  }),
  row('00070', 'Phường Hoàn Kiếm', 'absent_with_reason', {
    mark: 'absent_with_reason',
    absenceReason: 'Mất điện',
  }),
  row('00082', 'Phường Cửa Nam', 'absent_without_reason'),
  row('00025', 'Phường Giảng Võ', 'left_early', {
    connected: false,
    intervals: [{ joinAt: '2026-11-26T08:01:00Z', leaveAt: '2026-11-26T08:30:00Z' }],
    minutesConnected: 29,
  }),
];

function Board({
  initial = rows,
  onEdit,
}: {
  initial?: AttendanceRow[];
  onEdit?: (r: AttendanceRow) => void;
}) {
  const [filter, setFilter] = useState<BoardFilter>('all');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<BoardSort>({ key: 'name', dir: 'asc' });
  return (
    <>
      <CountCards counts={countBoard(initial)} />
      <AttendanceTable
        rows={initial}
        filter={filter}
        search={search}
        sort={sort}
        onFilter={setFilter}
        onSearch={setSearch}
        onSort={setSort}
        {...(onEdit ? { onEdit } : {})}
      />
    </>
  );
}

const order = () =>
  screen
    .queryAllByTestId(/^attendance-row-/)
    .map((el) => el.dataset.testid!.replace('attendance-row-', ''));

describe('AttendanceTable', { timeout: 30_000 }, () => {
  it("writes a national call's counts with thousands grouped as the language does", () => {
    const counts = { ...countBoard(rows), invited: 3321, connected: 2373, headcount: 11862 };
    renderWith(<CountCards counts={counts} />);
    expect(screen.getByTestId('count-invited').textContent).toBe('3.321');
    expect(screen.getByTestId('count-headcount').textContent).toBe('11.862');
    cleanup();
    renderWith(<CountCards counts={counts} />, { lang: 'en' });
    expect(screen.getByTestId('count-connected').textContent).toBe('2,373');
  });

  it('shows the counts of the board', () => {
    renderWith(<Board />);
    expect(screen.getByTestId('count-invited').textContent).toBe('5');
    expect(screen.getByTestId('count-connected').textContent).toBe('2');
    expect(screen.getByTestId('count-present').textContent).toBe('3');
    expect(screen.getByTestId('count-late').textContent).toBe('1');
    expect(screen.getByTestId('count-left-early').textContent).toBe('1');
    expect(screen.getByTestId('count-absent').textContent).toBe('2');
    expect(screen.getByTestId('count-headcount').textContent).toBe('16');
  });

  it('sorts by name in Vietnamese order and flips on a second click', () => {
    renderWith(<Board />);
    expect(order()).toEqual(['00004', '00082', '00025', '00070', '00008']);
    fireEvent.click(screen.getByTestId('sort-name'));
    expect(order()).toEqual(['00008', '00070', '00025', '00082', '00004']);
    expect(screen.getByTestId('sort-name').closest('th')?.getAttribute('aria-sort')).toBe(
      'descending',
    );
  });

  it('sorts by status with absences first', () => {
    renderWith(<Board />);
    fireEvent.click(screen.getByTestId('sort-status'));
    expect(order()).toEqual(['00082', '00070', '00025', '00008', '00004']);
  });

  it('filters by status and searches without diacritics', () => {
    renderWith(<Board />);
    fireEvent.change(screen.getByTestId('board-filter'), { target: { value: 'absent' } });
    expect(order()).toEqual(['00082', '00070']);
    expect(screen.getByTestId('board-row-count').textContent).toBe('2 dòng');
    fireEvent.change(screen.getByTestId('board-search'), { target: { value: 'hoan kiem' } });
    expect(order()).toEqual(['00070']);
    fireEvent.change(screen.getByTestId('board-filter'), { target: { value: 'present' } });
    expect(order()).toEqual([]);
  });

  it('shows the status in words, marks and reasons', () => {
    renderWith(<Board />);
    const hk = screen.getByTestId('attendance-row-00070');
    expect(within(hk).getByTestId('status-00070').textContent).toContain('Vắng có lý do');
    expect(within(hk).getByTestId('status-00070').textContent).toContain('đã ghi nhận');
    expect(hk.textContent).toContain('Mất điện');
  });

  it('never shows a ward that never joined as disconnected (red): grey and "not joined"', () => {
    renderWith(<Board />);
    const dot = (id: string) => screen.getByTestId(`attendance-presence-${id}`);
    expect(dot('00082').dataset.presence).toBe('not_joined');
    expect(dot('00082').className).toContain('idle');
    expect(dot('00082').textContent).toBe('Chưa vào họp');
    expect(dot('00004').className).toContain('ok');
    // Joined, then gone without a goodbye: dropped, the one worth a phone call.
    expect(dot('00025').dataset.presence).toBe('dropped');
    expect(dot('00025').className).toContain('bad');
  });

  it('calls onEdit with the row', () => {
    let edited: AttendanceRow | null = null;
    renderWith(<Board onEdit={(r) => (edited = r)} />);
    act(() => fireEvent.click(screen.getByTestId('mark-edit-00082')));
    expect(edited).toMatchObject({ siteId: '00082' });
  });
});
