import type { RetentionSettings } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { formatVnDateTime } from '../../lib/vnDateTime';
import { AdminError } from './AdminError';
import { ConfirmButton } from './ConfirmButton';

/**
 * The archive's retention policy (admin): how many months recordings are kept after filing
 * (0 = for good). Only recordings expire; the page says so, and asks before a shorter term
 * (the next sweep removes what is older than it).
 */
export function ArchiveTab() {
  const { t } = useI18n();
  const { api } = useServices();
  const { run, error, busy } = useAction();
  const [settings, setSettings] = useState<RetentionSettings | null>(null);
  const [months, setMonths] = useState('');
  const [saved, setSaved] = useState(false);

  const apply = useCallback((s: RetentionSettings) => {
    setSettings(s);
    setMonths(String(s.policy.recordingMonths));
  }, []);
  useEffect(() => {
    void run(async () => apply(await api.call<RetentionSettings>('GET', '/api/archive/retention')));
  }, [api, run, apply]);

  const policyText = (m: number) =>
    m > 0 ? t('admin.retention.policyMonths', { months: m }) : t('admin.retention.policyForever');
  const value = /^\d{1,4}$/.test(months.trim()) ? Number(months.trim()) : null;
  const valid = value !== null && value <= 1200;
  const current = settings?.policy.recordingMonths ?? 0;
  const shorter = valid && value !== 0 && (current === 0 || value < current);
  const save = (policy: { recordingMonths: number } | null) =>
    void run(async () => {
      apply(await api.call<RetentionSettings>('PUT', '/api/archive/retention', { policy }));
      setSaved(true);
    });

  return (
    <section className="panel" data-testid="admin-archive">
      <h2>{t('admin.retention.title')}</h2>
      {settings && (
        <p data-testid="retention-current">
          {t('admin.retention.current', { policy: policyText(current) })}{' '}
          {settings.source === 'admin'
            ? t('admin.retention.sourceAdmin', {
                by: settings.updatedBy ?? '',
                at: settings.updatedAt ? formatVnDateTime(settings.updatedAt) : '',
              })
            : t('admin.retention.sourceDefault')}
        </p>
      )}
      <p className="muted">{t('admin.retention.kept')}</p>
      <div className="form-row">
        <label>
          {t('admin.retention.months')}
          <input
            className="input"
            inputMode="numeric"
            value={months}
            data-testid="retention-months"
            aria-invalid={!valid}
            onChange={(e) => {
              setMonths(e.target.value);
              setSaved(false);
            }}
          />
        </label>
        {shorter ? (
          <ConfirmButton
            label={t('admin.retention.save')}
            question={t('admin.retention.confirmShorter', { months: value })}
            disabled={busy}
            testId="retention-save"
            onConfirm={() => save({ recordingMonths: value })}
          />
        ) : (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="retention-save"
            disabled={busy || !valid}
            onClick={() => valid && save({ recordingMonths: value })}
          >
            {t('admin.retention.save')}
          </button>
        )}
        {settings?.source === 'admin' && (
          <button
            type="button"
            className="btn"
            data-testid="retention-reset"
            disabled={busy}
            onClick={() => save(null)}
          >
            {t('admin.retention.reset', {
              policy: policyText(settings.defaultPolicy.recordingMonths),
            })}
          </button>
        )}
      </div>
      {!valid && months.trim() !== '' && (
        <p className="field-error" role="alert">
          {t('admin.retention.invalid')}
        </p>
      )}
      {saved && (
        <p role="status" data-testid="retention-saved">
          {t('admin.retention.saved')}
        </p>
      )}
      <AdminError error={error} />
    </section>
  );
}
