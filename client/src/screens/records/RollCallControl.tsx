import { useState } from 'react';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { useMeeting } from '../../hooks/useMeeting';
import { useRollCall } from '../../hooks/useRollCall';
import { formatCount, formatDuration } from '../../lib/text';
import { formatVnTime } from '../../lib/vnDateTime';

/** Deadlines a chair picks with one click; any other from 5 s to 60 min in the field. */
const PRESETS = [30, 60, 120, 300] as const;
const MIN_SECONDS = 5;
const MAX_SECONDS = 3600;

/**
 * A roll-call as the chair and the secretary run it: choose the deadline (presets or minutes and
 * seconds, 5 s to 60 min), see the answers counted against every invited site (and how many were connected when
 * it started), and, once it ends, a summary: who answered with how many people, who was connected
 * but did not answer, who was not connected at all.
 */
export function RollCallControl({
  canRun,
  disabled = false,
  compact = false,
}: {
  canRun: boolean;
  /** The meeting ended: the controls stay in place, greyed out. */
  disabled?: boolean;
  compact?: boolean;
}) {
  const { t, lang } = useI18n();
  const n = (x: number) => formatCount(x, lang);
  const { state } = useMeeting();
  const { rollCall, open, remainingMs, start, close } = useRollCall();
  const [seconds, setSeconds] = useState('60');
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  if (!state) return null;
  const rows = state.attendance ?? [];
  const names = new Map(rows.map((r) => [r.siteId, r.name]));
  // Invited sites: the meeting's list for staff, else the attendance board's rows; a removed
  // site is not expected any more (as on the board's "Đã kết nối n/m").
  const removed = new Set(rows.filter((r) => r.removed).map((r) => r.siteId));
  const invited = (
    state.meeting.siteIds.length > 0 ? state.meeting.siteIds : rows.map((r) => r.siteId)
  ).filter((id) => !removed.has(id));
  const answers = rollCall?.answers ?? [];
  const answered = new Set(answers.map((a) => a.siteId));
  const expected = new Set(rollCall?.expectedSiteIds ?? []);
  const silent = invited.filter((id) => expected.has(id) && !answered.has(id));
  const offline = invited.filter((id) => !expected.has(id) && !answered.has(id));
  const people = answers.reduce((sum, a) => sum + a.headcount, 0);
  const connectedNow = rows.filter((r) => r.connected).length;

  const begin = (secs: number) => {
    setProblem(null);
    if (!Number.isInteger(secs) || secs < MIN_SECONDS || secs > MAX_SECONDS) {
      setProblem(t('rollcall.durationLimit', { min: MIN_SECONDS, max: MAX_SECONDS / 60 }));
      return;
    }
    void action.run(() => start(secs));
  };
  const label = (secs: number) =>
    secs < 60
      ? t('rollcall.presetSeconds', { n: secs })
      : t('rollcall.presetMinutes', { n: secs / 60 });

  return (
    <section
      className={`panel rollcall-control${compact ? ' compact' : ''}`}
      aria-labelledby="rc-title"
      data-testid="rollcall-panel"
    >
      <h2 id="rc-title">{t('rollcall.title')}</h2>
      {/* Once the meeting is closed no roll-call can start: the last result stays to read. */}
      {canRun && !open && state.meeting.state !== 'closed' && (
        <div className="rollcall-start">
          <p className="hint">
            {t('rollcall.before', { connected: n(connectedNow), invited: n(invited.length) })}
          </p>
          <fieldset className="btn-row plain-fieldset">
            <legend className="sr-only">{t('rollcall.duration')}</legend>
            {PRESETS.map((secs) => (
              <button
                key={secs}
                type="button"
                className="btn"
                data-testid={`rollcall-preset-${secs}`}
                disabled={action.busy || disabled}
                onClick={() => begin(secs)}
              >
                ▶ {label(secs)}
              </button>
            ))}
          </fieldset>
          <form
            className="inline-form"
            // Our message names the limit in the UI language; the browser's bubble would not.
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              begin(Number(seconds));
            }}
          >
            <label>
              {t('rollcall.duration')}
              <input
                type="number"
                inputMode="numeric"
                min={MIN_SECONDS}
                max={MAX_SECONDS}
                value={seconds}
                onChange={(e) => setSeconds(e.target.value)}
                data-testid="rollcall-duration"
                aria-invalid={problem ? true : undefined}
              />
            </label>
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="rollcall-start"
              disabled={action.busy || disabled}
            >
              {t('rollcall.start')}
            </button>
          </form>
        </div>
      )}
      {(problem ?? action.error) && (
        <p className="error" role="alert" data-testid="rollcall-error">
          {problem ?? action.error}
        </p>
      )}
      {!rollCall ? (
        <p className="muted">{t('rollcall.noResults')}</p>
      ) : (
        <div
          data-testid="rollcall-results"
          data-open={String(open)}
          data-answered={answers.length}
          data-expected={rollCall.expectedSiteIds.length}
          data-invited={invited.length}
        >
          <p className="status-strong" role="status">
            {open
              ? t('rollcall.runningOfInvited', {
                  answered: n(answers.length),
                  invited: n(invited.length),
                  connected: n(rollCall.expectedSiteIds.length),
                })
              : t('rollcall.summary', {
                  time: formatVnTime(rollCall.closedAt ?? rollCall.deadline),
                  answered: n(answers.length),
                  invited: n(invited.length),
                  people: n(people),
                })}
          </p>
          {open && remainingMs !== null && (
            <p className="timer" data-testid="rollcall-remaining">
              {t('rollcall.deadline', { time: formatDuration(Math.max(0, remainingMs)) })}
            </p>
          )}
          {canRun && open && (
            <button
              type="button"
              className="btn"
              data-testid="rollcall-close"
              disabled={action.busy || disabled}
              onClick={() => void action.run(close)}
            >
              {t('rollcall.stop')}
            </button>
          )}
          {!open && (
            <ul className="rc-summary" data-testid="rollcall-summary">
              <li>{t('rollcall.sumAnswered', { n: n(answers.length), people: n(people) })}</li>
              <li>{t('rollcall.sumSilent', { n: n(silent.length) })}</li>
              <li>{t('rollcall.sumOffline', { n: n(offline.length) })}</li>
            </ul>
          )}
          {!compact && (
            <ul className="rc-list">
              {answers.map((a) => (
                <li key={a.siteId} data-testid={`rollcall-answer-${a.siteId}`}>
                  ✓ {names.get(a.siteId) ?? a.siteId} — {t('rollcall.people', { n: a.headcount })}
                </li>
              ))}
            </ul>
          )}
          {silent.length > 0 && (
            <details open={!compact}>
              <summary>{t('rollcall.missingConnected', { n: n(silent.length) })}</summary>
              <ul className="rc-list missing" data-testid="rollcall-silent">
                {silent.map((id) => (
                  <li key={id}>✗ {names.get(id) ?? id}</li>
                ))}
              </ul>
            </details>
          )}
          {offline.length > 0 && (
            <details>
              <summary>{t('rollcall.notConnected', { n: n(offline.length) })}</summary>
              <ul className="rc-list missing" data-testid="rollcall-offline">
                {offline.map((id) => (
                  <li key={id}>– {names.get(id) ?? id}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
