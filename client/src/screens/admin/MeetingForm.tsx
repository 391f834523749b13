import {
  type Account,
  CreateMeetingBody,
  type Meeting,
  type Unit,
  type UnitGroup,
} from '@giaoban/shared';
import { useMemo, useRef, useState } from 'react';
import { useServices } from '../../AppContext';
import type { CreateMeetingInput } from '../../api';
import { errorMessage } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import type { MessageKey } from '../../i18n/catalogues';
import { type FormIssue, issuesByField, issueText } from '../../lib/formIssues';
import {
  formatVnDate,
  formatVnTime,
  parseVnDate,
  parseVnTime,
  vnToIso,
} from '../../lib/vnDateTime';
import { UnitBrowser } from './UnitBrowser';

type AgendaDraft = {
  key: number;
  id?: string;
  title: string;
  minutes: string;
  presenter: string;
  presenterSiteIds: string[];
};

interface Draft {
  title: string;
  date: string;
  time: string;
  chairId: string;
  secretaryId: string;
  issuingBody: string;
  parentBody: string;
  documentNumber: string;
  place: string;
  hostLocation: string;
  sites: Set<string>;
  groupIds: string[];
  lateGraceMinutes: string;
  speakingLimitMinutes: string;
  agenda: AgendaDraft[];
}

let draftSeq = 0;
const emptyItem = (minutes = '15'): AgendaDraft => ({
  key: ++draftSeq,
  title: '',
  minutes,
  presenter: '',
  presenterSiteIds: [],
});

function emptyDraft(now = Date.now()): Draft {
  // Next full hour, in Vietnam time.
  const start = Math.ceil((now + 30 * 60_000) / 3_600_000) * 3_600_000;
  return {
    title: '',
    date: formatVnDate(start),
    time: formatVnTime(start),
    chairId: '',
    secretaryId: '',
    issuingBody: '',
    parentBody: '',
    documentNumber: '',
    place: '',
    hostLocation: '',
    sites: new Set(),
    groupIds: [],
    lateGraceMinutes: '10',
    speakingLimitMinutes: '5',
    agenda: [emptyItem()],
  };
}

function draftOf(m: Meeting): Draft {
  return {
    title: m.title,
    date: formatVnDate(m.scheduledStart),
    time: formatVnTime(m.scheduledStart),
    chairId: m.chairId,
    secretaryId: m.secretaryId,
    issuingBody: m.issuingBody,
    parentBody: m.parentBody ?? '',
    documentNumber: m.documentNumber ?? '',
    place: m.place,
    hostLocation: m.hostLocation ?? '',
    sites: new Set(m.siteIds),
    groupIds: [],
    lateGraceMinutes: String(m.lateGraceMinutes),
    speakingLimitMinutes: String(Math.round(m.speakingLimitSeconds / 60)),
    agenda: m.agenda.map((a) => ({
      key: ++draftSeq,
      id: a.id,
      title: a.title,
      minutes: String(a.plannedMinutes),
      presenter: a.presenterName ?? '',
      presenterSiteIds: [...a.presenterSiteIds],
    })),
  };
}

/** Once sites may be connected only the minutes' fields change (the hub enforces the same). */
const LIVE_STATES = new Set(['open', 'in_session', 'adjourned']);

const FIELD_LABELS: Record<string, MessageKey> = {
  title: 'admin.meetingTitle',
  scheduledStart: 'admin.scheduledAt',
  chairId: 'admin.chairUser',
  secretaryId: 'admin.secretaryUser',
  issuingBody: 'admin.issuingBody',
  parentBody: 'admin.parentBody',
  documentNumber: 'admin.documentNumber',
  place: 'admin.place',
  hostLocation: 'admin.hostLocation',
  siteIds: 'admin.invitedSites',
  groupIds: 'admin.invitedGroups',
  lateGraceMinutes: 'admin.lateGrace',
  speakingLimitSeconds: 'admin.speakingLimit',
  agenda: 'admin.agenda',
};
const AGENDA_LABELS: Record<string, MessageKey> = {
  title: 'admin.agendaItem',
  plannedMinutes: 'admin.agendaMinutes',
  presenterName: 'admin.agendaPresenter',
  presenterSiteIds: 'admin.agendaPresenterSites',
};

/**
 * Create or edit a meeting: everything the minutes print (issuing body, number and symbol, place,
 * host bridge point), who chairs and who takes the minutes (chosen, never defaulted), the invited
 * sites from the directory picker or saved groups, and the agenda with its presenting sites.
 * Input is checked with the hub's own schema before it is sent; each problem names its field and
 * limit next to the field and in a summary above the button.
 */
