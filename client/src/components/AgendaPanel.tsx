import { useAction } from '../hooks/useAction';
import { useAgenda } from '../hooks/useAgenda';
import { useT } from '../hooks/useT';
import { agendaPhase } from '../lib/agenda';
import { formatDuration } from '../lib/text';

/**
 * Agenda with the current item and its timer; chair controls when `controls`, and up/down
 * buttons to change the order when `reorder` (chair and secretary).
 */
export function AgendaPanel({
  controls = false,
  reorder = false,
}: {
  controls?: boolean;
  reorder?: boolean;
}) {
  const t = useT();
  const { items, current, remainingMs, start, next, extend, move } = useAgenda();
  const { run, busy, error } = useAction();
  return (
    <section className="panel agenda" aria-labelledby="agenda-title" data-testid="agenda-panel">
      <h2 id="agenda-title">{t('agenda.title')}</h2>
      <div className="agenda-current" data-testid="agenda-current" data-item-id={current?.id ?? ''}>
        {current ? (
          <>
            <div className="label">{t('agenda.current')}</div>
            <div className="agenda-current-title">{current.title}</div>
            {remainingMs !== null && (
              <div
                className={`timer ${remainingMs < 0 ? 'timer-over' : remainingMs < 60_000 ? 'timer-warn' : ''}`}
                data-testid="agenda-timer"
              >
                {remainingMs >= 0
                  ? t('agenda.remaining', { time: formatDuration(remainingMs) })
                  : t('agenda.overtime', { time: formatDuration(-remainingMs) })}
              </div>
            )}
          </>
        ) : (
          <div className="muted">{t('agenda.none')}</div>
        )}
      </div>
      {controls && (
        <div className="btn-row">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="agenda-next"
            disabled={busy}
            onClick={() => run(next)}
          >
            {t('agenda.next')}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="agenda-extend"
            disabled={busy || !current}
            onClick={() => run(() => extend(5))}
          >
            {t('agenda.extend')}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">{t('agenda.empty')}</p>
      ) : (
        <ol className="agenda-list">
          {items.map((item, i) => {
            const phase = agendaPhase(item);
            return (
              <li
                key={item.id}
                className={`agenda-item phase-${phase} ${item.id === current?.id ? 'current' : ''}`}
                data-testid={`agenda-item-${item.id}`}
              >
                <div className="agenda-item-main">
                  <span className="agenda-item-title">{item.title}</span>
                  <span className={`badge badge-${phase}`}>
                    {t(
                      phase === 'done'
                        ? 'agenda.done'
                        : phase === 'running'
                          ? 'agenda.running'
                          : 'agenda.pending',
                    )}
                  </span>
                </div>
                <small className="muted">
                  {t('agenda.planned', {
                    minutes: item.plannedMinutes + (item.extendedMinutes ?? 0),
                  })}
                  {item.presenterName
                    ? ` · ${t('agenda.presenter', { name: item.presenterName })}`
                    : ''}
                </small>
                {(controls || reorder) && (
                  <div className="btn-row">
                    {controls && phase === 'pending' && (
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid={`agenda-start-${item.id}`}
                        disabled={busy}
                        onClick={() => run(() => start(item.id))}
                      >
                        ▶ {t('agenda.start')}
                      </button>
                    )}
                    {reorder && (
                      <>
                        <button
                          type="button"
                          className="btn btn-small"
                          data-testid={`agenda-up-${item.id}`}
                          disabled={busy || i === 0}
                          onClick={() => run(() => move(item.id, -1))}
                          aria-label={t('agenda.moveUp', { title: item.title })}
                        >
                          ▲
                        </button>
                        <button
                          type="button"
                          className="btn btn-small"
                          data-testid={`agenda-down-${item.id}`}
                          disabled={busy || i === items.length - 1}
                          onClick={() => run(() => move(item.id, 1))}
                          aria-label={t('agenda.moveDown', { title: item.title })}
                        >
                          ▼
                        </button>
                      </>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
