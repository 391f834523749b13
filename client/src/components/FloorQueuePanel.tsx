import { useAction } from '../hooks/useAction';
import { useFloor } from '../hooks/useFloor';
import { useMeeting } from '../hooks/useMeeting';
import { useNow } from '../hooks/useNow';
import { useT } from '../hooks/useT';
import { queueSections, speakingTimer } from '../lib/floorQueue';
import { serverNow } from '../lib/meetingState';
import { formatDuration } from '../lib/text';

/** The chair's floor panel: who speaks (with the timer), the queue, grant / revoke / next. */
export function FloorQueuePanel() {
  const t = useT();
  const { state } = useMeeting();
  const { holder, queue, grant, decline, revoke, next, move } = useFloor();
  const { run, busy, error } = useAction();
  const now = useNow(500);
  const timer = holder && state ? speakingTimer(holder, serverNow(state, now)) : null;
  const agendaTitle = (itemId?: string) =>
    state?.meeting.agenda.find((i) => i.id === itemId)?.title ?? '';
  const ended = state?.meeting.state === 'closed';
  const currentItemId = state?.meeting.currentItemId;
  // General remarks apart from the current item's requests; numbers stay the queue's order
  // (what "next" follows).
  const sections = queueSections(queue, currentItemId).map((sec) => ({
    ...sec,
    title:
      sec.key === 'item'
        ? `${t('floor.sectionItem')}: ${agendaTitle(currentItemId)}`
        : sec.key === 'other'
          ? t('floor.sectionOther')
          : t('floor.sectionGeneral'),
  }));
  return (
    <section className="panel floor" aria-labelledby="floor-title" data-testid="floor-panel">
      <h2 id="floor-title">{t('floor.queue')}</h2>
      <div
        className={`floor-holder ${timer ? `timer-${timer.state}` : ''}`}
        data-testid="floor-holder"
        data-site-id={holder?.siteId ?? ''}
      >
        <div className="label">{t('floor.holder')}</div>
        {holder ? (
          <>
            <div className="floor-holder-name">{holder.siteName}</div>
            {timer && (
              <div className="timer" data-testid="speaking-timer" data-state={timer.state}>
                {t('floor.timer')}: {formatDuration(timer.elapsedMs)}
                {timer.remainingMs !== null && ` / ${formatDuration(holder.limitSeconds * 1000)}`}
                {timer.state === 'warning' && <strong> · {t('floor.timerWarning')}</strong>}
                {timer.state === 'over' && <strong> · {t('floor.timerOver')}</strong>}
              </div>
            )}
            <button
              type="button"
              className="btn btn-danger"
              data-testid="revoke-floor"
              disabled={busy || ended}
              onClick={() => run(revoke)}
            >
              {t('floor.revoke')}
            </button>
          </>
        ) : (
          <div className="muted">{t('floor.nobody')}</div>
        )}
      </div>
      <button
        type="button"
        className="btn btn-primary btn-block"
        data-testid="floor-next"
        disabled={busy || ended || queue.length === 0}
        onClick={() => run(next)}
      >
        {t('floor.next')}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {queue.length === 0 ? (
        <p className="muted" data-testid="floor-queue-empty">
          {t('floor.queueEmpty')}
        </p>
      ) : (
        <div className="queue-sections" data-testid="floor-queue">
          {sections.map((sec) => (
            <section
              key={sec.key}
              className="queue-section"
              data-testid={`queue-section-${sec.key}`}
            >
              <h3>{sec.title}</h3>
              <ol className="queue">
                {sec.entries.map(({ r, i }) => (
                  <li key={r.siteId} data-testid={`queue-entry-${r.siteId}`} data-section={sec.key}>
                    <div className="queue-main">
                      <span className="queue-pos">{i + 1}</span>
                      <span>
                        <strong>{r.siteName}</strong>
                        {sec.key === 'other' && (
                          <small className="muted"> · {agendaTitle(r.itemId)}</small>
                        )}
                      </span>
                    </div>
                    <div className="btn-row">
                      <button
                        type="button"
                        className="btn btn-small btn-primary"
                        data-testid={`grant-floor-${r.siteId}`}
                        disabled={busy || ended}
                        onClick={() => run(() => grant(r.siteId))}
                      >
                        {t('floor.grant')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid={`queue-up-${r.siteId}`}
                        disabled={busy || ended || i === 0}
                        onClick={() => run(() => move(r.siteId, -1))}
                        aria-label={`${t('floor.moveUp')} ${r.siteName}`}
                      >
                        ▲
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid={`queue-down-${r.siteId}`}
                        disabled={busy || ended || i === queue.length - 1}
                        onClick={() => run(() => move(r.siteId, 1))}
                        aria-label={`${t('floor.moveDown')} ${r.siteName}`}
                      >
                        ▼
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger-outline"
                        data-testid={`decline-floor-${r.siteId}`}
                        disabled={busy || ended}
                        onClick={() => run(() => decline(r.siteId))}
                        aria-label={`${t('floor.decline')} ${r.siteName}`}
                      >
                        {t('floor.decline')}
                      </button>
                    </div>
                  </li>
                ))}
              </ol>
            </section>
          ))}
        </div>
      )}
    </section>
  );
}
