import type { Invitation, InvitationView } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../AppContext';
import { useAction } from '../hooks/useAction';
import { useI18n } from '../hooks/useI18n';
import { dateTime } from '../lib/dateTime';

/**
 * The secretary's view of a meeting's invitation links: which still work, how often and from
 * where each was used, one-browser-at-a-time, and revoking (optionally re-issuing) a leaked one.
 */
export function InvitationManager({
  meetingId,
  autoLoad = false,
  closed = false,
}: {
  meetingId: string;
  autoLoad?: boolean;
  /** The meeting is over: its links no longer open it; their uses stay to be seen. */
  closed?: boolean;
}) {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const [list, setList] = useState<InvitationView[] | null>(null);
  const [fresh, setFresh] = useState<Invitation | null>(null);
  const [copied, setCopied] = useState(false);
  const action = useAction();
  const load = useCallback(
    () => action.run(async () => setList(await api.invitationRecords(meetingId))),
    [action.run, api, meetingId],
  );
  useEffect(() => {
    if (autoLoad) void load();
  }, [autoLoad, load]);
  const when = (iso: string) => dateTime(iso, locale);
  const revoke = (inv: InvitationView, reissue: boolean) => {
    if (!window.confirm(t('inv.confirmRevoke', { site: inv.siteName }))) return;
    void action.run(async () => {
      const r = await api.revokeInvitation(meetingId, inv.id, reissue);
      setFresh(r.replacement ?? null);
      setCopied(false);
      setList(await api.invitationRecords(meetingId));
    });
  };
  // Revoked links that were replaced are history: show the live ones first.
  const shown = list
    ? [...list].sort((a, b) => Number(!!a.revokedAt) - Number(!!b.revokedAt))
    : null;
  return (
    <div className="invitation-manager" data-testid={`invitation-manager-${meetingId}`}>
      {closed && (
        <p className="muted" data-testid={`invitations-closed-${meetingId}`}>
          {t('inv.meetingClosed')}
        </p>
      )}
      <button
        type="button"
        className="btn"
        disabled={action.busy}
        data-testid={`invitation-status-${meetingId}`}
        onClick={() => void load()}
      >
        {autoLoad || list ? t('inv.reload') : t('inv.load')}
      </button>
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
      {fresh && (
        <div className="notice" role="status" data-testid="invitation-new-link">
          <p>{t('inv.newLink', { site: fresh.siteName })}</p>
          <div className="row">
            <input
              readOnly
              value={fresh.url}
              className="mono"
              onFocus={(e) => e.target.select()}
              aria-label={t('inv.newLink', { site: fresh.siteName })}
            />
            <button
              type="button"
              className="btn btn-small"
              onClick={() =>
                void navigator.clipboard?.writeText(fresh.url).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? `✓ ${t('inv.copied')}` : t('inv.copy')}
            </button>
          </div>
        </div>
      )}
      {shown && (
        <>
          {!autoLoad && <h3>{t('inv.title')}</h3>}
          {!closed && <p className="muted">{t('inv.hint')}</p>}
          <div className="table-scroll short">
            <table className="compact" data-testid={`invitation-records-${meetingId}`}>
              <thead>
                <tr>
                  <th scope="col">{t('inv.site')}</th>
                  <th scope="col">{t('inv.status')}</th>
                  <th scope="col">{t('inv.expires')}</th>
                  <th scope="col">{t('inv.uses')}</th>
                  <th scope="col">{t('inv.singleBrowser')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('inv.revoke')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((inv) => {
                  const last = inv.uses.recent[0];
                  const expired = Date.parse(inv.expiresAt) <= Date.now();
                  return (
                    <tr
                      key={inv.id}
                      data-testid={`invitation-row-${inv.siteId}`}
                      data-state={inv.revokedAt ? 'revoked' : 'active'}
                    >
                      <td>
                        <strong>{inv.siteName}</strong>
                        <br />
                        <span className="muted">{inv.siteId}</span>
                      </td>
                      <td>
                        {inv.revokedAt ? (
                          <span className="status status-bad">
                            {t('inv.revoked', { time: when(inv.revokedAt) })}
                            {inv.replacedBy ? ` · ${t('inv.replaced')}` : ''}
                          </span>
                        ) : closed ? (
                          <span className="status status-idle">{t('inv.expiredClosed')}</span>
                        ) : expired ? (
                          <span className="status status-idle">{t('inv.expired')}</span>
                        ) : (
                          <span className="status status-ok">{t('inv.active')}</span>
                        )}
                        {!inv.revokedAt && !closed && inv.activeSessions > 0 && (
                          <div className="muted">
                            {t('inv.browsers', { count: inv.activeSessions })}
                          </div>
                        )}
                      </td>
                      <td
                        className="invitation-expires"
                        data-testid={`invitation-expires-${inv.siteId}`}
                      >
                        {when(inv.expiresAt)}
                      </td>
                      <td>
                        {inv.uses.total === 0 ? (
                          <span className="muted">{t('inv.neverUsed')}</span>
                        ) : (
                          <>
                            {t('inv.usesCount', { count: inv.uses.total })}
                            {last && (
                              <div className="muted">
                                {t('inv.lastUse', {
                                  time: when(last.at),
                                  device: last.device,
                                  ip: last.ip,
                                })}
                              </div>
                            )}
                            {inv.uses.recent.length > 1 && (
                              <details
                                className="invitation-uses"
                                data-testid={`invitation-uses-${inv.siteId}`}
                              >
                                <summary>
                                  {t('inv.showUses', { count: inv.uses.recent.length })}
                                </summary>
                                <ol>
                                  {inv.uses.recent.map((u) => (
                                    <li key={`${u.at}-${u.ip}-${u.device}`}>
                                      {t('inv.useLine', {
                                        time: when(u.at),
                                        device: u.device,
                                        ip: u.ip,
                                      })}
                                    </li>
                                  ))}
                                </ol>
                              </details>
                            )}
                          </>
                        )}
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          checked={inv.singleBrowser}
                          disabled={!!inv.revokedAt || closed || action.busy}
                          title={t('inv.singleBrowserHint')}
                          aria-label={`${t('inv.singleBrowser')}: ${inv.siteName}`}
                          data-testid={`invitation-single-${inv.siteId}`}
                          onChange={(e) => {
                            const on = e.target.checked;
                            void action.run(async () => {
                              await api.invitations(meetingId, [inv.siteId], {
                                singleBrowser: on,
                              });
                              setList(await api.invitationRecords(meetingId));
                            });
                          }}
                        />
                      </td>
                      <td>
                        {!inv.revokedAt && !closed && (
                          <div className="row">
                            <button
                              type="button"
                              className="btn btn-danger-outline btn-small"
                              disabled={action.busy}
                              data-testid={`invitation-revoke-${inv.siteId}`}
                              onClick={() => revoke(inv, false)}
                            >
                              {t('inv.revoke')}
                            </button>
                            <button
                              type="button"
                              className="btn btn-small"
                              disabled={action.busy}
                              data-testid={`invitation-reissue-${inv.siteId}`}
                              onClick={() => revoke(inv, true)}
                            >
                              {t('inv.reissue')}
                            </button>
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