export function MeetingForm({
  accounts,
  units,
  groups,
  editing,
  onSaved,
  onCancel,
}: {
  accounts: readonly Account[];
  units: readonly Unit[];
  groups: readonly UnitGroup[];
  editing: Meeting | null;
  onSaved: (m: Meeting, created: boolean) => void;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const { api } = useServices();
  const [draft, setDraft] = useState<Draft>(() => (editing ? draftOf(editing) : emptyDraft()));
  const [issues, setIssues] = useState<Array<{ key: string; text: string }>>([]);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submitting = useRef(false);
  const live = editing ? LIVE_STATES.has(editing.state) : false;
  const names = useMemo(() => new Map(units.map((u) => [u.code, u.fullName])), [units]);
  // The accounts of that role first; admins may stand in, listed after them.
  const eligible = (role: 'chair' | 'secretary') =>
    accounts
      .filter((a) => !a.disabled && (a.role === role || a.role === 'admin'))
      .sort((a, b) => Number(a.role === 'admin') - Number(b.role === 'admin'));
  const chairs = eligible('chair');
  const secretaries = eligible('secretary');
  // Editing a field takes its complaint away; the others stay until the next attempt.
  const clear = (keys: string[]) =>
    setIssues((list) =>
      list.some((i) => keys.includes(i.key)) ? list.filter((i) => !keys.includes(i.key)) : list,
    );
  const ISSUE_KEYS: Partial<Record<keyof Draft, string[]>> = {
    date: ['scheduledStart'],
    time: ['scheduledStart'],
    sites: ['siteIds'],
    groupIds: ['siteIds', 'groupIds'],
    speakingLimitMinutes: ['speakingLimitSeconds'],
  };
  const set = (patch: Partial<Draft>) => {
    clear(Object.keys(patch).flatMap((k) => ISSUE_KEYS[k as keyof Draft] ?? [k]));
    setDraft((d) => ({ ...d, ...patch }));
  };
  const setItem = (i: number, patch: Partial<AgendaDraft>) => {
    clear(
      Object.keys(patch).map(
        (k) =>
          `agenda.${i}.${k === 'minutes' ? 'plannedMinutes' : k === 'presenter' ? 'presenterName' : k}`,
      ),
    );
    setDraft((d) => ({ ...d, agenda: d.agenda.map((x, j) => (j === i ? { ...x, ...patch } : x)) }));
  };
  const byField = new Map(issues.map((i) => [i.key, i.text]));
  const fieldLabel = (path: readonly PropertyKey[]): string => {
    const [head, index, sub] = path.map(String);
    if (head === 'agenda' && index !== undefined && sub !== undefined) {
      return `${t('admin.agendaItem')} ${Number(index) + 1} — ${t(AGENDA_LABELS[sub] ?? 'admin.agendaItem')}`;
    }
    return t(FIELD_LABELS[head ?? ''] ?? 'form.thisField');
  };
  const invalid = (key: string) =>
    byField.has(key) ? { 'aria-invalid': true, 'aria-describedby': `err-${key}` } : {};
  const fieldError = (key: string) =>
    byField.has(key) ? (
      <span className="field-error" id={`err-${key}`} data-testid={`field-error-${key}`}>
        {byField.get(key)}
      </span>
    ) : null;

  const body = (): { input: CreateMeetingInput; local: FormIssue[] } => {
    const local: FormIssue[] = [];
    const when = vnToIso(draft.date, draft.time);
    if (!parseVnDate(draft.date) || parseVnTime(draft.time) === null) {
      local.push({ path: ['scheduledStart'], code: 'vn_datetime', message: 'date' });
    }
    const groupSites = new Set(
      groups.filter((g) => draft.groupIds.includes(g.id)).flatMap((g) => g.unitCodes),
    );
    const invited = new Set([...draft.sites, ...groupSites]);
    const input: CreateMeetingInput = {
      title: draft.title.trim(),
      scheduledStart: when ?? '',
      chairId: draft.chairId,
      secretaryId: draft.secretaryId,
      issuingBody: draft.issuingBody.trim(),
      place: draft.place.trim(),
      ...(draft.parentBody.trim() ? { parentBody: draft.parentBody.trim() } : {}),
      ...(draft.documentNumber.trim() ? { documentNumber: draft.documentNumber.trim() } : {}),
      ...(draft.hostLocation.trim() ? { hostLocation: draft.hostLocation.trim() } : {}),
      siteIds: [...draft.sites].sort(),
      ...(draft.groupIds.length ? { groupIds: draft.groupIds } : {}),
      lateGraceMinutes: Number(draft.lateGraceMinutes),
      speakingLimitSeconds: Math.round(Number(draft.speakingLimitMinutes) * 60),
      agenda: draft.agenda
        .filter((a) => a.title.trim() || a.presenter.trim())
        .map((a) => ({
          ...(a.id ? { id: a.id } : {}),
          title: a.title.trim(),
          plannedMinutes: Number(a.minutes),
          ...(a.presenter.trim() ? { presenterName: a.presenter.trim() } : {}),
          presenterSiteIds: a.presenterSiteIds.filter((s) => invited.has(s)),
        })),
    };
    if (!draft.chairId) local.push({ path: ['chairId'], code: 'choose', message: 'choose' });
    if (!draft.secretaryId)
      local.push({ path: ['secretaryId'], code: 'choose', message: 'choose' });
    if (invited.size === 0 && !live)
      local.push({
        path: ['siteIds'],
        code: 'too_small',
        origin: 'array',
        minimum: 1,
        message: '',
      });
    return { input, local };
  };

  const describe = (list: FormIssue[]) => {
    const seen = issuesByField(list);
    return [...seen.entries()].map(([key, issue]) => {
      const field = fieldLabel(issue.path);
      const text =
        issue.code === 'vn_datetime'
          ? t('form.vnDateTime', { field })
          : issue.code === 'choose'
            ? t('form.choose', { field })
            : issueText(t, issue, field);
      return { key, text };
    });
  };

  const submit = async () => {
    if (submitting.current) return; // a double click sends one request
    setServerError(null);
    const { input, local } = body();
    const parsed = CreateMeetingBody.safeParse(input);
    const all = [
      ...local,
      ...(parsed.success
        ? []
        : parsed.error.issues.filter(
            (i) => !local.some((l) => l.path.join('.') === i.path.map(String).join('.')),
          )),
    ] as FormIssue[];
    const found = describe(all);
    setIssues(found);
    if (found.length > 0) return;
    submitting.current = true;
    setBusy(true);
    try {
      let saved: Meeting;
      if (editing) {
        const patch = live
          ? {
              title: input.title,
              issuingBody: input.issuingBody ?? '',
              place: input.place ?? '',
              parentBody: input.parentBody ?? '',
              documentNumber: input.documentNumber ?? '',
              hostLocation: input.hostLocation ?? '',
            }
          : input;
        saved = await api.updateMeeting(editing.id, patch);
      } else {
        saved = await api.createMeeting(input);
        setDraft(emptyDraft());
      }
      onSaved(saved, !editing);
    } catch (err) {
      const e = err as { code?: string; issues?: Array<{ path: string; message: string }> };
      if (e.code === 'BAD_REQUEST' && e.issues?.length) {
        setIssues(
          e.issues.map((i) => ({
            key: i.path,
            text: t('form.invalid', { field: fieldLabel(i.path.split('.')) }),
          })),
        );
      } else {
        setServerError(errorMessage(t, err));
      }
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  };

  const presenterOptions = [...draft.sites].sort();
  return (
    <form
      className="form-grid meeting-form"
      noValidate
      data-testid="meeting-form"
      data-mode={editing ? 'edit' : 'create'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onChange={() => serverError && setServerError(null)}
    >
      {live && (
        <p className="wide notice" data-testid="meeting-live-note">
          {t('admin.liveEditNote')}
        </p>
      )}
      <label className="wide">
        {t('admin.meetingTitle')}
        <input
          value={draft.title}
          maxLength={500}
          onChange={(e) => set({ title: e.target.value })}
          data-testid="meeting-title"
          {...invalid('title')}
        />
        <span className="hint">{t('form.charsLeft', { n: 500 - draft.title.length })}</span>
        {fieldError('title')}
      </label>
      <fieldset className="wide" disabled={live}>
        <legend>{t('admin.scheduledAt')}</legend>
        <div className="form-row">
          <label>
            {t('admin.scheduledDate')}
            <input
              value={draft.date}
              inputMode="numeric"
              placeholder={t('form.datePlaceholder')}
              maxLength={10}
              onChange={(e) => set({ date: e.target.value })}
              data-testid="meeting-date"
              {...invalid('scheduledStart')}
            />
          </label>
          <label>
            {t('admin.scheduledTime')}
            <input
              value={draft.time}
              inputMode="numeric"
              placeholder={t('form.timePlaceholder')}
              maxLength={14}
              onChange={(e) => set({ time: e.target.value })}
              data-testid="meeting-time"
              {...invalid('scheduledStart')}
            />
          </label>
          <span className="hint">{t('form.vnTimeHint')}</span>
        </div>
        {fieldError('scheduledStart')}
      </fieldset>
      <label>
        {t('admin.chairUser')}
        <select
          value={draft.chairId}
          disabled={live}
          onChange={(e) => set({ chairId: e.target.value })}
          data-testid="meeting-chair"
          {...invalid('chairId')}
        >
          <option value="">{t('form.choosePlaceholder')}</option>
          {chairs.map((a) => (
            <option key={a.id} value={a.id}>
              {a.displayName}
              {a.title ? ` — ${a.title}` : ''} ({a.username})
            </option>
          ))}
        </select>
        {fieldError('chairId')}
      </label>
      <label>
        {t('admin.secretaryUser')}
        <select
          value={draft.secretaryId}
          disabled={live}
          onChange={(e) => set({ secretaryId: e.target.value })}
          data-testid="meeting-secretary"
          {...invalid('secretaryId')}
        >
          <option value="">{t('form.choosePlaceholder')}</option>
          {secretaries.map((a) => (
            <option key={a.id} value={a.id}>
              {a.displayName}
              {a.title ? ` — ${a.title}` : ''} ({a.username})
            </option>
          ))}
        </select>
        {fieldError('secretaryId')}
      </label>

      <fieldset className="wide" data-testid="meeting-minutes-fields">
        <legend>{t('admin.minutesFields')}</legend>
        <p className="hint">{t('admin.minutesFieldsHint')}</p>
        <div className="form-grid">
          <label>
            {t('admin.parentBody')}
            <input
              value={draft.parentBody}
              maxLength={300}
              placeholder={t('admin.parentBodyHint')}
              onChange={(e) => set({ parentBody: e.target.value })}
              data-testid="meeting-parent-body"
              {...invalid('parentBody')}
            />
            {fieldError('parentBody')}
          </label>
          <label>
            {t('admin.issuingBody')}
            <input
              value={draft.issuingBody}
              maxLength={300}
              placeholder={t('admin.issuingBodyHint')}
              onChange={(e) => set({ issuingBody: e.target.value })}
              data-testid="meeting-issuing-body"
              {...invalid('issuingBody')}
            />
            {fieldError('issuingBody')}
          </label>
          <label>
            {t('admin.documentNumber')}
            <input
              value={draft.documentNumber}
              maxLength={100}
              placeholder={t('admin.documentNumberHint')}
              onChange={(e) => set({ documentNumber: e.target.value })}
              data-testid="meeting-document-number"
              {...invalid('documentNumber')}
            />
            {fieldError('documentNumber')}
          </label>
          <label>
            {t('admin.place')}
            <input
              value={draft.place}
              maxLength={200}
              placeholder={t('admin.placeHint')}
              onChange={(e) => set({ place: e.target.value })}
              data-testid="meeting-place"
              {...invalid('place')}
            />
            {fieldError('place')}
          </label>
          <label className="wide">
            {t('admin.hostLocation')}
            <input
              value={draft.hostLocation}
              maxLength={300}
              placeholder={t('admin.hostLocationHint')}
              onChange={(e) => set({ hostLocation: e.target.value })}
              data-testid="meeting-host-location"
              {...invalid('hostLocation')}
            />
            {fieldError('hostLocation')}
          </label>
        </div>
      </fieldset>

      <fieldset className="wide" disabled={live} data-testid="meeting-sites-fieldset">
        <legend>{t('admin.invitedSites')}</legend>
        <UnitBrowser
          units={units}
          selected={draft.sites}
          onChange={(sites) => set({ sites })}
          testId="meeting-sites"
        />
        {groups.length > 0 && (
          <div data-testid="meeting-groups">
            <p>{t('admin.invitedGroups')}</p>
            {groups.map((g) => (
              <label key={g.id} className="inline">
                <input
                  type="checkbox"
                  checked={draft.groupIds.includes(g.id)}
                  data-testid={`meeting-group-${g.id}`}
                  onChange={(e) =>
                    set({
                      groupIds: e.target.checked
                        ? [...draft.groupIds, g.id]
                        : draft.groupIds.filter((x) => x !== g.id),
                    })
                  }
                />{' '}
                {g.name} ({t('admin.groupSize', { count: g.unitCodes.length })})
              </label>
            ))}
          </div>
        )}
        {fieldError('siteIds')}
      </fieldset>

      <fieldset className="wide" disabled={live}>
        <legend>{t('admin.rules')}</legend>
        <div className="form-row">
          <label>
            {t('admin.lateGrace')}
            <input
              type="number"
              min={0}
              max={240}
              value={draft.lateGraceMinutes}
              onChange={(e) => set({ lateGraceMinutes: e.target.value })}
              data-testid="meeting-late-grace"
              {...invalid('lateGraceMinutes')}
            />
            {fieldError('lateGraceMinutes')}
          </label>
          <label>
            {t('admin.speakingLimit')}
            <input
              type="number"
              min={0}
              max={60}
              value={draft.speakingLimitMinutes}
              onChange={(e) => set({ speakingLimitMinutes: e.target.value })}
              data-testid="meeting-speaking-limit"
              {...invalid('speakingLimitSeconds')}
            />
            {fieldError('speakingLimitSeconds')}
          </label>
        </div>
      </fieldset>

      <fieldset className="wide agenda-editor" disabled={live}>
        <legend>{t('admin.agenda')}</legend>
        {draft.agenda.map((a, i) => (
          <div className="agenda-draft" key={a.key} data-testid={`agenda-item-${i}`}>
            <div className="form-row">
              <label className="grow">
                {t('admin.agendaItem')} {i + 1}
                <input
                  value={a.title}
                  maxLength={500}
                  onChange={(e) => setItem(i, { title: e.target.value })}
                  data-testid={`agenda-title-${i}`}
                  {...invalid(`agenda.${i}.title`)}
                />
                {fieldError(`agenda.${i}.title`)}
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
                  {...invalid(`agenda.${i}.plannedMinutes`)}
                />
                {fieldError(`agenda.${i}.plannedMinutes`)}
              </label>
              <label>
                {t('admin.agendaPresenter')}
                <input
                  value={a.presenter}
                  maxLength={200}
                  onChange={(e) => setItem(i, { presenter: e.target.value })}
                  data-testid={`agenda-presenter-${i}`}
                  {...invalid(`agenda.${i}.presenterName`)}
                />
                {fieldError(`agenda.${i}.presenterName`)}
              </label>
              <button
                type="button"
                className="btn btn-small"
                data-testid={`agenda-remove-${i}`}
                onClick={() => set({ agenda: draft.agenda.filter((_, j) => j !== i) })}
              >
                {t('admin.removeAgendaItem')}
              </button>
            </div>
            <div className="form-row presenter-sites">
              <label>
                {t('admin.agendaPresenterSites')}
                <select
                  value=""
                  disabled={presenterOptions.length === 0}
                  data-testid={`agenda-presenter-site-${i}`}
                  onChange={(e) => {
                    const code = e.target.value;
                    if (
                      code &&
                      !a.presenterSiteIds.includes(code) &&
                      a.presenterSiteIds.length < 100
                    )
                      setItem(i, { presenterSiteIds: [...a.presenterSiteIds, code] });
                  }}
                >
                  <option value="">
                    {presenterOptions.length === 0
                      ? t('admin.presenterNeedsSites')
                      : t('admin.addPresenterSite')}
                  </option>
                  {presenterOptions
                    .filter((c) => !a.presenterSiteIds.includes(c))
                    .map((c) => (
                      <option key={c} value={c}>
                        {names.get(c) ?? c} ({c})
                      </option>
                    ))}
                </select>
              </label>
              <ul className="chips" data-testid={`agenda-presenters-${i}`}>
                {a.presenterSiteIds.map((c) => (
                  <li key={c} className={draft.sites.has(c) ? 'chip' : 'chip chip-stale'}>
                    {names.get(c) ?? c}
                    <button
                      type="button"
                      className="chip-remove"
                      aria-label={t('admin.removePresenterSite', { name: names.get(c) ?? c })}
                      onClick={() =>
                        setItem(i, { presenterSiteIds: a.presenterSiteIds.filter((x) => x !== c) })
                      }
                    >
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          </div>
        ))}
        <button
          type="button"
          className="btn"
          data-testid="agenda-add"
          disabled={draft.agenda.length >= 200}
          onClick={() => set({ agenda: [...draft.agenda, emptyItem('10')] })}
        >
          {t('admin.addAgendaItem')}
        </button>
      </fieldset>

      {issues.length > 0 && (
        <div className="wide error" role="alert" data-testid="meeting-form-issues">
          <p>{t('form.fixBelow', { count: issues.length })}</p>
          <ul>
            {issues.map((i) => (
              <li key={i.key}>{i.text}</li>
            ))}
          </ul>
        </div>
      )}
      {serverError && (
        <p className="wide error" role="alert" data-testid="admin-error">
          {serverError}
        </p>
      )}
      <div className="wide btn-row">
        <button
          type="submit"
          className="btn btn-primary btn-large"
          disabled={busy}
          data-testid="meeting-create"
        >
          {editing ? t('admin.saveMeeting') : t('admin.createMeeting')}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel} data-testid="meeting-cancel">
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
