import { useState } from 'react';
import { useI18n } from '../hooks/useI18n';
import { useMeeting } from '../hooks/useMeeting';

/**
 * Which agenda item a vote or a written opinion is about: the current item unless the user picks
 * another (a ward writes on item 3 while item 2 runs; the chair puts a conclusion of item 1 to
 * the vote later), or none (a general one). `undefined` = general, as the commands take it.
 */
export function useAgendaItemChoice(): [string | undefined, (id: string | undefined) => void] {
  const { state } = useMeeting();
  const [picked, setPicked] = useState<string | null | undefined>(undefined);
  const current = state?.meeting.currentItemId ?? undefined;
  const agenda = state?.meeting.agenda ?? [];
  // A picked item removed from the agenda falls back to the current one.
  const chosen =
    picked === undefined || (picked && !agenda.some((a) => a.id === picked))
      ? current
      : (picked ?? undefined);
  return [chosen, (id) => setPicked(id ?? null)];
}

export function AgendaItemSelect({
  value,
  onChange,
  label,
  testId,
}: {
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  label: string;
  testId: string;
}) {
  const { t } = useI18n();
  const { state } = useMeeting();
  const agenda = state?.meeting.agenda ?? [];
  const current = state?.meeting.currentItemId;
  return (
    <label>
      {label}
      <select
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || undefined)}
        data-testid={testId}
      >
        {agenda.map((a, i) => (
          <option key={a.id} value={a.id}>
            {i + 1}. {a.title}
            {a.id === current ? ` (${t('briefing.itemNow')})` : ''}
          </option>
        ))}
        <option value="">{t('opinion.general')}</option>
      </select>
    </label>
  );
}
