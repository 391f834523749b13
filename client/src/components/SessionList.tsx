import type { SessionView } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useAction } from '../hooks/useAction';
import { useI18n } from '../hooks/useI18n';
import { dateTime } from '../lib/dateTime';

/**
 * The sessions of an account (or of the signed-in user): browser, address, when signed in and
 * last used, and a button to end each one, or all of them.
 */
export function SessionList({
  load,
  end,
  endAll,
  admin = false,
}: {
  /** An admin looking at someone else's account (another hint). */
  admin?: boolean;
  load: () => Promise<SessionView[]>;
  end: (s: SessionView) => Promise<unknown>;
  endAll?: () => Promise<unknown>;
}) {
  const { t, locale } = useI18n();
  const [list, setList] = useState<SessionView[] | null>(null);
  const [done, setDone] = useState(false);
  const action = useAction();
  const refresh = useCallback(
    () => action.run(async () => setList(await load())),
    [action.run, load],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const when = (iso: string) => dateTime(iso, locale);
  const live = list?.filter((s) => !s.revokedAt) ?? [];
  return (
    <div data-testid="session-list">
      <p className="muted">{t(admin ? 'sessions.hintAdmin' : 'sessions.hint')}</p>
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
      {done && (
        <p className="status-strong ok" role="status">
          ✓ {t('sessions.done')}
        </p>
      )}
      {list && list.length === 0 && <p>{t('sessions.empty')}</p>}
      {list && list.length > 0 && (
        <div className="table-scroll short">
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t('sessions.device')}</th>
                <th scope="col">{t('sessions.ip')}</th>
                <th scope="col">{t('sessions.created')}</th>
                <th scope="col">{t('sessions.lastUsed')}</th>
                <th scope="col">{t('sessions.state')}</th>
                <th scope="col">
                  <span className="sr-only">{t('sessions.end')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id} data-testid="session-row" data-current={s.current || undefined}>
                  <td title={s.userAgent}>
                    <strong>{s.device}</strong>
                    {s.current && <span className="status status-ok">{t('sessions.current')}</span>}
                  </td>
                  <td className="mono-cell">{s.ip}</td>
                  <td>{when(s.createdAt)}</td>
                  <td>{when(s.lastUsedAt)}</td>
                  <td>
                    {s.revokedAt ? (
                      <span className="muted">
                        {t('sessions.ended', {
                          reason: t(`session.reason.${s.revokedReason ?? 'revoked'}`),
                        })}
                      </span>
                    ) : (
                      <span className="status status-ok">{t('sessions.active')}</span>
                    )}
                  </td>
                  <td>
                    {!s.revokedAt && !s.current && (
                      <button
                        type="button"
                        className="btn btn-danger-outline btn-small"
                        disabled={action.busy}
                        data-testid="session-end"
                        onClick={() =>
                          void action.run(async () => {
                            await end(s);
                            setDone(true);
                            setList(await load());
                          })
                        }
                      >
                        {t('sessions.end')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {endAll && live.length > 0 && (
        <p>
          <button
            type="button"
            className="btn btn-danger"
            disabled={action.busy}
            data-testid="session-end-all"
            onClick={() =>
              void action.run(async () => {
                await endAll();
                setDone(true);
                setList(await load());
              })
            }
          >
            {t('sessions.endAll')}
          </button>
        </p>
      )}
    </div>
  );
}
