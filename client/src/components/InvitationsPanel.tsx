import { useState } from 'react';
import { useT } from '../hooks/useT';
import { Dialog } from './Dialog';
import { InvitationManager } from './InvitationManager';

/** The secretary console's way to the invitation links (wide: opens in a dialog). */
export function InvitationsPanel({ meetingId }: { meetingId: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <section className="panel" aria-labelledby="inv-panel-title">
      <h2 id="inv-panel-title">{t('admin.invitations')}</h2>
      <p className="muted">{t('inv.hint')}</p>
      <button
        type="button"
        className="btn btn-large"
        data-testid="open-invitations"
        onClick={() => setOpen(true)}
      >
        {t('inv.load')}
      </button>
      {open && (
        <Dialog title={t('inv.title')} onClose={() => setOpen(false)} testId="invitations-dialog">
          <InvitationManager meetingId={meetingId} autoLoad />
        </Dialog>
      )}
    </section>
  );
}
