import type { MeetingState, Role } from '@giaoban/shared';
import { useState } from 'react';
import { useI18n } from '../../hooks/useI18n';
import { PreparedReportBoard } from './ReportBoardPanel';

/**
 * Asking the wards for their reports while the meeting is prepared (draft or scheduled, days
 * before it opens): a button on the meeting's card that unfolds the report board there, with no
 * need to enter the meeting. Only the secretary and the admin ask; nothing once it is open (the
 * board is in the secretary's console then).
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
  if (role !== 'secretary' && role !== 'admin') return null;
  if (state !== 'draft' && state !== 'scheduled') return null;
  return (
    <div className="prepare-reports">
      <button
        type="button"
        className="btn"
        aria-expanded={open}
        data-testid={`prepare-reports-${meetingId}`}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? '▾' : '▸'} {t('report.prepare')}
      </button>
      {open && <PreparedReportBoard role={role} meetingId={meetingId} />}
    </div>
  );
}
