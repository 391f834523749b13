import type {
  Account,
  Invitation,
  Meeting,
  MeetingSummary,
  Unit,
  UnitGroup,
} from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { saveBlob } from '../../api';
import { InvitationManager } from '../../components/InvitationManager';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { invitationsCsv } from '../../lib/invitationsCsv';
import { formatVnDateTime } from '../../lib/vnDateTime';
import { PrepareReports } from '../reports/PrepareReports';
import { AdminError } from './AdminError';
import { MeetingForm } from './MeetingForm';

/** Meeting set-up and editing (until closed), the list of meetings and their invitation links. */
export function MeetingsTab() {
  const { t } = useI18n();
  const { api } = useServices();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [meetings, setMeetings] = useState<MeetingSummary[]>([]);
  const [groups, setGroups] = useState<UnitGroup[]>([]);
  const [units, setUnits] = useState<Unit[]>([]);
  const [editing, setEditing] = useState<Meeting | null>(null);
  const [saved, setSaved] = useState<{ title: string; created: boolean } | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [invites, setInvites] = useState<Record<string, Invitation[]>>({});
  const [copied, setCopied] = useState<string | null>(null);
  const action = useAction();
  const load = useCallback(
    () =>
      action.run(async () => {
        const [acc, list, g, u] = await Promise.all([
          api.accounts(),
          api.meetings(),
          api.groups(),
          api.units(),
        ]);
        setAccounts(acc);
        setMeetings(list);
        setGroups(g);
        setUnits(u);
      }),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="panel" aria-labelledby="mt-title">
      <h2 id="mt-title">
        {editing ? t('admin.editMeeting', { title: editing.title }) : t('admin.meetingSetup')}
      </h2>
      {saved && (
        <p
          className="success"
          role="status"
          data-testid="meeting-saved"
          ref={(el) => el?.scrollIntoView?.({ block: 'center' })}
        >
          {saved.created
            ? t('admin.meetingCreatedNamed', { title: saved.title })
            : t('admin.meetingSavedNamed', { title: saved.title })}
        </p>
      )}
      <MeetingForm
        key={editing ? `edit-${editing.id}` : `new-${formKey}`}
        accounts={accounts}
        units={units}
        groups={groups}
        editing={editing}
        onSaved={(m, created) => {
          setSaved({ title: m.title, created });
          setEditing(null);
          setFormKey((k) => k + 1);
          void load();
        }}
        {...(editing ? { onCancel: () => setEditing(null) } : {})}
      />
      <AdminError error={action.error} />
      <h2>{t('meetings.title')}</h2>
      <ul className="meeting-list">
        {meetings.map((m) => (
          <li key={m.id} className="panel meeting-card" data-testid={`admin-meeting-${m.id}`}>
            <div>
              <h3>{m.title}</h3>
              <p className="muted">
                {formatVnDateTime(m.scheduledStart)} · {t('meetings.sites', { count: m.siteCount })}{' '}
                · <span className={`badge state-${m.state}`}>{t(`state.${m.state}`)}</span>
              </p>
              <div className="btn-row">
                {m.state !== 'closed' && (
                  <button
                    type="button"
                    className="btn"
                    data-testid={`edit-${m.id}`}
                    onClick={() =>
                      void action.run(async () => {
                        setSaved(null);
                        setEditing(await api.meeting(m.id));
                        document.getElementById('mt-title')?.scrollIntoView?.();
                      })
                    }
                  >
                    {t('admin.edit')}
                  </button>
                )}
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
                {m.state !== 'closed' && (
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
                )}
              </div>
              <PrepareReports meetingId={m.id} state={m.state} viewer="admin" />
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
              <InvitationManager meetingId={m.id} closed={m.state === 'closed'} />
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
