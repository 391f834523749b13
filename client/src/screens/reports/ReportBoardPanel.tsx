import type { ReportBoard, ReportField, Role } from '@giaoban/shared';
import { useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { type ApiClient, saveBlob } from '../../api';
import { useBriefing } from '../../briefing/useBriefing';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { formatVnDate, formatVnDateTime, vnToIso } from '../../lib/vnDateTime';

const STATUS_CLASS = { missing: 'status-missing', submitted: 'status-ok', late: 'status-late' };

/**
 * The secretary's report board (báo cáo của điểm cầu): ask for reports with a deadline, a template
 * and fields; see who submitted, late or not; remind the missing; download the compiled report.
 */
export function ReportBoardPanel({ viewer, meetingId }: { viewer: Role; meetingId: string }) {
  const { board, api } = useBriefing(viewer);
  // In the meeting the pushes (report:board) keep the board current.
  return <ReportBoardView role={viewer} meetingId={meetingId} board={board} api={api} />;
}

/**
 * The same board while the meeting is being prepared (days before it opens, no live session):
 * loaded over REST, and replaced by what each request or reminder answers.
 */
export function PreparedReportBoard({ role, meetingId }: { role: Role; meetingId: string }) {
  const { api } = useServices();
  const [board, setBoard] = useState<ReportBoard | null>(null);
  const load = useAction();
  const { run } = load;
  useEffect(() => {
    let alive = true;
    void run(async () => {
      const b = await api.call<ReportBoard>(
        'GET',
        `/api/meetings/${encodeURIComponent(meetingId)}/reports`,
      );
      if (alive) setBoard(b);
    });
    return () => {
      alive = false;
    };
  }, [api, meetingId, run]);
  if (load.busy && !board) return null;
  if (load.error && !board) return <p role="alert">{load.error}</p>;
  return (
    <ReportBoardView role={role} meetingId={meetingId} board={board} api={api} onBoard={setBoard} />
  );
}

function ReportBoardView({
  role,
  meetingId,
  board,
  api,
  onBoard,
}: {
  role: Role;
  meetingId: string;
  board: ReportBoard | null;
  api: ApiClient;
  /** Without a live session: the board each request answers replaces the shown one. */
  onBoard?: (b: ReportBoard) => void;
}) {
  const { t } = useI18n();
  const { run, busy, error } = useAction();
  const base = `/api/meetings/${encodeURIComponent(meetingId)}`;
  const req = board?.request ?? null;
  // Today (Hà Nội), the usual case: the office asks in the morning for the afternoon.
  const [date, setDate] = useState(() => formatVnDate(Date.now()));
  const [time, setTime] = useState('17:00');
  const [template, setTemplate] = useState('');
  const [fields, setFields] = useState('');
  const [editing, setEditing] = useState(false);
  const mayAsk = role === 'secretary' || role === 'admin';
  const download = (format: 'docx' | 'pdf') =>
    void run(async () => {
      const f = await api.file(`${base}/reports/compiled.${format}`);
      saveBlob(f.blob, f.filename);
    });
  const parsedFields = (): ReportField[] =>
    fields
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l, i) => ({
        id: `f${i + 1}`,
        label: l.replace(/\*$/, '').trim(),
        required: l.endsWith('*'),
      }));
  return (
    <section className="panel reports" aria-labelledby="reports-title" data-testid="report-board">
      <h2 id="reports-title">{t('report.boardTitle')}</h2>
      {req && !editing && (
        <p>
          {t('report.deadline')}: <strong>{formatVnDateTime(req.deadline)}</strong>
          {mayAsk && (
            <>
              {' '}
              <button type="button" className="btn" onClick={() => setEditing(true)}>
                {t('report.change')}
              </button>
            </>
          )}
        </p>
      )}
      {!mayAsk && !req && <p className="muted">{t('report.notAsked')}</p>}
      {mayAsk && (!req || editing) && (
        <form
          className="report-request"
          onSubmit={(e) => {
            e.preventDefault();
            const deadline = vnToIso(date, time);
            if (!deadline) return;
            void run(async () => {
              const b = await api.call<ReportBoard>('PUT', `${base}/reports/request`, {
                deadline,
                template,
                fields: parsedFields(),
              });
              onBoard?.(b);
              setEditing(false);
            });
          }}
        >
          <label>
            {t('report.deadlineDate')}
            <input
              placeholder={t('form.datePlaceholder')}
              value={date}
              onChange={(e) => setDate(e.target.value)}
              data-testid="report-date"
              required
            />
          </label>
          <label>
            {t('report.deadlineTime')}
            <input
              placeholder={t('form.timePlaceholder')}
              value={time}
              onChange={(e) => setTime(e.target.value)}
              data-testid="report-time"
              required
            />
          </label>
          <label>
            {t('report.template')}
            <textarea
              rows={3}
              value={template}
              onChange={(e) => setTemplate(e.target.value)}
              data-testid="report-template"
            />
          </label>
          <label>
            {t('report.fields')}
            <textarea
              rows={3}
              value={fields}
              placeholder={t('report.fieldsHint')}
              onChange={(e) => setFields(e.target.value)}
              data-testid="report-fields"
            />
          </label>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || !vnToIso(date, time)}
            data-testid="report-ask"
          >
            {t('report.ask')}
          </button>
        </form>
      )}
      {board && req && (
        <>
          <p data-testid="report-counts">
            <span className="status-ok">
              {t('report.status.submitted')}: {board.counts.submitted}
            </span>{' '}
            ·{' '}
            <span className="status-late">
              {t('report.status.late')}: {board.counts.late}
            </span>{' '}
            ·{' '}
            <span className="status-missing">
              {t('report.status.missing')}: {board.counts.missing}
            </span>
          </p>
          <div className="actions">
            {mayAsk && (
              <button
                type="button"
                className="btn"
                disabled={busy || board.counts.missing === 0}
                data-testid="report-remind"
                onClick={() =>
                  void run(async () =>
                    onBoard?.(await api.call<ReportBoard>('POST', `${base}/reports/remind`, {})),
                  )
                }
              >
                {t('report.remind', { count: board.counts.missing })}
              </button>
            )}
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => download('docx')}
              data-testid="report-compiled-docx"
            >
              {t('report.compiledDocx')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => download('pdf')}
              data-testid="report-compiled-pdf"
            >
              {t('report.compiledPdf')}
            </button>
          </div>
          <div className="table-scroll short">
            <table className="report-table">
              <thead>
                <tr>
                  <th>{t('report.site')}</th>
                  <th>{t('report.status')}</th>
                  <th>{t('report.submittedAt')}</th>
                  <th>{t('report.reminded')}</th>
                </tr>
              </thead>
              <tbody>
                {board.rows.map((r) => (
                  <tr key={r.siteId} data-testid={`report-row-${r.siteId}`} data-status={r.status}>
                    <td>{r.name}</td>
                    <td className={STATUS_CLASS[r.status]}>{t(`report.status.${r.status}`)}</td>
                    <td>
                      {r.submittedAt ? formatVnDateTime(r.submittedAt) : '—'}
                      {r.version > 1 ? ` (${t('report.amended', { n: r.version - 1 })})` : ''}
                    </td>
                    <td>{r.lastRemindedAt ? formatVnDateTime(r.lastRemindedAt) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
