import type { Role } from '@giaoban/shared';
import { useState } from 'react';
import { AgendaItemSelect, useAgendaItemChoice } from '../../briefing/AgendaItemSelect';
import { Markup } from '../../briefing/Markup';
import { useBriefing } from '../../briefing/useBriefing';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { useMeeting } from '../../hooks/useMeeting';
import { formatVnTime } from '../../lib/vnDateTime';

/** Chair and secretary: written opinions from the sites, beside the floor queue. */
export function OpinionsPanel({ viewer: role }: { viewer: Role }) {
  const { t } = useI18n();
  const { state, session } = useMeeting();
  const { view } = useBriefing(role);
  const { run, busy } = useAction();
  const mayMark = role !== 'observer';
  const nameOf = (siteId: string) => state?.sites.find((s) => s.siteId === siteId)?.name ?? siteId;
  const itemTitle = (id: string | null) =>
    id ? (state?.meeting.agenda.find((a) => a.id === id)?.title ?? '') : t('opinion.general');
  const list = [...view.opinions].reverse();
  const unread = list.filter((o) => !o.readAt).length;
  return (
    <section
      className="panel opinions"
      aria-labelledby="opinions-title"
      data-testid="opinions-panel"
    >
      <h2 id="opinions-title">
        {t('opinion.title')} {unread > 0 && <span className="badge">{unread}</span>}
      </h2>
      {list.length === 0 && <p className="muted">{t('opinion.none')}</p>}
      <ul>
        {list.map((o) => (
          <li key={o.id} className={o.readAt ? 'read' : 'unread'} data-testid="opinion">
            <div>
              <strong>{nameOf(o.siteId)}</strong> · {formatVnTime(o.at)} ·{' '}
              <span className="muted">{itemTitle(o.itemId)}</span>
            </div>
            <Markup text={o.text} />
            {mayMark && (
              <button
                type="button"
                className="btn"
                disabled={busy}
                data-testid="opinion-mark"
                onClick={() =>
                  void run(() => session.act('opinion:read', { opinionId: o.id, read: !o.readAt }))
                }
              >
                {o.readAt ? t('opinion.markUnread') : t('opinion.markRead')}
              </button>
            )}
            {o.readAt && <span className="muted"> ✓ {t('opinion.readOut')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A site: send a written opinion on the current item (or a general one). */
export function OpinionForm() {
  const { t } = useI18n();
  const { session } = useMeeting();
  const { view } = useBriefing('site');
  const { run, busy, error } = useAction();
  const [text, setText] = useState('');
  const [itemId, setItemId] = useAgendaItemChoice();
  return (
    <section className="panel opinion-form" aria-labelledby="opinion-form-title">
      <h2 id="opinion-form-title">{t('opinion.send')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await session.act('opinion:send', { text: text.trim(), ...(itemId ? { itemId } : {}) });
            setText('');
          });
        }}
      >
        <AgendaItemSelect
          value={itemId}
          onChange={setItemId}
          label={t('opinion.item')}
          testId="opinion-item"
        />
        <textarea
          rows={3}
          maxLength={2000}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={t('opinion.send')}
          data-testid="opinion-text"
        />
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || !text.trim()}
          data-testid="opinion-submit"
        >
          {t('opinion.submit')}
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      {view.opinions.length > 0 && (
        <p className="muted" data-testid="opinion-sent">
          {t('opinion.sentCount', { count: view.opinions.length })}
        </p>
      )}
    </section>
  );
}
