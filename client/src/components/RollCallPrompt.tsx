import { useState } from 'react';
import { useAction } from '../hooks/useAction';
import { useI18n } from '../hooks/useI18n';
import { useRollCall } from '../hooks/useRollCall';
import { formatDuration } from '../lib/text';

/** The site's roll-call prompt: headcount and "confirm presence" before the deadline. */
export function RollCallPrompt() {
  const { t, locale } = useI18n();
  const { rollCall, open, remainingMs, myAnswer, answer } = useRollCall();
  const [headcount, setHeadcount] = useState('1');
  const { run, busy, error } = useAction();
  if (!rollCall) return null;
  // The confirmation stays while the roll-call runs; a closed one is history for the secretary.
  if (myAnswer && !rollCall.closedAt) {
    return (
      <div className="panel rollcall rollcall-done" data-testid="rollcall-answered" role="status">
        ✓ {t('rollcall.answered', { time: new Date(myAnswer.at).toLocaleTimeString(locale) })} ·{' '}
        {t('rollcall.headcount')}: <strong>{myAnswer.headcount}</strong>
      </div>
    );
  }
  if (!open || myAnswer) return null;
  const n = Number.parseInt(headcount, 10);
  const valid = Number.isInteger(n) && n >= 0 && n <= 100_000;
  return (
    <section
      className="panel rollcall rollcall-open"
      role="alertdialog"
      aria-labelledby="rollcall-title"
      data-testid="rollcall-prompt"
    >
      <h2 id="rollcall-title">{t('rollcall.title')}</h2>
      <p>{t('rollcall.prompt')}</p>
      {remainingMs !== null && (
        <p className="timer">
          {t('rollcall.deadline', { time: formatDuration(Math.max(0, remainingMs)) })}
        </p>
      )}
      <form
        className="rollcall-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void run(() => answer(n));
        }}
      >
        <label>
          {t('rollcall.headcount')}
          <input
            type="number"
            min={0}
            max={100000}
            inputMode="numeric"
            value={headcount}
            onChange={(e) => setHeadcount(e.target.value)}
            data-testid="rollcall-headcount"
          />
        </label>
        <button
          type="submit"
          className="btn btn-primary btn-large"
          disabled={busy || !valid}
          data-testid="rollcall-answer"
        >
          ✓ {t('rollcall.answer')}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
