import {
  ARCHIVE_HOLD_REASON_MAX,
  type ArchiveHold,
  type ArchiveHoldBody,
  type ArchiveListing,
} from '@giaoban/shared';
import { useState } from 'react';
import { useServices } from '../../AppContext';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { formatVnDateTime } from '../../lib/vnDateTime';

/**
 * The archive's retention hold (a complaint, an inspection): says plainly that the archive is held,
 * why, by whom and since when; the meeting's secretary and admins put it on or take it off, each
 * time with a reason (it goes into the meeting's log). Everyone else who opens the archive (the
 * chair) sees the notice only.
 */
export function ArchiveHoldPanel({
  meetingId,
  hold,
  mayChange,
  onChanged,
}: {
  meetingId: string;
  hold: ArchiveHold | null;
  mayChange: boolean;
  onChanged: (listing: ArchiveListing) => void;
}) {
  const { t } = useI18n();
  const { api } = useServices();
  const { run, busy, error } = useAction();
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const held = hold !== null;

  const submit = () => {
    const trimmed = reason.trim();
    if (!trimmed) {
      setMissing(true);
      return;
    }
    void run(async () => {
      const body: ArchiveHoldBody = { held: !held, reason: trimmed };
      const listing = await api.call<ArchiveListing>(
        'PUT',
        `/api/meetings/${encodeURIComponent(meetingId)}/archive/hold`,
        body,
      );
      setEditing(false);
      setReason('');
      onChanged(listing);
    });
  };

  if (!held && !mayChange) return null;
  return (
    <section
      className="panel archive-hold"
      data-testid="archive-hold"
      data-held={held ? 'true' : 'false'}
      aria-labelledby="archive-hold-title"
    >
      <h2 id="archive-hold-title">{held ? t('archive.hold.title') : t('archive.hold.offTitle')}</h2>
      {hold ? (
        <>
          <p data-testid="archive-hold-reason">
            <strong>{t('archive.hold.reasonIs')}</strong> {hold.reason}
          </p>
          <p className="muted" data-testid="archive-hold-by">
            {t('archive.hold.by', {
              name: hold.by.name || hold.by.id,
              time: formatVnDateTime(hold.at),
            })}
          </p>
          <p>{t('archive.hold.effect')}</p>
        </>
      ) : (
        <p className="muted">{t('archive.hold.none')}</p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="archive-hold-error">
          {error}
        </p>
      )}
      {mayChange && !editing && (
        <button
          type="button"
          className={held ? 'btn' : 'btn btn-primary'}
          data-testid={held ? 'archive-hold-release' : 'archive-hold-put'}
          onClick={() => {
            setEditing(true);
            setMissing(false);
          }}
        >
          {held ? t('archive.hold.release') : t('archive.hold.put')}
        </button>
      )}
      {mayChange && editing && (
        <form
          className="archive-hold-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label>
            {held ? t('archive.hold.releaseReasonLabel') : t('archive.hold.reasonLabel')}
            <textarea
              value={reason}
              maxLength={ARCHIVE_HOLD_REASON_MAX}
              rows={3}
              aria-required="true"
              aria-invalid={missing ? 'true' : undefined}
              aria-describedby="archive-hold-hint"
              data-testid="archive-hold-reason-input"
              placeholder={held ? t('archive.hold.releaseExample') : t('archive.hold.example')}
              onChange={(e) => {
                setReason(e.target.value);
                if (e.target.value.trim()) setMissing(false);
              }}
            />
          </label>
          <p className="muted" id="archive-hold-hint">
            {t('archive.hold.logged')}{' '}
            {t('archive.hold.count', { count: reason.length, max: ARCHIVE_HOLD_REASON_MAX })}
          </p>
          {missing && (
            <p className="error" role="alert" data-testid="archive-hold-missing">
              {t('archive.hold.reasonRequired')}
            </p>
          )}
          <div className="btn-row">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy}
              data-testid="archive-hold-confirm"
            >
              {held ? t('archive.hold.confirmRelease') : t('archive.hold.confirm')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy}
              data-testid="archive-hold-cancel"
              onClick={() => {
                setEditing(false);
                setReason('');
                setMissing(false);
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
