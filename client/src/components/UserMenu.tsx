import { useCallback, useState } from 'react';
import { useServices } from '../AppContext';
import type { AuthSession } from '../AuthStore';
import { navigate } from '../hooks/useRoute';
import { useT } from '../hooks/useT';
import { Dialog } from './Dialog';
import { PasswordForm } from './PasswordForm';
import { SessionList } from './SessionList';

/**
 * Who is signed in, and what they can do about it: their sessions (end the ones they do not
 * recognise), their password (accounts only), signing out (the hub ends the session too).
 */
export function UserMenu({ session }: { session: AuthSession }) {
  const t = useT();
  const { api, auth } = useServices();
  const [open, setOpen] = useState<'sessions' | 'password' | null>(null);
  const loadSessions = useCallback(() => api.mySessions(), [api]);
  const endSession = useCallback((s: { id: string }) => api.endMySession(s.id), [api]);
  const isAccount = !session.grant.meetingId;
  const close = (e: React.MouseEvent) => {
    (e.currentTarget.closest('details') as HTMLDetailsElement | null)?.removeAttribute('open');
  };
  return (
    <>
      <details className="user-menu" data-testid="user-menu">
        <summary
          className="who"
          data-testid="signed-in-as"
          aria-label={t('account.menu', { name: session.grant.name })}
        >
          {t('app.signedInAs', {
            name: session.grant.name,
            role: t(`role.${session.grant.role}`),
          })}
        </summary>
        <div className="user-menu-items" role="menu">
          <button
            type="button"
            role="menuitem"
            data-testid="menu-sessions"
            onClick={(e) => {
              close(e);
              setOpen('sessions');
            }}
          >
            {t('account.sessions')}
          </button>
          {isAccount && (
            <button
              type="button"
              role="menuitem"
              data-testid="menu-password"
              onClick={(e) => {
                close(e);
                setOpen('password');
              }}
            >
              {t('account.changePassword')}
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            data-testid="sign-out"
            onClick={() => {
              // End it on the hub too (every device of this session); sign out here regardless.
              void api.logout().catch(() => {});
              auth.clear();
              navigate({ name: 'home' }, { replace: true });
            }}
          >
            {t('account.signOutHere')}
          </button>
        </div>
      </details>
      {open === 'sessions' && (
        <Dialog title={t('sessions.title')} onClose={() => setOpen(null)} testId="sessions-dialog">
          <SessionList load={loadSessions} end={endSession} />
        </Dialog>
      )}
      {open === 'password' && (
        <Dialog title={t('password.title')} onClose={() => setOpen(null)} testId="password-dialog">
          <PasswordForm onDone={() => setOpen(null)} />
        </Dialog>
      )}
    </>
  );
}
