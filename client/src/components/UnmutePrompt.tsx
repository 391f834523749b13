import { useAction } from '../hooks/useAction';
import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';

/**
 * The chair asked this site to unmute: a clear prompt and one button. The mic opens only on that
 * click (the hub never opens a site's mic by itself, and neither does the client).
 */
export function UnmutePrompt() {
  const t = useT();
  const { state, local, session } = useMeeting();
  const { run, busy, error } = useAction();
  if (!state?.askedToUnmute || local.micOn) return null;
  return (
    <section
      className="panel unmute-prompt"
      role="alertdialog"
      aria-labelledby="unmute-title"
      aria-describedby="unmute-body"
      data-testid="asked-to-unmute"
    >
      <h2 id="unmute-title">{t('media.unmute.title')}</h2>
      <p id="unmute-body">{t('media.unmute.body')}</p>
      <button
        type="button"
        className="btn btn-primary btn-large btn-block"
        data-testid="accept-unmute"
        disabled={busy}
        onClick={() => void run(() => session.acceptUnmute())}
      >
        {t('media.unmute.accept')}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
