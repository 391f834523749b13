import { useEffect, useState } from 'react';
import { useServices } from '../AppContext';
import { useI18n } from '../hooks/useI18n';
import { useMeeting } from '../hooks/useMeeting';
import { useNow } from '../hooks/useNow';
import { navigate } from '../hooks/useRoute';

/** The reconnect banner: what is happening, when the next retry is, and a "retry now" button. */
export function ConnectionBanner() {
  const { connection, session } = useMeeting();
  const { t, locale } = useI18n();
  const { auth } = useServices();
  const now = useNow(500);
  const [showRestored, setShowRestored] = useState(false);
  useEffect(() => {
    if (!connection.restoredAt) return;
    setShowRestored(true);
    const id = setTimeout(() => setShowRestored(false), 4000);
    return () => clearTimeout(id);
  }, [connection.restoredAt]);

  // Removed or ended: the screen itself says so (the end screen); no banner on top of it.
  if (connection.status === 'removed' || connection.status === 'ended') return null;
  if (connection.status === 'failed' && connection.revoked) {
    const { reason, by } = connection.revoked;
    const text = t(`session.reason.${reason}`);
    return (
      <div
        className="banner banner-error"
        role="alert"
        data-testid="connection-banner"
        data-state="revoked"
        data-reason={reason}
      >
        ⚠{' '}
        {by
          ? t('conn.revokedBy', { reason: text, device: by.device })
          : t('conn.revoked', { reason: text })}
        <button
          type="button"
          className="btn btn-light"
          data-testid="sign-in-again"
          onClick={() => {
            auth.clear(reason);
            navigate({ name: 'home' }, { replace: true });
          }}
        >
          {auth.session?.grant.meetingId ? t('conn.enterNewLink') : t('conn.signInAgain')}
        </button>
      </div>
    );
  }
  if (connection.status === 'failed') {
    const by = connection.replacedBy;
    return (
      <div
        className="banner banner-error"
        role="alert"
        data-testid="connection-banner"
        data-state="failed"
        data-reason={connection.replaced ? 'replaced' : undefined}
      >
        ⚠{' '}
        {by
          ? t('conn.replacedBy', {
              device: by.device,
              time: new Date(by.at).toLocaleTimeString(locale, {
                hour: '2-digit',
                minute: '2-digit',
              }),
            })
          : connection.replaced
            ? t('conn.replaced')
            : t('conn.failed')}
        <button
          type="button"
          className="btn btn-light"
          data-testid="reconnect-now"
          onClick={() => session.retryNow()}
        >
          {t('conn.reconnectNow')}
        </button>
      </div>
    );
  }
  const socketDown = connection.status === 'reconnecting';
  const mediaDown =
    connection.status === 'connected' &&
    (connection.media === 'reconnecting' || connection.media === 'failed');
  if (socketDown || mediaDown) {
    const seconds = connection.nextRetryAt
      ? Math.max(0, Math.ceil((connection.nextRetryAt - now) / 1000))
      : 0;
    return (
      <div
        className="banner banner-warning"
        role="status"
        data-testid="connection-banner"
        data-state="reconnecting"
      >
        <span className="spinner" aria-hidden="true" />{' '}
        {t('conn.reconnecting', { attempt: Math.max(1, connection.attempt), seconds })}
        {socketDown && (
          <button
            type="button"
            className="btn btn-light"
            data-testid="reconnect-now"
            onClick={() => session.retryNow()}
          >
            {t('conn.reconnectNow')}
          </button>
        )}
      </div>
    );
  }
  if (showRestored && connection.status === 'connected') {
    return (
      <div
        className="banner banner-ok"
        role="status"
        data-testid="connection-banner"
        data-state="restored"
      >
        ✓ {t('conn.restored')}
      </div>
    );
  }
  return null;
}
