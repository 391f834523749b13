import type { Account, Role } from '@giaoban/shared';
import { useCallback, useState } from 'react';
import { useServices } from '../../AppContext';
import { Dialog } from '../../components/Dialog';
import { SessionList } from '../../components/SessionList';
import { useAction } from '../../hooks/useAction';
import { useAuth } from '../../hooks/useAuth';
import { useT } from '../../hooks/useT';

const STAFF_ROLES: Array<Exclude<Role, 'site'>> = ['admin', 'chair', 'secretary', 'observer'];

/**
 * What an admin does about one account's access: see and end its sessions, change its role,
 * delete it. Each of these (and a new password or disabling) signs the person out everywhere
 * at once.
 */
export function AccountAccess({ account, onChanged }: { account: Account; onChanged: () => void }) {
  const t = useT();
  const { api } = useServices();
  const me = useAuth();
  const [open, setOpen] = useState(false);
  const action = useAction();
  const load = useCallback(() => api.accountSessions(account.id), [api, account.id]);
  const end = useCallback(
    (s: { id: string }) => api.endAccountSession(account.id, s.id),
    [api, account.id],
  );
  const endAll = useCallback(() => api.endAccountSessions(account.id), [api, account.id]);
  const isSelf = me?.grant.sub === account.id;
  return (
    <div className="row">
      {account.role !== 'site' && (
        <select
          aria-label={t('admin.role')}
          value={account.role}
          disabled={action.busy || isSelf}
          data-testid={`account-role-${account.username}`}
          onChange={(e) => {
            const role = e.target.value as Exclude<Role, 'site'>;
            const ok = window.confirm(
              t('admin.roleConfirm', { name: account.displayName, role: t(`role.${role}`) }),
            );
            if (!ok) return;
            void action.run(async () => {
              await api.updateAccount(account.id, { role });
              onChanged();
            });
          }}
        >
          {STAFF_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        className="btn btn-light btn-small"
        data-testid={`account-sessions-${account.username}`}
        onClick={() => setOpen(true)}
      >
        {t('admin.sessions')}
      </button>
      {!isSelf && (
        <button
          type="button"
          className="btn btn-danger-outline btn-small"
          disabled={action.busy}
          data-testid={`account-delete-${account.username}`}
          onClick={() => {
            if (!window.confirm(t('admin.deleteConfirm', { name: account.displayName }))) return;
            void action.run(async () => {
              await api.deleteAccount(account.id);
              onChanged();
            });
          }}
        >
          {t('admin.deleteAccount')}
        </button>
      )}
      {action.error && (
        <span className="error" role="alert">
          {action.error}
        </span>
      )}
      {open && (
        <Dialog
          title={t('sessions.titleOf', { name: account.displayName })}
          onClose={() => setOpen(false)}
          testId="account-sessions-dialog"
        >
          <SessionList load={load} end={end} endAll={endAll} admin />
        </Dialog>
      )}
    </div>
  );
}
