import { useState } from 'react';
import { useServices } from '../AppContext';
import { useAction } from '../hooks/useAction';
import { useT } from '../hooks/useT';
import { PasswordField } from './PasswordField';

/** The signed-in user's own password change; this browser stays signed in (new session). */
export function PasswordForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const { api } = useServices();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const action = useAction();
  return (
    <form
      className="form-stack"
      data-testid="password-form"
      onSubmit={(e) => {
        e.preventDefault();
        setProblem(null);
        if (next.length < 8) return setProblem(t('password.tooShort'));
        if (next !== again) return setProblem(t('password.mismatch'));
        void action.run(async () => {
          try {
            await api.changePassword(current, next);
          } catch (err) {
            if ((err as { code?: string }).code === 'FORBIDDEN') {
              setProblem(t('password.wrong'));
              return;
            }
            throw err;
          }
          setDone(true);
          setCurrent('');
          setNext('');
          setAgain('');
        });
      }}
    >
      <p className="muted">{t('password.hint')}</p>
      <PasswordField
        label={t('password.current')}
        autoComplete="current-password"
        value={current}
        onChange={setCurrent}
        testId="password-current"
      />
      <PasswordField
        label={t('password.new')}
        autoComplete="new-password"
        value={next}
        onChange={setNext}
        testId="password-new"
      />
      <PasswordField
        label={t('password.repeat')}
        autoComplete="new-password"
        value={again}
        onChange={setAgain}
        testId="password-repeat"
      />
      {(problem ?? action.error) && (
        <p className="error" role="alert">
          {problem ?? action.error}
        </p>
      )}
      {done && (
        <p className="status-strong ok" role="status">
          ✓ {t('password.done')}
        </p>
      )}
      <div className="row">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={action.busy}
          data-testid="password-submit"
        >
          {t('password.submit')}
        </button>
        {done && (
          <button type="button" className="btn btn-light" onClick={onDone}>
            {t('sessions.close')}
          </button>
        )}
      </div>
    </form>
  );
}
