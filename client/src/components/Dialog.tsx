import { type ReactNode, useEffect, useRef } from 'react';
import { useT } from '../hooks/useT';

/** A modal dialog (the browser's own <dialog>: focus trap, Esc to close). */
export function Dialog({
  title,
  onClose,
  children,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal?.();
    return () => d?.close?.();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="dialog-title"
      onClose={onClose}
      data-testid={testId}
    >
      <div className="dialog-head">
        <h2 id="dialog-title">{title}</h2>
        <button type="button" className="btn btn-light btn-small" onClick={onClose}>
          {t('sessions.close')}
        </button>
      </div>
      {children}
    </dialog>
  );
}
