import type {
  Account,
  DirectoryImportResult,
  Invitation,
  MeetingSummary,
  Role,
  Unit,
  UnitGroup,
} from '@giaoban/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useServices } from '../AppContext';
import { saveBlob } from '../api';
import { Header } from '../components/Header';
import { useAction } from '../hooks/useAction';
import { useI18n } from '../hooks/useI18n';
import { invitationsCsv } from '../lib/invitationsCsv';
import { matchesSearch } from '../lib/text';
import { GroupsTab } from './admin/GroupsTab';

type Tab = 'directory' | 'groups' | 'accounts' | 'meetings';
const TABS: Tab[] = ['directory', 'groups', 'accounts', 'meetings'];
const ROLES: Role[] = ['admin', 'chair', 'secretary', 'site', 'observer'];

/** Administration (lazy chunk): directory import, accounts, meeting set-up and invitations. */
export default function AdminPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('directory');
  return (
    <div className="page admin">
      <Header title={t('admin.title')} />
      <main id="main" className="content">
        <div className="tabs" role="tablist">
          {TABS.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className={tab === k ? 'active' : ''}
              data-testid={`admin-tab-${k}`}
              onClick={() => setTab(k)}
            >
              {t(`admin.tab.${k}`)}
            </button>
          ))}
        </div>
        {tab === 'directory' && <DirectoryTab />}
        {tab === 'groups' && <GroupsTab />}
        {tab === 'accounts' && <AccountsTab />}
        {tab === 'meetings' && <MeetingsTab />}
      </main>
    </div>
  );
}

function DirectoryTab() {
  const { t } = useI18n();
  const { api } = useServices();
  const [format, setFormat] = useState<'json' | 'csv'>('json');
  const [text, setText] = useState('');
  const [result, setResult] = useState<DirectoryImportResult | null>(null);
  const [units, setUnits] = useState<Unit[]>([]);
  const [q, setQ] = useState('');
  const action = useAction();
  const load = useCallback(
    () => action.run(async () => setUnits(await api.units())),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const shown = useMemo(
    () =>
      units.filter((u) => matchesSearch(u.fullName, q) || u.code.includes(q.trim())).slice(0, 300),
    [units, q],
  );
  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">{t('admin.import')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const body =
              format === 'json'
                ? { format, data: JSON.parse(text) as unknown }
                : { format, csv: text };
            setResult(await api.importDirectory(body));
            await load();
          });
        }}
      >
        <div className="form-row">
          <label>
            {t('admin.importFormat')}
            <select
              value={format}
              onChange={(e) => setFormat(e.target.value as 'json' | 'csv')}
              data-testid="import-format"
            >
              <option value="json">JSON</option>
              <option value="csv">CSV</option>
            </select>
          </label>
          <label>
            {t('admin.importFile')}
            <input
              type="file"
              accept=".json,.csv,application/json,text/csv"
              data-testid="import-file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (!f) return;
                setText(await f.text());
                if (f.name.toLowerCase().endsWith('.csv')) setFormat('csv');
                if (f.name.toLowerCase().endsWith('.json')) setFormat('json');
              }}
            />
          </label>
        </div>
        <label>
          {t('admin.importText')}
          <textarea
            rows={6}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="import-text"
            spellCheck={false}
          />
        </label>
        <button
          type="submit"
          className="btn btn-primary btn-large"
          disabled={action.busy || !text.trim()}
          data-testid="import-submit"
        >
          {t('admin.importSubmit')}
        </button>
      </form>
      {action.error && (
        <p className="error" role="alert" data-testid="admin-error">
          {action.error}
        </p>
      )}
      {result && (
        <div
          data-testid="import-result"
          data-imported={result.imported}
          data-rejected={result.rejected.length}
        >
          <p className="status-strong">
            {t('admin.importResult', {
              accepted: result.imported,
              rejected: result.rejected.length,
            })}
          </p>
          {result.rejected.length > 0 && (
            <table className="compact">
              <caption>{t('admin.rejected')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.rejectedRow')}</th>
                  <th scope="col">{t('admin.rejectedReason')}</th>
                </tr>
              </thead>
              <tbody>
                {result.rejected.map((r, i) => (
                  <tr key={`${r.row}:${r.reason}`} data-testid={`rejected-row-${i}`}>
                    <td>{r.row}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <h2>{t('admin.units', { count: units.length })}</h2>
      <input
        type="search"
        placeholder={t('chair.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="unit-search"
      />
      <div className="table-scroll short">
        <table className="compact" data-testid="unit-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.unitCode')}</th>
              <th scope="col">{t('admin.unitName')}</th>
              <th scope="col">{t('admin.unitType')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((u) => (
              <tr key={u.code}>
                <td>{u.code}</td>
                <td>{u.fullName}</td>
                <td>{u.kind}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AccountsTab() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [form, setForm] = useState({
    username: '',
    password: '',
    displayName: '',
    role: 'site' as Role,
    siteId: '',
    title: '',
  });
  const action = useAction();
  const load = useCallback(
    () => action.run(async () => setAccounts(await api.accounts())),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const field = (k: keyof typeof form) => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value })),
  });
  return (
    <section className="panel" aria-labelledby="acc-title">
      <h2 id="acc-title">{t('admin.createAccount')}</h2>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.createAccount({
              username: form.username.trim(),
              password: form.password,
              displayName: form.displayName.trim(),
              role: form.role,
              ...(form.role === 'site' && form.siteId.trim() ? { siteId: form.siteId.trim() } : {}),
              ...(form.title.trim() ? { title: form.title.trim() } : {}),
            });
            setForm((f) => ({
              ...f,
              username: '',
              password: '',
              displayName: '',
              siteId: '',
              title: '',
            }));
            await load();
          });
        }}
      >
        <label>
          {t('signIn.username')}
          <input {...field('username')} required data-testid="account-username" />
        </label>
        <label>
          {t('signIn.password')}
          <input
            type="password"
            {...field('password')}
            required
            minLength={8}
            data-testid="account-password"
            autoComplete="new-password"
          />
        </label>
        <label>
          {t('admin.displayName')}
          <input {...field('displayName')} required data-testid="account-name" />
        </label>
        <label>
          {t('admin.role')}
          <select {...field('role')} data-testid="account-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        {form.role === 'site' && (
          <label>
            {t('admin.siteUnit')}
            <input {...field('siteId')} data-testid="account-site" />
          </label>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-large"
          disabled={action.busy}
          data-testid="account-create"
        >
          {t('admin.createAccount')}
        </button>
      </form>
      {action.error && (
        <p className="error" role="alert" data-testid="admin-error">
          {action.error}
        </p>
      )}
      <h2>{t('admin.accounts')}</h2>
      <div className="table-scroll short">
        <table className="compact" data-testid="account-table">
          <thead>
            <tr>
              <th scope="col">{t('signIn.username')}</th>
              <th scope="col">{t('admin.displayName')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">{t('admin.siteUnit')}</th>
              <th scope="col">{t('admin.created')}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id} data-testid={`account-row-${a.username}`}>
                <td>{a.username}</td>
                <td>{a.displayName}</td>
                <td>{t(`role.${a.role}`)}</td>
                <td>{a.siteId ?? t('common.none')}</td>
                <td>{new Date(a.createdAt).toLocaleDateString(locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

type AgendaDraft = { key: number; title: string; minutes: string; presenter: string };
let draftSeq = 0;

function MeetingsTab() {
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
      {action.error && (
        <p className="error" role="alert" data-testid="admin-error">
          {action.error}
        </p>
      )}
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
