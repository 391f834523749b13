import type { Account, Actor, AuditEntry, Grant } from '@giaoban/shared';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { AccountRecord, Store } from '../store/Store';
import { DuplicateError } from '../store/Store';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';

export function publicAccount(a: AccountRecord): Account {
  const { passwordHash: _omit, ...rest } = a;
  return rest;
}

export function grantOf(a: Account): Grant {
  const g: Grant = { sub: a.id, role: a.role, name: a.displayName };
  if (a.siteId) g.siteId = a.siteId;
  return g;
}

// A fixed hash to compare against when the username is unknown, so timing does not reveal it.
let decoyHash: Promise<string> | undefined;

export class AccountService {
  constructor(private readonly store: Store) {}

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
    patch: { password?: string; displayName?: string; title?: string; disabled?: boolean },
    actor: Actor,
  ): Promise<Account> {
    const rec = await this.store.getAccount(id);
    if (!rec) throw new HubError('NOT_FOUND', `account ${id} not found`);
    if (patch.password) rec.passwordHash = await hashPassword(patch.password);
    if (patch.displayName !== undefined) rec.displayName = patch.displayName;
    if (patch.title !== undefined) rec.title = patch.title;
    if (patch.disabled !== undefined) rec.disabled = patch.disabled;
    await this.store.updateAccount(rec);
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
    if (!ok || rec.disabled) throw new HubError('UNAUTHENTICATED', 'wrong username or password');
    return publicAccount(rec);
  }

  /** Every account without its password hash. */
  async list(): Promise<Account[]> {
    return (await this.store.listAccounts()).map(publicAccount);
  }

  /** Whether an account may still act (exists and is not disabled): refresh checks it. */
  async isActive(id: string): Promise<boolean> {
    const a = await this.store.getAccount(id);
    return a !== undefined && !a.disabled;
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
