import type { ReactNode } from 'react';
import { useAuth } from '../hooks/useAuth';
import { navigate } from '../hooks/useRoute';
import { useT } from '../hooks/useT';
import { LanguageSwitch } from './LanguageSwitch';
import { UserMenu } from './UserMenu';

export function Header({ title, children }: { title?: string; children?: ReactNode }) {
  const t = useT();
  const session = useAuth();
  return (
    <header className="app-header">
      <a
        className="brand"
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate({ name: 'home' });
        }}
        data-testid="nav-home"
      >
        <span className="brand-mark" aria-hidden="true">
          ★
        </span>
        <span>
          <strong>{t('app.name')}</strong>
          <small>{t('app.tagline')}</small>
        </span>
      </a>
      {title && (
        // The whole title on hover when a long one is cut (seen on the chair's console at 1600 px).
        <h1 className="header-title" data-testid="page-title" title={title}>
          {title}
        </h1>
      )}
      <div className="header-tools">
        {children}
        <LanguageSwitch />
        {session && <UserMenu session={session} />}
      </div>
    </header>
  );
}
