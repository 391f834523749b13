import type { Role, VoteView } from '@giaoban/shared';
import { useState } from 'react';
import { AgendaItemSelect, useAgendaItemChoice } from '../../briefing/AgendaItemSelect';
import { useBriefing } from '../../briefing/useBriefing';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { useMeeting } from '../../hooks/useMeeting';
import { formatVnTime } from '../../lib/vnDateTime';

function Results({ vote }: { vote: VoteView }) {
  const { t } = useI18n();
  const { state } = useMeeting();
  const total = Math.max(1, vote.answered);
  const nameOf = (siteId: string) => state?.sites.find((s) => s.siteId === siteId)?.name ?? siteId;
  return (
    <ul className="vote-results" data-testid="vote-results">
      {vote.options.map((o, i) => {
        const n = vote.tally?.[i] ?? 0;
        const who = (vote.ballots ?? []).filter((b) => b.option === i).map((b) => nameOf(b.siteId));
        return (
          <li key={o}>
            <span className="vote-option">{o}</span>{' '}
            <strong data-testid={`vote-count-${i}`}>{n}</strong>{' '}
            <span className="muted">({Math.round((n * 100) / total)}%)</span>
            <div className="vote-bar" style={{ width: `${(n * 100) / total}%` }} />
            {who.length > 0 && <div className="muted small">{who.join(', ')}</div>}
          </li>
        );
      })}
      <li className="muted">
        {t('vote.turnout', { answered: vote.answered, expected: vote.expected })}
      </li>
    </ul>
  );
}

/** Chair: open a vote on the current item, watch it live, close it. */
function ChairVotes({ viewer: role }: { viewer: Role }) {
  const { t } = useI18n();
  const { state, session } = useMeeting();
  const { view } = useBriefing(role);
  const { run, busy, error } = useAction();
  const [question, setQuestion] = useState('');
  const [secret, setSecret] = useState(false);
  const [minutes, setMinutes] = useState('2');
  const [custom, setCustom] = useState('');
  const open = view.votes.find((v) => !v.closedAt);
  const last = [...view.votes].reverse().find((v) => v.closedAt);
  // Once the meeting is closed the hub refuses votes (MEETING_CLOSED): show the results only.
  const mayOpen = (role === 'chair' || role === 'admin') && state?.meeting.state !== 'closed';
  const [itemId, setItemId] = useAgendaItemChoice();
  const titleOf = (id: string | null) => state?.meeting.agenda.find((a) => a.id === id)?.title;
  return (
    <section className="panel votes" aria-labelledby="votes-title" data-testid="vote-panel">
      <h2 id="votes-title">{t('vote.title')}</h2>
      {open && (
        <div data-testid="vote-open">
          <p>
            <strong>{open.question}</strong> · {open.secret ? t('vote.secret') : t('vote.public')} ·{' '}
            {t('vote.until', { time: formatVnTime(open.deadline) })}
          </p>
          {titleOf(open.itemId) && (
            <p className="muted" data-testid="vote-open-item">
              {t('vote.onItem', { item: titleOf(open.itemId)! })}
            </p>
          )}
          <Results vote={open} />
          {mayOpen && (
            <button
              type="button"
              className="btn"
              disabled={busy}
              data-testid="vote-close"
              onClick={() => void run(() => session.act('vote:close', { voteId: open.id }))}
            >
              {t('vote.close')}
            </button>
          )}
        </div>
      )}
      {!open && mayOpen && (
        <form
          className="vote-form"
          onSubmit={(e) => {
            e.preventDefault();
            const options = custom
              .split('\n')
              .map((s) => s.trim())
              .filter(Boolean);
            void run(async () => {
              await session.act('vote:open', {
                question: question.trim(),
                secret,
                durationSeconds: Math.max(10, Math.round(Number(minutes) * 60) || 120),
                ...(itemId ? { itemId } : {}),
                ...(options.length >= 2 ? { options } : {}),
              });
              setQuestion('');
            });
          }}
        >
          <label>
            {t('vote.question')}
            <input
              value={question}
              maxLength={500}
              onChange={(e) => setQuestion(e.target.value)}
              data-testid="vote-question"
              required
            />
          </label>
          <AgendaItemSelect
            value={itemId}
            onChange={setItemId}
            label={t('vote.item')}
            testId="vote-item"
          />
          <label>
            {t('vote.customOptions')}
            <textarea
              rows={2}
              value={custom}
              placeholder={t('vote.defaultOptions')}
              onChange={(e) => setCustom(e.target.value)}
            />
          </label>
          <label className="inline">
            <input type="checkbox" checked={secret} onChange={(e) => setSecret(e.target.checked)} />{' '}
            {t('vote.secret')}
          </label>
          <label className="inline">
            {t('vote.minutes')}{' '}
            <input
              type="number"
              min={1}
              max={60}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
              style={{ width: '4em' }}
            />
          </label>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || !question.trim()}
            data-testid="vote-start"
          >
            {t('vote.start')}
          </button>
        </form>
      )}
      {!open && !last && !mayOpen && (
        <p className="muted" data-testid="vote-none">
          {t('vote.none')}
        </p>
      )}
      {!open && last && (
        <div data-testid="vote-last">
          <p>
            {t('vote.closedResult')}: <strong>{last.question}</strong>
          </p>
          <Results vote={last} />
        </div>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}

/** A site: answer the open vote once; see the result when it closes. */
function SiteVote() {
  const { t } = useI18n();
  const { session } = useMeeting();
  const { view } = useBriefing('site');
  const { run, busy, error } = useAction();
  const open = view.votes.find((v) => !v.closedAt);
  const last = [...view.votes].reverse().find((v) => v.closedAt);
  const shown = open ?? last;
  if (!shown) return null;
  return (
    <section className="panel votes vote-site" aria-live="polite" data-testid="site-vote">
      <h2>{open ? t('vote.title') : t('vote.closedResult')}</h2>
      <p>
        <strong>{shown.question}</strong>
        {shown.secret && <> · {t('vote.secret')}</>}
      </p>
      {open && (open.yourAnswer ?? null) === null && (
        <div className="vote-buttons">
          {open.options.map((o, i) => (
            <button
              key={o}
              type="button"
              disabled={busy}
              data-testid={`vote-answer-${i}`}
              onClick={() =>
                void run(() => session.act('vote:answer', { voteId: open.id, option: i }))
              }
            >
              {o}
            </button>
          ))}
          <p className="muted">{t('vote.until', { time: formatVnTime(open.deadline) })}</p>
        </div>
      )}
      {open && (open.yourAnswer ?? null) !== null && (
        <p data-testid="vote-answered">
          ✓ {t('vote.answered', { option: open.options[open.yourAnswer!]! })}
        </p>
      )}
      {!open && last && <Results vote={last} />}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}

export function VotePanel({ viewer: role }: { viewer: Role }) {
  return role === 'site' ? <SiteVote /> : <ChairVotes viewer={role} />;
}
