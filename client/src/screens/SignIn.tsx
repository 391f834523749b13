import { useEffect, useRef, useState } from 'react';
import { useServices } from '../AppContext';
import { Header } from '../components/Header';
import { useAction } from '../hooks/useAction';
import { navigate } from '../hooks/useRoute';
import { useT } from '../hooks/useT';

/** Extracts the token from a pasted invitation link (`/join/<token>` or `?invite=`) or a bare code. */
export function inviteTokenFrom(input: string): string {
  const s = input.trim();
  try {
    const url = new URL(s);
    const q = url.searchParams.get('invite');
    if (q) return q;
    const m = url.pathname.match(/\/join\/([^/]+)/);
    if (m?.[1]) return decodeURIComponent(m[1]);
  } catch {
    // not a URL: a bare token
  }
  return s;
}

/** Reasons that only end an invitation link's session: the site needs a new link. */
const SITE_REASONS = new Set<string>(['invitation_revoked', 'displaced', 'meeting_closed']);

export function SignIn({ inviteToken }: { inviteToken?: string }) {
  const t = useT();
  const { api, auth } = useServices();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [invite, setInvite] = useState('');
  const login = useAction();
  const join = useAction();
  const tried = useRef(false);

  const exchange = async (token: string) => {
    const res = await join.run(() => api.exchangeInvitation(token));
    if (!res) return;
    auth.set(res);
    if (res.grant.meetingId)
      navigate({ name: 'meeting', meetingId: res.grant.meetingId }, { replace: true });
    else navigate({ name: 'home' }, { replace: true });
  };

  useEffect(() => {
    if (inviteToken && !tried.current) {
      tried.current = true;
      void exchange(inviteToken);
    }
  });

  return (
    <div className="page">
      <Header />
      <main id="main" className="signin">
        <section className="panel signin-card" aria-labelledby="signin-title">
          <h1 id="signin-title">{t('signIn.title')}</h1>
          {auth.signedOutReason && (
            <p className="notice" role="status" data-testid="signed-out-reason">
              {t(
                SITE_REASONS.has(auth.signedOutReason)
                  ? 'signIn.signedOutSite'
                  : 'signIn.signedOut',
                {
                  reason: t(`session.reason.${auth.signedOutReason}`),
                },
              )}
            </p>
          )}
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              const res = await login.run(() => api.login(username.trim(), password));
              if (res) {
                auth.set(res);
                navigate({ name: 'home' }, { replace: true });
              }
            }}
          >
            <label>
              {t('signIn.username')}
              <input
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                data-testid="login-username"
                required
              />
            </label>
            <label>
              {t('signIn.password')}
              <input
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="login-password"
                required
              />
            </label>
            {login.error && (
              <p className="error" role="alert" data-testid="login-error">
                {login.error}
              </p>
            )}
            <button
              type="submit"
              className="btn btn-primary btn-large btn-block"
              disabled={login.busy}
              data-testid="login-submit"
            >
              {login.busy ? t('signIn.busy') : t('signIn.submit')}
            </button>
          </form>
        </section>
        <div className="signin-or" aria-hidden="true">
          {t('signIn.or')}
        </div>
        <section className="panel signin-card" aria-labelledby="invite-title">
          <h2 id="invite-title">{t('signIn.inviteTitle')}</h2>
          <p className="muted">{t('signIn.inviteHint')}</p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const token = inviteTokenFrom(invite);
              if (token) void exchange(token);
            }}
          >
            <label>
              {t('signIn.inviteField')}
              <input
                value={invite}
                onChange={(e) => setInvite(e.target.value)}
                data-testid="invite-input"
              />
            </label>
            {join.busy && <p role="status">{t('signIn.inviteChecking')}</p>}
            {join.error && (
              <p className="error" role="alert" data-testid="invite-error">
                {join.error}
              </p>
            )}
            <button
              type="submit"
              className="btn btn-large btn-block"
              disabled={join.busy || !invite.trim()}
              data-testid="invite-submit"
            >
              {t('signIn.inviteSubmit')}
            </button>
          </form>
        </section>
      </main>
    </div>
  );
}
