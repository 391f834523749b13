import type { Account, Actor, AuditEntry, Grant } from '@giaoban/shared';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { AccountRecord, Store } from '../store/Store';
import { DuplicateError } from '../store/Store';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';

export function publicAccount(a: AccountRecord): Account {
  const { passwordHash: _omit, deletedAt: _deleted, ...rest } = a;
  return rest;
}

/** Why an account's sessions must end now (SessionService.endAll). */
export type AccessChange = 'password' | 'disabled' | 'role' | 'deleted';
type AccessChangeListener = (
  accountId: string,
  reason: AccessChange,
  actor: Actor,
  /** The session that made the change itself (own password change): it stays signed in. */
  keepSession?: string,
) => Promise<unknown>;

export function grantOf(a: Account): Grant {
  const g: Grant = { sub: a.id, role: a.role, name: a.displayName };
  if (a.siteId) g.siteId = a.siteId;
  return g;
}

// A fixed hash to compare against when the username is unknown, so timing does not reveal it.
let decoyHash: Promise<string> | undefined;

export class AccountService {
  private accessChanged: AccessChangeListener = async () => {};

  constructor(private readonly store: Store) {}

  /** Told when a password, disabling, a role change or deletion must end the account's sessions. */
  onAccessChange(fn: AccessChangeListener): void {
    this.accessChanged = fn;
  }

  async create(
    input: Omit<Account, 'id' | 'createdAt' | 'disabled'> & { password: string; id?: string },
    actor: Actor,
  ): Promise<Account> {
    if (input.role === 'site') {
      if (!input.siteId) throw new HubError('BAD_REQUEST', 'a site account needs siteId');
      const [unit] = await this.store.getUnits([input.siteId]);
      if (!unit) throw new HubError('NOT_FOUND', `unit ${input.siteId} is not in the directory`);
    }
    const { password, ...rest } = input;
    const rec: AccountRecord = {
      ...rest,
      id: input.id ?? newId('acc_'),
      disabled: false,
      createdAt: new Date().toISOString(),
      passwordHash: await hashPassword(password),
    };
    try {
      await this.store.createAccount(rec);
    } catch (e) {
      if (e instanceof DuplicateError)
        throw new HubError('CONFLICT', `username ${input.username} is taken`);
      throw e;
    }
    await this.store.appendAudit({
      id: newId('au_'),
      at: rec.createdAt,
      actor,
      action: 'account.create',
      target: rec.id,
      detail: { username: rec.username, role: rec.role },
    });
    return publicAccount(rec);
  }

  async update(
    id: string,
    patch: {
      password?: string;
      displayName?: string;
      title?: string;
      disabled?: boolean;
      role?: Exclude<Account['role'], 'site'>;
    },
    actor: Actor,
    opts: { keepSession?: string } = {},
  ): Promise<Account> {
    const rec = await this.store.getAccount(id);
    if (!rec || rec.deletedAt) throw new HubError('NOT_FOUND', `account ${id} not found`);
    if (patch.role !== undefined && patch.role !== rec.role && rec.role === 'site') {
      throw new HubError('BAD_REQUEST', 'a site account keeps its role (create a staff account)');
    }
    const change: AccessChange | undefined = patch.password
      ? 'password'
      : patch.disabled === true && !rec.disabled
        ? 'disabled'
        : patch.role !== undefined && patch.role !== rec.role
          ? 'role'
          : undefined;
    if (patch.password) rec.passwordHash = await hashPassword(patch.password);
    if (patch.displayName !== undefined) rec.displayName = patch.displayName;
    if (patch.title !== undefined) rec.title = patch.title;
    if (patch.disabled !== undefined) rec.disabled = patch.disabled;
    if (patch.role !== undefined) rec.role = patch.role;
    await this.store.updateAccount(rec);
    // After the write: a session renewing in between sees the new record and is refused.
    if (change) await this.accessChanged(id, change, actor, opts.keepSession);
    await this.store.appendAudit({
      id: newId('au_'),
      at: new Date().toISOString(),
      actor,
      action: 'account.update',
      target: id,
      detail: {
        fields: Object.keys(patch)
          .filter((k) => k !== 'password')
          .concat(patch.password ? ['password'] : []),
      },
    });
    return publicAccount(rec);
  }

  /** Checks credentials; same error for unknown user, wrong password and disabled account. */
  async login(username: string, password: string): Promise<Account> {
    const rec = await this.store.getAccountByUsername(username);
    if (!rec) {
      decoyHash ??= hashPassword('decoy-password');
      await verifyPassword(password, await decoyHash);
      throw new HubError('UNAUTHENTICATED', 'wrong username or password');
    }
    const ok = await verifyPassword(password, rec.passwordHash);
    if (!ok || rec.disabled || rec.deletedAt) {
      throw new HubError('UNAUTHENTICATED', 'wrong username or password');
    }
    return publicAccount(rec);
  }

  /** The holder's own password change: the current one must be right. */
  async changeOwnPassword(
    id: string,
    current: string,
    next: string,
    actor: Actor,
    keepSession?: string,
  ): Promise<Account> {
    const rec = await this.store.getAccount(id);
    if (!rec || rec.deletedAt || rec.disabled) {
      throw new HubError('UNAUTHENTICATED', 'account disabled');
    }
    if (!(await verifyPassword(current, rec.passwordHash))) {
      throw new HubError('FORBIDDEN', 'the current password is wrong');
    }
    return this.update(id, { password: next }, actor, keepSession ? { keepSession } : {});
  }

  /**
   * Deletes an account: it can no longer sign in, its sessions end now, it leaves the list; the
   * record stays so past meetings' minutes and attendance still name the person.
   */
  async delete(id: string, actor: Actor): Promise<void> {
    const rec = await this.store.getAccount(id);
    if (!rec || rec.deletedAt) throw new HubError('NOT_FOUND', `account ${id} not found`);
    if (actor.id === id)
      throw new HubError('FORBIDDEN', 'an admin cannot delete their own account');
    rec.deletedAt = new Date().toISOString();
    rec.disabled = true;
    await this.store.updateAccount(rec);
    await this.store.appendAudit({
      id: newId('au_'),
      at: rec.deletedAt,
      actor,
      action: 'account.delete',
      target: id,
      detail: { username: rec.username },
    });
    await this.accessChanged(id, 'deleted', actor);
  }

  /** Every account (not deleted ones) without its password hash. */
  async list(): Promise<Account[]> {
    return (await this.store.listAccounts()).filter((a) => !a.deletedAt).map(publicAccount);
  }

  /** Whether a session of this account with this role may be renewed. */
  async mayRenew(id: string, role: Account['role']): Promise<boolean> {
    const a = await this.store.getAccount(id);
    return a !== undefined && !a.disabled && !a.deletedAt && a.role === role;
  }

  /** Whether an account may still act (exists and is not disabled): refresh checks it. */
  async isActive(id: string): Promise<boolean> {
    const a = await this.store.getAccount(id);
    return a !== undefined && !a.disabled && !a.deletedAt;
  }

  /** A person as documents and snapshots name them. */
  async person(id: string): Promise<{ id: string; name: string; title?: string }> {
    const a = await this.store.getAccount(id);
    const out: { id: string; name: string; title?: string } = { id, name: a?.displayName ?? id };
    if (a?.title) out.title = a.title;
    return out;
  }

  /** The administration audit trail, newest last. */
  audit(limit: number): Promise<AuditEntry[]> {
    return this.store.listAudit(limit);
  }
}
