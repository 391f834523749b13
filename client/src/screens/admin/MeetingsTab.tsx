import type { Account, Invitation, MeetingSummary, UnitGroup } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { saveBlob } from '../../api';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { invitationsCsv } from '../../lib/invitationsCsv';
import { AdminError } from './AdminError';

type AgendaDraft = { key: number; title: string; minutes: string; presenter: string };
let draftSeq = 0;

/** Meeting set-up (agenda, invitations by site, group or province) and invitation links. */
export function MeetingsTab() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [meetings, setMeetings] = useState<MeetingSummary[]>([]);
  const [title, setTitle] = useState('');
  const [start, setStart] = useState(() => toLocalInput(new Date(Date.now() + 3600_000)));
  const [chairId, setChairId] = useState('');
  const [secretaryId, setSecretaryId] = useState('');
  const [siteCodes, setSiteCodes] = useState('');
  const [province, setProvince] = useState('');
  const [groups, setGroups] = useState<UnitGroup[]>([]);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [agenda, setAgenda] = useState<AgendaDraft[]>(() => [
    { key: ++draftSeq, title: '', minutes: '15', presenter: '' },
  ]);
  const [invites, setInvites] = useState<Record<string, Invitation[]>>({});
  const [copied, setCopied] = useState<string | null>(null);
  const action = useAction();
  const load = useCallback(
    () =>
      action.run(async () => {
        const [acc, list, g] = await Promise.all([api.accounts(), api.meetings(), api.groups()]);
        setAccounts(acc);
        setMeetings(list);
        setGroups(g);
      }),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const chairs = accounts.filter((a) => a.role === 'chair' || a.role === 'admin');
  const secretaries = accounts.filter((a) => a.role === 'secretary' || a.role === 'admin');
  const setItem = (i: number, patch: Partial<AgendaDraft>) =>
    setAgenda((a) => a.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  return (
    <section className="panel" aria-labelledby="mt-title">
      <h2 id="mt-title">{t('admin.meetingSetup')}</h2>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const codes = siteCodes.split(/[\s,;]+/).filter(Boolean);
            await api.createMeeting({
              title: title.trim(),
              scheduledStart: new Date(start).toISOString(),
              chairId: chairId || chairs[0]?.id || '',
              secretaryId: secretaryId || secretaries[0]?.id || '',
              ...(codes.length ? { siteIds: codes } : {}),
              ...(province.trim() ? { provinceCodes: [province.trim()] } : {}),
              ...(groupIds.length ? { groupIds } : {}),
              agenda: agenda
                .filter((a) => a.title.trim())
                .map((a) => ({
                  title: a.title.trim(),
                  plannedMinutes: Math.max(1, Number.parseInt(a.minutes, 10) || 10),
                  ...(a.presenter.trim() ? { presenterName: a.presenter.trim() } : {}),
                })),
            });
            setTitle('');
            await load();
          });
        }}
      >
        <label className="wide">
          {t('admin.meetingTitle')}
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            data-testid="meeting-title"
          />
        </label>
        <label>
          {t('admin.scheduledAt')}
          <input
            type="datetime-local"
            value={start}
            onChange={(e) => setStart(e.target.value)}
            required
            data-testid="meeting-start"
          />
        </label>
        <label>
          {t('admin.chairUser')}
          <select
            value={chairId}
            onChange={(e) => setChairId(e.target.value)}
            data-testid="meeting-chair"
          >
            {chairs.map((a) => (
              <option key={a.id} value={a.id}>
                {a.displayName} ({a.username})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.secretaryUser')}
          <select
            value={secretaryId}
            onChange={(e) => setSecretaryId(e.target.value)}
            data-testid="meeting-secretary"
          >
            {secretaries.map((a) => (
              <option key={a.id} value={a.id}>
                {a.displayName} ({a.username})
              </option>
            ))}
          </select>
        </label>
        <label className="wide">
          {t('admin.invitedSites')}
          <input
            value={siteCodes}
            onChange={(e) => setSiteCodes(e.target.value)}
            data-testid="meeting-sites"
          />
        </label>
        <label>
          {t('admin.invitedProvince')}
          <input
            value={province}
            onChange={(e) => setProvince(e.target.value)}
            data-testid="meeting-province"
            placeholder="01"
          />
        </label>
        {groups.length > 0 && (
          <fieldset className="wide" data-testid="meeting-groups">
            <legend>{t('admin.invitedGroups')}</legend>
            {groups.map((g) => (
              <label key={g.id} className="inline">
                <input
                  type="checkbox"
                  checked={groupIds.includes(g.id)}
                  data-testid={`meeting-group-${g.id}`}
                  onChange={(e) =>
                    setGroupIds((ids) =>
                      e.target.checked ? [...ids, g.id] : ids.filter((x) => x !== g.id),
                    )
                  }
                />{' '}
                {g.name} ({t('admin.groupSize', { count: g.unitCodes.length })})
              </label>
            ))}
          </fieldset>
        )}
        <fieldset className="wide agenda-editor">
          <legend>{t('admin.agenda')}</legend>
          {agenda.map((a, i) => (
            <div className="form-row" key={a.key}>
              <label>
                {t('admin.agendaItem')} {i + 1}
                <input
                  value={a.title}
                  onChange={(e) => setItem(i, { title: e.target.value })}
                  data-testid={`agenda-title-${i}`}
                />
              </label>
              <label>
                {t('admin.agendaMinutes')}
                <input
                  type="number"
                  min={1}
                  max={600}
                  value={a.minutes}
                  onChange={(e) => setItem(i, { minutes: e.target.value })}
                  data-testid={`agenda-minutes-${i}`}
                />
              </label>
              <label>
                {t('admin.agendaPresenter')}
                <input
                  value={a.presenter}
                  onChange={(e) => setItem(i, { presenter: e.target.value })}
                  data-testid={`agenda-presenter-${i}`}
                />
              </label>
              <button
                type="button"
                className="btn btn-small"
                data-testid={`agenda-remove-${i}`}
                onClick={() => setAgenda((x) => x.filter((_, j) => j !== i))}
              >
                {t('admin.removeAgendaItem')}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn"
            data-testid="agenda-add"
            onClick={() =>
              setAgenda((x) => [...x, { key: ++draftSeq, title: '', minutes: '10', presenter: '' }])
            }
          >
            {t('admin.addAgendaItem')}
          </button>
        </fieldset>
        <button
          type="submit"
          className="btn btn-primary btn-large"
          disabled={action.busy}
          data-testid="meeting-create"
        >
          {t('admin.createMeeting')}
        </button>
      </form>
      <AdminError error={action.error} />
      <h2>{t('meetings.title')}</h2>
      <ul className="meeting-list">
        {meetings.map((m) => (
          <li key={m.id} className="panel meeting-card" data-testid={`admin-meeting-${m.id}`}>
            <div>
              <h3>{m.title}</h3>
              <p className="muted">
                {new Date(m.scheduledStart).toLocaleString(locale)} ·{' '}
                {t('meetings.sites', { count: m.siteCount })} ·{' '}
                <span className={`badge state-${m.state}`}>{t(`state.${m.state}`)}</span>
              </p>
              <div className="btn-row">
                {m.state === 'draft' && (
                  <button
                    type="button"
                    className="btn"
                    data-testid={`schedule-${m.id}`}
                    onClick={() =>
                      void action.run(async () => {
                        await api.transition(m.id, 'scheduled');
                        await load();
                      })
                    }
                  >
                    {t('admin.schedule')}
                  </button>
                )}
                <button
                  type="button"
                  className="btn"
                  data-testid={`invitations-load-${m.id}`}
                  onClick={() =>
                    void action.run(async () => {
                      const list = await api.invitations(m.id);
                      setInvites((x) => ({ ...x, [m.id]: list }));
                    })
                  }
                >
                  {t('admin.loadInvitations')}
                </button>
              </div>
              {invites[m.id] && invites[m.id]!.length > 0 && (
                <div className="table-scroll short">
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid={`invitations-csv-${m.id}`}
                    onClick={() =>
                      saveBlob(
                        new Blob(
                          [
                            invitationsCsv(invites[m.id]!, {
                              code: t('admin.unitCode'),
                              site: t('admin.inviteSite'),
                              link: t('admin.invitations'),
                              expires: t('admin.inviteExpires'),
                            }),
                          ],
                          { type: 'text/csv;charset=utf-8' },
                        ),
                        `${t('admin.inviteFile')}-${m.id}.csv`,
                      )
                    }
                  >
                    {t('admin.downloadInvitations', { count: invites[m.id]!.length })}
                  </button>
                  <table className="compact" data-testid={`invitations-${m.id}`}>
                    <caption>{t('admin.invitations')}</caption>
                    <tbody>
                      {invites[m.id]!.map((inv) => (
                        <tr key={inv.siteId}>
                          <td>{inv.siteName}</td>
                          <td>
                            <input
                              readOnly
                              value={inv.url}
                              className="mono"
                              data-testid={`invite-link-${inv.siteId}`}
                              onFocus={(e) => e.target.select()}
                            />
                          </td>
                          <td>
                            <button
                              type="button"
                              className="btn btn-small"
                              data-testid={`copy-invite-${inv.siteId}`}
                              onClick={() =>
                                void navigator.clipboard?.writeText(inv.url).then(
                                  () => setCopied(inv.siteId),
                                  () => setCopied(null),
                                )
                              }
                            >
                              {copied === inv.siteId ? `✓ ${t('admin.copied')}` : t('admin.copy')}
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
