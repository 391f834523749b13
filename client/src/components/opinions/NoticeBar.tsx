import type { Role } from '@giaoban/shared';
import { useState } from 'react';
import { useBriefing } from '../../briefing/useBriefing';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { useMeeting } from '../../hooks/useMeeting';

/** The chair's one-line notice: shown to every site; the chair sets and clears it. */
export function NoticeBar({ viewer: role }: { viewer: Role }) {
  const { t } = useI18n();
  const { state, session } = useMeeting();
  const { view } = useBriefing(role);
  const { run, busy, error } = useAction();
  const [text, setText] = useState('');
  // No notice to send once the meeting is closed (the sites are gone; the hub refuses it).
  const mayEdit = (role === 'chair' || role === 'admin') && state?.meeting.state !== 'closed';
  if (!mayEdit) {
    if (!view.notice) return null;
    return (
      <div className="notice-bar" role="status" data-testid="notice">
        <strong>{t('notice.fromChair')}:</strong> {view.notice.text}
      </div>
    );
  }
  return (
    <form
      className="panel notice-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await session.act('notice:set', { text: text.trim() });
          setText('');
        });
      }}
    >
      <label>
        {t('notice.label')}
        <input
          value={text}
          maxLength={200}
          onChange={(e) => setText(e.target.value)}
          data-testid="notice-input"
        />
      </label>
      <button
        type="submit"
        className="btn btn-primary"
        disabled={busy || !text.trim()}
        data-testid="notice-send"
      >
        {t('notice.send')}
      </button>
      {view.notice && (
        <p>
          {t('notice.current')}: <strong>{view.notice.text}</strong>{' '}
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={() => void run(() => session.act('notice:set', { text: null }))}
          >
            {t('notice.clear')}
          </button>
        </p>
      )}
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
