import type { AttendanceRow, AttendanceStatus } from '@giaoban/shared';
import { compareVietnamese, matchesSearch } from './text';

/**
 * The secretary's live attendance board: counts, filter and sort over the server's attendance rows
 * (one per invited site; `status` already has the secretary's mark applied). Pure, so the counting
 * rules are tested on their own.
 */

export interface BoardCounts {
  invited: number;
  connected: number;
  /** Attended in any way: on time, late, or left early. */
  present: number;
  late: number;
  leftEarly: number;
  /** Absent with or without reason. */
  absent: number;
  /** Sum of headcounts of the sites that attended. */
  headcount: number;
}

export function isPresent(status: AttendanceStatus): boolean {
  return status === 'on_time' || status === 'late' || status === 'left_early';
}

export function isAbsent(status: AttendanceStatus): boolean {
  return status === 'absent_with_reason' || status === 'absent_without_reason';
}

/** Removed sites stay on the board (they were invited) but count like any other row. */
export function countBoard(rows: readonly AttendanceRow[]): BoardCounts {
  const c: BoardCounts = {
    invited: rows.length,
    connected: 0,
    present: 0,
    late: 0,
    leftEarly: 0,
    absent: 0,
    headcount: 0,
  };
  for (const r of rows) {
    if (r.connected) c.connected++;
    if (isPresent(r.status)) {
      c.present++;
      c.headcount += r.headcount ?? 0;
    }
    if (r.status === 'late') c.late++;
    if (r.status === 'left_early') c.leftEarly++;
    if (isAbsent(r.status)) c.absent++;
  }
  return c;
}

export const BOARD_FILTERS = [
  'all',
  'connected',
  'disconnected',
  'present',
  'late',
  'leftEarly',
  'absent',
  'marked',
] as const;
export type BoardFilter = (typeof BOARD_FILTERS)[number];

export function rowPassesFilter(row: AttendanceRow, filter: BoardFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'connected':
      return row.connected;
    case 'disconnected':
      return !row.connected;
    case 'present':
      return isPresent(row.status);
    case 'late':
      return row.status === 'late';
    case 'leftEarly':
      return row.status === 'left_early';
    case 'absent':
      return isAbsent(row.status);
    case 'marked':
      return row.mark !== undefined;
  }
}

export const BOARD_SORT_KEYS = [
  'name',
  'status',
  'firstJoin',
  'minutesConnected',
  'headcount',
] as const;
export type BoardSortKey = (typeof BOARD_SORT_KEYS)[number];
export interface BoardSort {
  readonly key: BoardSortKey;
  readonly dir: 'asc' | 'desc';
}

/** Order of statuses when sorting by status: the ones needing the secretary's attention first. */
const STATUS_ORDER: Record<AttendanceStatus, number> = {
  absent_without_reason: 0,
  absent_with_reason: 1,
  left_early: 2,
  late: 3,
  on_time: 4,
};

export function firstJoinMs(row: AttendanceRow): number | null {
  const first = row.intervals[0];
  return first ? Date.parse(first.joinAt) : null;
}

export function lastLeaveMs(row: AttendanceRow): number | null {
  const last = row.intervals[row.intervals.length - 1];
  return last?.leaveAt ? Date.parse(last.leaveAt) : null;
}

function sortValue(row: AttendanceRow, key: 'firstJoin' | 'headcount'): number | null {
  return key === 'firstJoin' ? firstJoinMs(row) : (row.headcount ?? null);
}

export function sortBoard(rows: readonly AttendanceRow[], sort: BoardSort): AttendanceRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    let d = 0;
    switch (sort.key) {
      case 'name':
        d = compareVietnamese(a.name, b.name);
        break;
      case 'status':
        d = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
        break;
      case 'minutesConnected':
        d = a.minutesConnected - b.minutesConnected;
        break;
      case 'firstJoin':
      case 'headcount': {
        const va = sortValue(a, sort.key);
        const vb = sortValue(b, sort.key);
        // Missing values go last in either direction: "never joined" is not "joined earliest".
        if (va === null && vb !== null) return 1;
        if (vb === null && va !== null) return -1;
        d = (va ?? 0) - (vb ?? 0);
        break;
      }
    }
    if (d !== 0) return d * sign;
    // Ties by name then code, always ascending, so the table does not shuffle on every update.
    return compareVietnamese(a.name, b.name) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  });
}

export interface BoardView {
  readonly filter: BoardFilter;
  readonly search: string;
  readonly sort: BoardSort;
}

export function viewBoard(rows: readonly AttendanceRow[], view: BoardView): AttendanceRow[] {
  return sortBoard(
    rows.filter(
      (r) =>
        rowPassesFilter(r, view.filter) &&
        (matchesSearch(r.name, view.search) || r.code.includes(view.search.trim())),
    ),
    view.sort,
  );
}

/** Next sort when a header is clicked: same key flips direction, a new key starts ascending. */
export function toggleSort(current: BoardSort, key: BoardSortKey): BoardSort {
  return current.key === key
    ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' }
    : { key, dir: 'asc' };
}
