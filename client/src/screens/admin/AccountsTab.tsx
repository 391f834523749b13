import type { Account, Role } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { AccountAccess } from './AccountAccess';
import { AdminError } from './AdminError';

const ROLES: Role[] = ['admin', 'chair', 'secretary', 'site', 'observer'];

/** Accounts: one per site plus named people; admins create and update them. */
export function AccountsTab() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [form, setForm] = useState({
    username: '',
    password: '',
    displayName: '',
    role: 'site' as Role,
    siteId: '',
    title: '',
  });
  const action = useAction();
  const load = useCallback(
    () => action.run(async () => setAccounts(await api.accounts())),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const field = (k: keyof typeof form) => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value })),
  });
  return (
    <section className="panel" aria-labelledby="acc-title">
      <h2 id="acc-title">{t('admin.createAccount')}</h2>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.createAccount({
              username: form.username.trim(),
              password: form.password,
              displayName: form.displayName.trim(),
              role: form.role,
              ...(form.role === 'site' && form.siteId.trim() ? { siteId: form.siteId.trim() } : {}),
              ...(form.title.trim() ? { title: form.title.trim() } : {}),
            });
            setForm((f) => ({
              ...f,
              username: '',
              password: '',
              displayName: '',
              siteId: '',
              title: '',
            }));
            await load();
          });
        }}
      >
        <label>
          {t('signIn.username')}
          <input {...field('username')} required data-testid="account-username" />
        </label>
        <label>
          {t('signIn.password')}
          <input
            type="password"
            {...field('password')}
            required
            minLength={8}
            data-testid="account-password"
            autoComplete="new-password"
          />
        </label>
        <label>
          {t('admin.displayName')}
          <input {...field('displayName')} required data-testid="account-name" />
        </label>
        <label>
          {t('admin.role')}
          <select {...field('role')} data-testid="account-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        {form.role === 'site' && (
          <label>
            {t('admin.siteUnit')}
            <input {...field('siteId')} data-testid="account-site" />
          </label>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-large"
          disabled={action.busy}
          data-testid="account-create"
        >
          {t('admin.createAccount')}
        </button>
      </form>
      <AdminError error={action.error} />
      <h2>{t('admin.accounts')}</h2>
      <div className="table-scroll short">
        <table className="compact" data-testid="account-table">
          <thead>
            <tr>
              <th scope="col">{t('signIn.username')}</th>
              <th scope="col">{t('admin.displayName')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">{t('admin.siteUnit')}</th>
              <th scope="col">{t('admin.created')}</th>
              <th scope="col">{t('admin.sessions')}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id} data-testid={`account-row-${a.username}`}>
                <td>{a.username}</td>
                <td>{a.displayName}</td>
                <td>{t(`role.${a.role}`)}</td>
                <td>{a.siteId ?? t('common.none')}</td>
                <td>{new Date(a.createdAt).toLocaleDateString(locale)}</td>
                <td>
                  <AccountAccess account={a} onChanged={() => void load()} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
