import type { MeetingState, Role } from '@giaoban/shared';
import { useState } from 'react';
import { useI18n } from '../../hooks/useI18n';
import { PreparedReportBoard } from './ReportBoardPanel';

/**
 * Asking the wards for their reports while the meeting is prepared (draft or scheduled, days
 * before it opens): a button on the meeting's card that unfolds the report board there, with no
 * need to enter the meeting. Only the secretary and the admin ask, before it opens (the board is
 * in the secretary's console then); the chair reads the submissions and the compiled report here
 * until the meeting is closed ("ready for the chair before the meeting").
 */
export function PrepareReports({
  meetingId,
  state,
  viewer: role,
}: {
  meetingId: string;
  state: MeetingState;
  viewer: Role;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  // The chair reads the board and the compiled report before the meeting (it does not ask).
  const chair = role === 'chair';
  if (role !== 'secretary' && role !== 'admin' && !chair) return null;
  if (state !== 'draft' && state !== 'scheduled' && !(chair && state !== 'closed')) return null;
  return (
    <div className="prepare-reports">
      <button
        type="button"
        className="btn"
        aria-expanded={open}
        data-testid={`prepare-reports-${meetingId}`}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? '▾' : '▸'} {t(chair ? 'report.chairRead' : 'report.prepare')}
      </button>
      {open && <PreparedReportBoard role={role} meetingId={meetingId} />}
    </div>
  );
}
