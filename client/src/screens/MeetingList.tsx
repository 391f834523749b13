import type { MeetingSummary } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../AppContext';
import type { AuthSession } from '../AuthStore';
import { saveBlob } from '../api';
import { Header } from '../components/Header';
import { useAction } from '../hooks/useAction';
import { useAuth } from '../hooks/useAuth';
import { useI18n } from '../hooks/useI18n';
import { navigate } from '../hooks/useRoute';
import { matchesSearch } from '../lib/text';
import { PrepareReports } from './reports/PrepareReports';

/** Meetings that concern this role: the chair's own, the secretary's own, a site's invitations. */
export function meetingsForRole(
  list: readonly MeetingSummary[],
  session: AuthSession,
): MeetingSummary[] {
  const { role, sub, meetingId } = session.grant;
  let out = list.filter((m) => m.state !== 'draft' || role === 'admin' || role === 'secretary');
  if (meetingId) out = out.filter((m) => m.id === meetingId);
  if (role === 'chair') out = out.filter((m) => m.chairId === sub);
  if (role === 'secretary') out = out.filter((m) => m.secretaryId === sub);
  const rank = { in_session: 0, open: 1, adjourned: 2, scheduled: 3, draft: 4, closed: 5 } as const;
  return [...out].sort(
    (a, b) => rank[a.state] - rank[b.state] || a.scheduledStart.localeCompare(b.scheduledStart),
  );
}

export function MeetingList() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const session = useAuth()!;
  const [list, setList] = useState<MeetingSummary[] | null>(null);
  const { run, error } = useAction();
  const [exporting, setExporting] = useState(false);
  const load = useCallback(() => run(async () => setList(await api.meetings())), [api, run]);
  useEffect(() => {
    void load();
  }, [load]);
  const role = session.grant.role;
  const [query, setQuery] = useState('');
  // Search by title, date (dd/mm/yyyy) or state, without diacritics: the archive's way in.
  const shown = list
    ? meetingsForRole(list, session).filter(
        (m) =>
          !query.trim() ||
          matchesSearch(
            `${m.title} ${new Date(m.scheduledStart).toLocaleDateString('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric' })} ${t(`state.${m.state}`)}`,
            query,
          ),
      )
    : null;
  return (
    <div className="page">
      <Header title={t('meetings.title')}>
        {(role === 'admin' || role === 'secretary' || role === 'chair') && (
          <button
            type="button"
            className="btn btn-light"
            data-testid="nav-archive"
            onClick={() => navigate({ name: 'archiveSearch' })}
          >
            {t('archive.search.open')}
          </button>
        )}
        {role === 'admin' && (
          <button
            type="button"
            className="btn btn-light"
            data-testid="nav-admin"
            onClick={() => navigate({ name: 'admin' })}
          >
            ⚙ {t('meetings.admin')}
          </button>
        )}
      </Header>
      <main id="main" className="content">
        <div className="toolbar">
          <h1>{t('meetings.title')}</h1>
          <button
            type="button"
            className="btn"
            data-testid="meetings-refresh"
            onClick={() => void load()}
          >
            ⟳ {t('meetings.refresh')}
          </button>
        </div>
        <input
          type="search"
          className="input meetings-search"
          data-testid="meetings-search"
          aria-label={t('meetings.search')}
          placeholder={t('meetings.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {shown === null ? (
          <p role="status">{t('app.loading')}</p>
        ) : shown.length === 0 ? (
          <p className="muted" data-testid="meetings-empty">
            {t('meetings.empty')}
          </p>
        ) : (
          <ul className="meeting-list" data-testid="meeting-list">
            {shown.map((m) => (
              <li key={m.id} className="panel meeting-card" data-testid={`meeting-${m.id}`}>
                <div>
                  <h2>{m.title}</h2>
                  <p className="muted">
                    {t('meetings.scheduledAt', {
                      time: new Date(m.scheduledStart).toLocaleString(locale),
                    })}{' '}
                    · {t('meetings.sites', { count: m.siteCount })}
                  </p>
                  <span className={`badge state-${m.state}`} data-testid={`meeting-state-${m.id}`}>
                    {t(`state.${m.state}`)}
                  </span>
                  {m.locked && <span className="badge badge-locked">{t('chair.locked')}</span>}
                  <PrepareReports meetingId={m.id} state={m.state} viewer={role} />
                </div>
                <div className="btn-row">
                  {(role === 'admin' ||
                    role === 'secretary' ||
                    role === 'chair' ||
                    role === 'observer') && (
                    <button
                      type="button"
                      className="btn"
                      data-testid={`print-meeting-${m.id}`}
                      onClick={() => navigate({ name: 'print', meetingId: m.id })}
                    >
                      {t('meetings.print')}
                    </button>
                  )}
                  {(role === 'admin' || role === 'secretary' || role === 'chair') &&
                    m.state === 'closed' && (
                      <button
                        type="button"
                        className="btn"
                        data-testid={`archive-meeting-${m.id}`}
                        onClick={() => navigate({ name: 'archive', meetingId: m.id })}
                      >
                        {t('meetings.archive')}
                      </button>
                    )}
                  {(role === 'admin' || role === 'secretary' || role === 'chair') && (
                    <button
                      type="button"
                      className="btn"
                      data-testid={`minutes-meeting-${m.id}`}
                      disabled={exporting}
                      onClick={() =>
                        void run(async () => {
                          setExporting(true);
                          try {
                            const file = await api.download(m.id, 'minutes.pdf');
                            saveBlob(file.blob, file.filename);
                          } finally {
                            setExporting(false);
                          }
                        })
                      }
                    >
                      {t('secretary.exportMinutesPdf')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn-primary btn-large"
                    data-testid={`open-meeting-${m.id}`}
                    disabled={m.state === 'closed' || m.state === 'draft'}
                    onClick={() => navigate({ name: 'meeting', meetingId: m.id })}
                  >
                    {t('meetings.openAs', { role: t(`role.${role}`) })}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}
