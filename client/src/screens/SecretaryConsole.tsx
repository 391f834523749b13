import type { AttendanceRow } from '@giaoban/shared';
import { useState } from 'react';
import { useServices } from '../AppContext';
import { saveBlob } from '../api';
import { SecretaryBriefing, SecretaryMainBriefing } from '../briefing/BriefingPanels';
import { useReportColumn } from '../briefing/reportColumn';
import { AgendaPanel } from '../components/AgendaPanel';
import { AttendanceTable } from '../components/AttendanceTable';
import { Header } from '../components/Header';
import { InvitationsPanel } from '../components/InvitationsPanel';
import { MarkEditor } from '../components/MarkEditor';
import { QualityIndicator } from '../components/QualityIndicator';
import { RecordingIndicator } from '../components/RecordingIndicator';
import { useAction } from '../hooks/useAction';
import { useAgenda } from '../hooks/useAgenda';
import { useAttendance } from '../hooks/useAttendance';
import { useI18n } from '../hooks/useI18n';
import { useMeeting } from '../hooks/useMeeting';
import { navigate } from '../hooks/useRoute';
import type { MessageKey } from '../i18n/catalogues';
import type { BoardCounts, BoardFilter, BoardSort } from '../lib/attendanceBoard';
import { formatCount } from '../lib/text';
import { MinutesReviewPanel } from './records/MinutesReviewPanel';
import { RollCallControl } from './records/RollCallControl';
import { SignedMinutesPanel } from './records/SignedMinutesPanel';

const COUNT_CARDS: { key: keyof BoardCounts; label: MessageKey; tone: string; testId: string }[] = [
  { key: 'invited', label: 'secretary.count.invited', tone: 'neutral', testId: 'count-invited' },
  { key: 'connected', label: 'secretary.count.connected', tone: 'info', testId: 'count-connected' },
  { key: 'present', label: 'secretary.count.present', tone: 'ok', testId: 'count-present' },
  { key: 'late', label: 'secretary.count.late', tone: 'warn', testId: 'count-late' },
  {
    key: 'leftEarly',
    label: 'secretary.count.leftEarly',
    tone: 'warn',
    testId: 'count-left-early',
  },
  { key: 'absent', label: 'secretary.count.absent', tone: 'bad', testId: 'count-absent' },
  {
    key: 'headcount',
    label: 'secretary.count.headcount',
    tone: 'neutral',
    testId: 'count-headcount',
  },
];

export function CountCards({ counts }: { counts: BoardCounts }) {
  const { t, lang } = useI18n();
  return (
    <ul className="count-cards" data-testid="attendance-counts">
      {COUNT_CARDS.map((c) => (
        <li key={c.key} className={`count-card tone-${c.tone}`}>
          <span className="count-value" data-testid={c.testId}>
            {formatCount(counts[c.key], lang)}
          </span>
          <span className="count-label">{t(c.label)}</span>
        </li>
      ))}
    </ul>
  );
}

