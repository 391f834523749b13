import type { AttendanceMark, AttendanceRow } from '@giaoban/shared';
import { useState } from 'react';
import { useAction } from '../hooks/useAction';
import type { MarkInput } from '../hooks/useAttendance';
import { useT } from '../hooks/useT';

const MARKS: AttendanceMark[] = ['present', 'absent_with_reason', 'absent_without_reason'];

/** The secretary's record for one site: status override, reason, headcount, site chair, note. */
export function MarkEditor({
  row,
  onSave,
  onClose,
}: {
  row: AttendanceRow;
  onSave: (input: MarkInput) => Promise<unknown>;
  onClose: () => void;
}) {
  const t = useT();
  const [mark, setMark] = useState<AttendanceMark | ''>(row.mark ?? '');
  const [reason, setReason] = useState(row.absenceReason ?? '');
  const [headcount, setHeadcount] = useState(row.headcount?.toString() ?? '');
  const [siteChair, setSiteChair] = useState(row.siteChair ?? '');
  const [note, setNote] = useState(row.note ?? '');
  const { run, busy, error } = useAction();
  const hc = headcount.trim() === '' ? undefined : Number.parseInt(headcount, 10);
  const valid = hc === undefined || (Number.isInteger(hc) && hc >= 0);
  const headcountInput = headcountToSend(row, hc);
  // The minutes print the reason of an absence "with reason": it cannot be left empty.
  const reasonMissing = mark === 'absent_with_reason' && reason.trim() === '';
  return (
    <section
      className="panel mark-editor"
      role="dialog"
      aria-labelledby="mark-title"
      data-testid="mark-editor"
      data-site-id={row.siteId}
    >
      <h2 id="mark-title">{t('secretary.markTitle', { name: row.name })}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!valid || reasonMissing) return;
          const ok = await run(() =>
            onSave({
              mark: mark === '' ? null : mark,
              absenceReason: reason.trim(),
              ...headcountInput,
              siteChair: siteChair.trim(),
              note: note.trim(),
            }),
          );
          if (ok !== undefined) onClose();
        }}
      >
        <label>
          {t('secretary.mark.status')}
          <select
            value={mark}
            onChange={(e) => setMark(e.target.value as AttendanceMark | '')}
            data-testid="mark-status"
          >
            <option value="">{t('secretary.mark.auto')}</option>
            {MARKS.map((m) => (
              <option key={m} value={m}>
                {t(`secretary.mark.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('secretary.mark.reason')}
          <input
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            data-testid="mark-reason"
            {...(reasonMissing
              ? { 'aria-invalid': true, 'aria-describedby': 'err-mark-reason' }
              : {})}
          />
          {reasonMissing && (
            <span className="field-error" id="err-mark-reason" data-testid="mark-reason-required">
              {t('form.required', { field: t('secretary.mark.reason') })}
            </span>
          )}
        </label>
        <label>
          {t('secretary.mark.headcount')}
          <input
            type="number"
            min={0}
            value={headcount}
            onChange={(e) => setHeadcount(e.target.value)}
            data-testid="mark-headcount"
          />
          {row.headcountSource === 'rollcall' && (
            <small className="muted" data-testid="mark-headcount-source">
              {t('secretary.mark.headcountFromRollCall')}
            </small>
          )}
        </label>
        <label>
          {t('secretary.mark.siteChair')}
          <input
            value={siteChair}
            maxLength={200}
            onChange={(e) => setSiteChair(e.target.value)}
            data-testid="mark-site-chair"
          />
        </label>
        <label>
          {t('secretary.mark.note')}
          <textarea
            value={note}
            maxLength={2000}
            rows={2}
            onChange={(e) => setNote(e.target.value)}
            data-testid="mark-note"
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="btn-row">
          <button
            type="submit"
            className="btn btn-primary btn-large"
            disabled={busy || !valid || reasonMissing}
            data-testid="mark-save"
          >
            {t('secretary.mark.save')}
          </button>
          <button
            type="button"
            className="btn btn-large"
            onClick={onClose}
            data-testid="mark-cancel"
          >
            {t('secretary.mark.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * The headcount part of a save. The field starts with the row's headcount, which may be the
 * site's own roll-call answer: saving it back unchanged must not turn it into the secretary's
 * number (that would hide the site's later answers). Emptying the field clears her number.
 */
export function headcountToSend(
  row: Pick<AttendanceRow, 'headcount' | 'headcountSource'>,
  value: number | undefined,
): Pick<MarkInput, 'headcount'> {
  const marked = row.headcountSource === 'mark';
  if (value === undefined) return marked ? { headcount: null } : {};
  if (!marked && value === row.headcount) return {};
  return { headcount: value };
}
