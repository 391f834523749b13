import type { FileRef } from '@giaoban/shared';
import { useEffect, useState } from 'react';
import { Markup } from '../../briefing/Markup';
import { useBriefing } from '../../briefing/useBriefing';
import { FilePicker } from '../../components/FilePicker';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { formatVnDateTime } from '../../lib/vnDateTime';

/**
 * A site's report (from its invitation link, in the lobby or the meeting): the template, the
 * fields, text with simple formatting, files; amend until the deadline; its status.
 */
export function SiteReportForm({ meetingId }: { meetingId: string }) {
  const { t } = useI18n();
  const { report, api, store } = useBriefing('site');
  const { run, busy, error } = useAction();
  const base = `/api/meetings/${encodeURIComponent(meetingId)}`;
  const sub = report?.submission ?? null;
  const [text, setText] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [files, setFiles] = useState<FileRef[]>([]);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!sub) return;
    setText(sub.text);
    setFields(sub.fields);
    setFiles(sub.files);
  }, [sub]);
  if (!report?.request) return null;
  const req = report.request;
  const wrap = (mark: string) =>
    setText((s) => `${s}${s && !s.endsWith('\n') ? ' ' : ''}${mark}${t('report.sample')}${mark}`);
  return (
    <section
      className="panel site-report"
      aria-labelledby="site-report-title"
      data-testid="site-report"
    >
      <h2 id="site-report-title">{t('report.siteTitle')}</h2>
      <p>
        {t('report.deadline')}: <strong>{formatVnDateTime(req.deadline)}</strong> ·{' '}
        <span className={`status-${report.status}`} data-testid="site-report-status">
          {t(`report.status.${report.status}`)}
        </span>
        {sub && (
          <>
            {' '}
            · {t('report.submittedAt')}: {formatVnDateTime(sub.firstAt)}
          </>
        )}
      </p>
      {report.lastRemindedAt && report.status === 'missing' && (
        <p className="notice-bar" role="alert" data-testid="site-report-reminder">
          {t('report.reminder', { time: formatVnDateTime(report.lastRemindedAt) })}
        </p>
      )}
      {req.template && (
        <div className="report-template">
          <Markup text={req.template} />
        </div>
      )}
      {report.mayAmend ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            void run(async () => {
              const r = await api.call<import('@giaoban/shared').SiteReportView>(
                'PUT',
                `${base}/reports/mine`,
                {
                  text,
                  fields,
                  files,
                },
              );
              store.setReport(r);
              setSaved(true);
            });
          }}
        >
          {req.fields.map((f) => (
            <label key={f.id}>
              {f.label}
              {f.required && ' *'}
              <input
                value={fields[f.id] ?? ''}
                required={f.required}
                onChange={(e) => setFields({ ...fields, [f.id]: e.target.value })}
                data-testid={`report-field-${f.id}`}
              />
            </label>
          ))}
          <div className="toolbar">
            <button
              type="button"
              className="btn"
              onClick={() => wrap('**')}
              aria-label={t('report.bold')}
            >
              <strong>B</strong>
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => wrap('*')}
              aria-label={t('report.italic')}
            >
              <em>I</em>
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => setText((s) => `${s}${s ? '\n' : ''}- `)}
            >
              {t('report.list')}
            </button>
          </div>
          <textarea
            rows={8}
            maxLength={20000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label={t('report.text')}
            data-testid="report-text"
          />
          <p className="muted small">{t('report.formatHint')}</p>
          <ul className="doc-list">
            {files.map((f) => (
              <li key={f.key} data-testid="report-attached">
                <strong>{f.name}</strong>{' '}
                <button
                  type="button"
                  className="btn"
                  onClick={() => setFiles(files.filter((x) => x.key !== f.key))}
                >
                  {t('report.removeFile')}
                </button>
              </li>
            ))}
          </ul>
          <FilePicker
            label={t('report.addFile')}
            accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.webp"
            testId="report-file"
            showChosen={false}
            onChange={(e) => {
              const input = e.currentTarget;
              const file = input.files?.[0];
              if (!file) return;
              void run(async () => {
                const ref = await api.upload<FileRef>(
                  `${base}/reports/files?name=${encodeURIComponent(file.name)}`,
                  file,
                );
                setFiles((fs) => [...fs, ref]);
                input.value = '';
              });
            }}
          />
          <p className="muted small">{t('doc.limits')}</p>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy}
            data-testid="report-submit"
          >
            {sub ? t('report.amend') : t('report.submit')}
          </button>
          {saved && (
            <span role="status" data-testid="report-saved">
              {' '}
              ✓ {t('report.saved')}
            </span>
          )}
        </form>
      ) : (
        sub && (
          <div>
            <p className="muted">{t('report.closed')}</p>
            <Markup text={sub.text} />
          </div>
        )
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
