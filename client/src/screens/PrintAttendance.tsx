import type { AttendanceRow, Meeting, ReportBoard } from '@giaoban/shared';
import { useEffect, useState } from 'react';
import { useServices } from '../AppContext';
import { type ReportColumn, reportColumnOf, useReportCellText } from '../briefing/reportColumn';
import { useAction } from '../hooks/useAction';
import { useI18n } from '../hooks/useI18n';
import { navigate } from '../hooks/useRoute';
import { countBoard, firstJoinMs, lastLeaveMs, sortBoard } from '../lib/attendanceBoard';
import { formatVnDateTime, formatVnTime } from '../lib/vnDateTime';
import { CountCards } from './SecretaryConsole';

/** Printable attendance list (lazy chunk): A4, black on white, via the print stylesheet. */
export default function PrintAttendance({ meetingId }: { meetingId: string }) {
  const { t } = useI18n();
  const { api } = useServices();
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const [rows, setRows] = useState<AttendanceRow[] | null>(null);
  const [reports, setReports] = useState<ReportColumn | null>(null);
  const reportText = useReportCellText();
  const { run, error } = useAction();
  useEffect(() => {
    void run(async () => {
      const [m, r] = await Promise.all([api.meeting(meetingId), api.attendance(meetingId)]);
      setMeeting(m);
      setRows(sortBoard(r, { key: 'name', dir: 'asc' }));
      // Issue #14: which sites sent their report (the office may read it; others print without).
      const board = await api
        .call<ReportBoard>('GET', `/api/meetings/${encodeURIComponent(meetingId)}/reports`)
        .catch(() => null);
      setReports(reportColumnOf(board));
    });
  }, [api, meetingId, run]);
  // Vietnamese formats whatever the UI language: this is an official document.
  const time = (ms: number | null) => (ms ? formatVnTime(ms) : '');
  return (
    <div className="print-page" data-testid="print-page">
      <div className="no-print toolbar">
        <button type="button" className="btn" onClick={() => navigate({ name: 'home' })}>
          ◀ {t('app.back')}
        </button>
        <button
          type="button"
          className="btn btn-primary btn-large"
          data-testid="print-button"
          onClick={() => window.print()}
        >
          {t('print.print')}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {meeting && rows && (
        <article>
          <header className="print-header">
            <p className="issuer">{meeting.issuingBody}</p>
            <h1>{t('print.title')}</h1>
            <p>{t('print.meeting', { title: meeting.title })}</p>
            <p>
              {formatVnDateTime(meeting.scheduledStart)} · {meeting.hostLocation ?? meeting.place}
            </p>
          </header>
          <CountCards counts={countBoard(rows)} />
          <table className="print-table" data-testid="print-table">
            <thead>
              <tr>
                <th scope="col">{t('print.no')}</th>
                <th scope="col">{t('secretary.col.site')}</th>
                <th scope="col">{t('secretary.col.status')}</th>
                <th scope="col">{t('secretary.col.firstJoin')}</th>
                <th scope="col">{t('secretary.col.connected')}</th>
                <th scope="col">{t('secretary.col.headcount')}</th>
                <th scope="col">{t('secretary.col.siteChair')}</th>
                {reports && <th scope="col">{t('report.column')}</th>}
                <th scope="col">{t('secretary.col.reason')}</th>
                <th scope="col">{t('secretary.col.note')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.siteId} data-testid={`print-row-${r.siteId}`}>
                  <td className="num">{i + 1}</td>
                  <td>{r.name}</td>
                  <td>{t(`status.${r.status}`)}</td>
                  <td>
                    {time(firstJoinMs(r))}
                    {lastLeaveMs(r) ? ` – ${time(lastLeaveMs(r))}` : ''}
                  </td>
                  <td className="num">{r.minutesConnected}</td>
                  <td className="num">{r.headcount ?? ''}</td>
                  <td>{r.siteChair ?? ''}</td>
                  {reports && (
                    <td data-testid={`print-report-${r.siteId}`}>
                      {reportText(reports.of(r.siteId))}
                    </td>
                  )}
                  <td>{r.absenceReason ?? ''}</td>
                  <td>{r.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <footer className="print-footer">
            <p>{t('print.printedAt', { time: formatVnDateTime(Date.now()) })}</p>
            <div className="signature">
              <strong>{t('print.signature')}</strong>
              <span>{t('role.secretary')}</span>
            </div>
          </footer>
        </article>
      )}
    </div>
  );
}
