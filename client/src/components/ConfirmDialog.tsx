import { useEffect, useId, useRef } from 'react';
import { useT } from '../hooks/useT';

export interface ConfirmRequest {
  title: string;
  body?: string;
  /** The confirming button's words: the action itself ("Kết thúc cuộc họp"), never just "OK". */
  confirmLabel: string;
  danger?: boolean;
  /** data-testid of the dialog, so a test can tell which question is asked. */
  testId?: string;
}

/**
 * A modal question before an action that cannot be taken back (mute all, remove a site, end the
 * meeting). Focus starts on "Cancel" so a stray Enter does nothing; Escape cancels.
 */
export function ConfirmDialog({
  request,
  onAnswer,
}: {
  request: ConfirmRequest;
  onAnswer: (confirmed: boolean) => void;
}) {
  const t = useT();
  const titleId = useId();
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onAnswer(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onAnswer]);
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={request.body ? bodyId : undefined}
        data-testid={request.testId ?? 'confirm-dialog'}
      >
        <h2 id={titleId}>{request.title}</h2>
        {request.body && <p id={bodyId}>{request.body}</p>}
        <div className="btn-row modal-actions">
          <button
            ref={cancelRef}
            type="button"
            className="btn btn-large"
            data-testid="confirm-cancel"
            onClick={() => onAnswer(false)}
          >
            {t('confirm.cancel')}
          </button>
          <button
            type="button"
            className={`btn btn-large ${request.danger === false ? 'btn-primary' : 'btn-danger'}`}
            data-testid="confirm-ok"
            onClick={() => onAnswer(true)}
          >
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
