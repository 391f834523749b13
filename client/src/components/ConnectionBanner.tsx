import { useEffect, useState } from 'react';
import { useMeeting } from '../hooks/useMeeting';
import { useNow } from '../hooks/useNow';
import { useT } from '../hooks/useT';

/** The reconnect banner: what is happening, when the next retry is, and a "retry now" button. */
export function ConnectionBanner() {
  const { connection, session } = useMeeting();
  const t = useT();
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
  if (connection.status === 'failed') {
    return (
      <div
        className="banner banner-error"
        role="alert"
        data-testid="connection-banner"
        data-state="failed"
        data-reason={connection.replaced ? 'replaced' : undefined}
      >
        ⚠ {connection.replaced ? t('conn.replaced') : t('conn.failed')}
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
