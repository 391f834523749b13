import type { AttendanceMark } from '@giaoban/shared';
import { useMemo } from 'react';
import { countBoard } from '../lib/attendanceBoard';
import { useMeeting } from './useMeeting';

export interface MarkInput {
  mark?: AttendanceMark | null;
  absenceReason?: string;
  /** null = clear the secretary's headcount (the roll-call's count shows again). */
  headcount?: number | null;
  siteChair?: string;
  note?: string;
}

/** Live attendance rows (staff), their counts, and the secretary's mark action. */
export function useAttendance() {
  const { state, session } = useMeeting();
  const rows = state?.attendance ?? [];
  const counts = useMemo(() => countBoard(rows), [rows]);
  return {
    rows,
    counts,
    mark: (siteId: string, input: MarkInput) =>
      session.act('attendance:mark', { siteId, ...input }),
    refresh: () => session.act('attendance:table', {}),
  };
}
