import { useState } from 'react';
import { useI18n } from '../../hooks/useI18n';

/**
 * A button whose action happens only after a second, explicit "yes": the first click asks the
 * question in place (no browser dialog, which screen readers and kiosks handle badly).
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  disabled,
  testId,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="btn btn-small"
        disabled={disabled}
        data-testid={testId}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="alertdialog" aria-label={question}>
      <span>{question}</span>{' '}
      <button
        type="button"
        className="btn btn-small btn-danger"
        disabled={disabled}
        data-testid={`${testId}-yes`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {t('common.yes')}
      </button>{' '}
      <button
        type="button"
        className="btn btn-small"
        data-testid={`${testId}-no`}
        onClick={() => setAsking(false)}
      >
        {t('common.no')}
      </button>
    </span>
  );
}
