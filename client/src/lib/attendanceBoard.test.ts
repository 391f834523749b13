import type { AttendanceRow, AttendanceStatus } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { countBoard, sortBoard, toggleSort, viewBoard } from './attendanceBoard';

function row(
  code: string,
  name: string,
  status: AttendanceStatus,
  extra: Partial<AttendanceRow> = {},
): AttendanceRow {
  return {
    siteId: code,
    code,
    name,
    connected: false,
    intervals: [],
    minutesConnected: 0,
    media: { audio: 'none', video: 'none' },
    status,
    derivedStatus: status,
    micAllowed: false,
    mic: { allowed: false, muted: false, unmute: 'none' },
    presence: 'not_joined',
    removed: false,
    ...extra,
  };
}

const join = (iso: string, leave?: string) => [
  { joinAt: iso, ...(leave ? { leaveAt: leave } : {}) },
];

const rows: AttendanceRow[] = [
  row('00004', 'Phường Ba Đình', 'on_time', {
    connected: true,
    intervals: join('2026-11-26T08:00:00Z'),
    minutesConnected: 50,
    headcount: 12,
  }),
  row('00008', 'Phường Ngọc Hà', 'late', {
    connected: true,
    intervals: join('2026-11-26T08:20:00Z'),
    minutesConnected: 30,
    headcount: 5,
  }),
  row('00025', 'Phường Giảng Võ', 'left_early', {
    intervals: join('2026-11-26T08:01:00Z', '2026-11-26T08:30:00Z'),
    minutesConnected: 29,
    headcount: 7,
  }),
  row('00070', 'Phường Hoàn Kiếm', 'absent_with_reason', {
    mark: 'absent_with_reason',
    derivedStatus: 'absent_without_reason',
    absenceReason: 'Mất điện',
  }),
  row('00082', 'Phường Cửa Nam', 'absent_without_reason'),
  row('00091', 'Phường Đống Đa', 'on_time', {
    connected: true,
    intervals: join('2026-11-26T07:58:00Z'),
    minutesConnected: 52,
  }),
];

describe('attendance counts', () => {
  it('counts invited, connected, present, late, left early, absent and headcount', () => {
    expect(countBoard(rows)).toEqual({
      invited: 6,
      connected: 3,
      present: 4, // on time ×2, late, left early
      late: 1,
      leftEarly: 1,
      absent: 2,
      headcount: 24, // 12 + 5 + 7; a present site without a headcount adds nothing
    });
  });

  it('counts nothing on an empty board', () => {
    expect(countBoard([])).toMatchObject({ invited: 0, present: 0, absent: 0, headcount: 0 });
  });

  it('does not add the headcount of an absent site', () => {
    expect(countBoard([row('1', 'X', 'absent_with_reason', { headcount: 9 })]).headcount).toBe(0);
  });
});

describe('attendance sort', () => {
  const names = (r: AttendanceRow[]) => r.map((x) => x.code);

  it('sorts names in Vietnamese alphabetical order, both directions', () => {
    const asc = sortBoard(rows, { key: 'name', dir: 'asc' });
    // B < C < Đ (after D) < G < H < N
    expect(names(asc)).toEqual(['00004', '00082', '00091', '00025', '00070', '00008']);
    expect(names(sortBoard(rows, { key: 'name', dir: 'desc' }))).toEqual([...names(asc)].reverse());
  });

  it('sorts by status with absences first', () => {
    expect(names(sortBoard(rows, { key: 'status', dir: 'asc' }))).toEqual([
      '00082',
      '00070',
      '00025',
      '00008',
      '00004',
      '00091',
    ]);
  });

  it('keeps never-joined sites last when sorting by first join, either way', () => {
    const asc = names(sortBoard(rows, { key: 'firstJoin', dir: 'asc' }));
    expect(asc.slice(0, 4)).toEqual(['00091', '00004', '00025', '00008']);
    const desc = names(sortBoard(rows, { key: 'firstJoin', dir: 'desc' }));
    expect(desc.slice(0, 4)).toEqual(['00008', '00025', '00004', '00091']);
    expect(new Set(desc.slice(4))).toEqual(new Set(['00070', '00082']));
  });

  it('sorts by headcount and minutes connected', () => {
    expect(names(sortBoard(rows, { key: 'headcount', dir: 'desc' })).slice(0, 3)).toEqual([
      '00004',
      '00025',
      '00008',
    ]);
    expect(names(sortBoard(rows, { key: 'minutesConnected', dir: 'asc' })).at(-1)).toBe('00091');
  });

  it('toggles direction on the same column and resets on a new one', () => {
    expect(toggleSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(toggleSort({ key: 'name', dir: 'desc' }, 'status')).toEqual({
      key: 'status',
      dir: 'asc',
    });
  });
});

describe('attendance filter', () => {
  const sort = { key: 'name', dir: 'asc' } as const;
  const codes = (filter: Parameters<typeof viewBoard>[1]['filter'], search = '') =>
    viewBoard(rows, { filter, search, sort }).map((r) => r.code);

  it('filters by status groups and connection', () => {
    expect(codes('present')).toEqual(['00004', '00091', '00025', '00008']);
    expect(codes('absent')).toEqual(['00082', '00070']);
    expect(codes('late')).toEqual(['00008']);
    expect(codes('leftEarly')).toEqual(['00025']);
    expect(codes('connected')).toEqual(['00004', '00091', '00008']);
    expect(codes('disconnected')).toEqual(['00082', '00025', '00070']);
    expect(codes('marked')).toEqual(['00070']);
  });

  it('searches by name without diacritics or by code', () => {
    expect(codes('all', 'hoan kiem')).toEqual(['00070']);
    expect(codes('all', '0008')).toEqual(['00082', '00008']);
    expect(codes('present', 'cua nam')).toEqual([]);
  });
});