/** Secretary console (lazy chunk): live attendance, marks, roll-call, notes, exports. */
export default function SecretaryConsole() {
  const { t } = useI18n();
  const { api } = useServices();
  const { state } = useMeeting();
  const { rows, counts, mark } = useAttendance();
  const [filter, setFilter] = useState<BoardFilter>('all');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<BoardSort>({ key: 'name', dir: 'asc' });
  const [editing, setEditing] = useState<AttendanceRow | null>(null);
  const exportAction = useAction();
  const reports = useReportColumn();
  if (!state) return null;
  // Observers see the board; only the secretary (or an admin) records, runs roll-calls and notes.
  const canEdit = state.you.role === 'secretary' || state.you.role === 'admin';
  const meetingId = state.meeting.id;
  const editingRow = editing ? (rows.find((r) => r.siteId === editing.siteId) ?? editing) : null;

  const download = (
    file: 'attendance.csv' | 'attendance.xlsx' | 'attendance.pdf' | 'minutes.docx' | 'minutes.pdf',
  ) =>
    exportAction.run(async () => {
      const { blob, filename } = await api.download(meetingId, file);
      saveBlob(blob, filename);
    });

  return (
    <div className="page secretary-console">
      <Header title={state.meeting.title}>
        <RecordingIndicator />
        <QualityIndicator />
      </Header>
      <main id="main" className="console-layout">
        <div className="console-main">
          <h1>{t('secretary.board')}</h1>
          <CountCards counts={counts} />
          {editingRow && (
            <MarkEditor
              key={editingRow.siteId}
              row={editingRow}
              onSave={(input) => mark(editingRow.siteId, input)}
              onClose={() => setEditing(null)}
            />
          )}
          <AttendanceTable
            rows={rows}
            filter={filter}
            search={search}
            sort={sort}
            onFilter={setFilter}
            onSearch={setSearch}
            onSort={setSort}
            {...(canEdit ? { onEdit: setEditing } : {})}
            reports={reports}
          />
          <SecretaryMainBriefing />
          {canEdit && <MinutesReviewPanel meetingId={meetingId} />}
        </div>
        <aside className="side">
          <section className="panel" aria-labelledby="exports-title">
            <h2 id="exports-title">{t('secretary.exports')}</h2>
            <div className="btn-col">
              <button
                type="button"
                className="btn btn-large"
                data-testid="export-csv"
                disabled={exportAction.busy}
                onClick={() => void download('attendance.csv')}
              >
                ⬇ {t('secretary.exportCsv')}
              </button>
              <button
                type="button"
                className="btn btn-large"
                data-testid="export-xlsx"
                disabled={exportAction.busy}
                onClick={() => void download('attendance.xlsx')}
              >
                ⬇ {t('secretary.exportXlsx')}
              </button>
              <button
                type="button"
                className="btn btn-large"
                data-testid="export-attendance-pdf"
                disabled={exportAction.busy}
                onClick={() => void download('attendance.pdf')}
              >
                ⬇ {t('secretary.exportAttendancePdf')}
              </button>
              <button
                type="button"
                className="btn btn-large"
                data-testid="export-minutes-pdf"
                disabled={exportAction.busy}
                onClick={() => void download('minutes.pdf')}
              >
                ⬇ {t('secretary.exportMinutesPdf')}
              </button>
              <button
                type="button"
                className="btn btn-large"
                data-testid="export-minutes"
                disabled={exportAction.busy}
                onClick={() => void download('minutes.docx')}
              >
                ⬇ {t('secretary.exportMinutes')}
              </button>
              <button
                type="button"
                className="btn btn-large"
                data-testid="open-print"
                onClick={() => navigate({ name: 'print', meetingId })}
              >
                {t('secretary.print')}
              </button>
            </div>
            {exportAction.error && (
              <p className="error" role="alert" data-testid="export-error">
                {exportAction.error}
              </p>
            )}
          </section>
          {canEdit && (
            <SignedMinutesPanel
              meetingId={meetingId}
              ended={state.meeting.state === 'adjourned' || state.meeting.state === 'closed'}
            />
          )}
          <RollCallControl
            canRun={canEdit}
            disabled={state.meeting.state === 'adjourned' || state.meeting.state === 'closed'}
          />
          {canEdit && <InvitationsPanel meetingId={meetingId} />}
          {canEdit && <NotesPanel />}
          <AgendaPanel reorder={canEdit} />
          <SecretaryBriefing />
        </aside>
      </main>
    </div>
  );
}

/** Notes and conclusions per agenda item; drafts stay in memory across reconnects until saved. */
function NotesPanel() {
  const { t } = useI18n();
  const { items, current, note } = useAgenda();
  const [selected, setSelected] = useState<string>('');
  const [drafts, setDrafts] = useState<Record<string, { notes: string; conclusions: string }>>({});
  const action = useAction();
  const itemId = selected || current?.id || items[0]?.id || '';
  const item = items.find((i) => i.id === itemId);
  if (!item) return null;
  const draft = drafts[itemId] ?? { notes: item.notes ?? '', conclusions: item.conclusions ?? '' };
  const dirty =
    draft.notes !== (item.notes ?? '') || draft.conclusions !== (item.conclusions ?? '');
  const set = (patch: Partial<typeof draft>) =>
    setDrafts((d) => ({ ...d, [itemId]: { ...draft, ...patch } }));
  return (
    <section className="panel" aria-labelledby="notes-title" data-testid="notes-panel">
      <h2 id="notes-title">{t('secretary.notes')}</h2>
      <select
        value={itemId}
        onChange={(e) => setSelected(e.target.value)}
        data-testid="notes-item"
        aria-label={t('agenda.title')}
      >
        {items.map((i) => (
          <option key={i.id} value={i.id}>
            {i.title}
          </option>
        ))}
      </select>
      <label>
        {t('secretary.note')}
        <textarea
          rows={4}
          maxLength={20_000}
          value={draft.notes}
          onChange={(e) => set({ notes: e.target.value })}
          data-testid="notes-text"
        />
      </label>
      <label>
        {t('secretary.conclusion')}
        <textarea
          rows={4}
          maxLength={20_000}
          value={draft.conclusions}
          onChange={(e) => set({ conclusions: e.target.value })}
          data-testid="conclusions-text"
        />
      </label>
      <div className="btn-row">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="notes-save"
          disabled={action.busy || !dirty}
          onClick={() =>
            void action.run(async () => {
              await note(itemId, draft.notes, draft.conclusions);
              setDrafts((d) => {
                const { [itemId]: _, ...rest } = d;
                return rest;
              });
            })
          }
        >
          {t('secretary.saveNotes')}
        </button>
        {dirty && <span className="badge badge-warn">{t('secretary.unsaved')}</span>}
      </div>
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
    </section>
  );
}
