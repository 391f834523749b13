import type { ReportBoard, ReportStatus } from '@giaoban/shared';
import { useMemo } from 'react';
import { useI18n } from '../hooks/useI18n';
import { useMeeting } from '../hooks/useMeeting';
import type { MessageKey } from '../i18n/catalogues';
import { formatVnDateTime } from '../lib/vnDateTime';
import { useBriefing } from './useBriefing';

/**
 * The "Báo cáo" column of the attendance tables (live board and print page), as the exports
 * print it: sent on time / late, with the time it was first sent, or not sent. Only when the
 * meeting asked for reports: `reportColumnOf` gives null otherwise, and the tables add nothing.
 */
export interface ReportColumn {
  readonly of: (siteId: string) => { status: ReportStatus; at: string | null };
}

export function reportColumnOf(board: ReportBoard | null | undefined): ReportColumn | null {
  if (!board?.request) return null;
  const bySite = new Map(board.rows.map((r) => [r.siteId, r]));
  return {
    of: (siteId) => {
      const r = bySite.get(siteId);
      if (!r || r.status === 'missing' || !r.submittedAt) return { status: 'missing', at: null };
      return { status: r.status, at: r.submittedAt };
    },
  };
}

/** The column for the live board, kept current by the report pushes (staff who may read it). */
export function useReportColumn(): ReportColumn | null {
  const { state } = useMeeting();
  const { board } = useBriefing(state?.you.role);
  return useMemo(() => reportColumnOf(board), [board]);
}

const TEXT: Record<ReportStatus, MessageKey> = {
  missing: 'report.cell.missing',
  submitted: 'report.cell.submitted',
  late: 'report.cell.late',
};
const TONE: Record<ReportStatus, string> = { missing: 'bad', submitted: 'ok', late: 'warn' };

/** The words of one cell ("Đã nộp 08:15 02/12/2026"), for screen and paper alike. */
export function useReportCellText(): (c: { status: ReportStatus; at: string | null }) => string {
  const { t } = useI18n();
  return (c) => t(TEXT[c.status], { time: c.at ? formatVnDateTime(c.at) : '' });
}

export function ReportCell({ column, siteId }: { column: ReportColumn; siteId: string }) {
  const text = useReportCellText();
  const c = column.of(siteId);
  return (
    <span
      className={`status status-${TONE[c.status]}`}
      data-testid={`report-cell-${siteId}`}
      data-report={c.status}
    >
      {text(c)}
    </span>
  );
}
