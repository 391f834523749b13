import type { Actor } from '@giaoban/shared';
import {
  EXPIRING_KINDS,
  type RetentionPolicy,
  RetentionPolicy as RetentionPolicySchema,
  type RetentionSettings,
} from '@giaoban/shared';
import type { Store } from '../../store/Store';
import { newId } from '../../util/ids';

/**
 * The hub-wide settings live in the store's per-meeting documents under an id no meeting can
 * have ('#' is outside the Id alphabet), so both stores (memory, Redis) keep them with no new
 * store method and every hub process of a cluster reads the same policy.
 */
const HUB_DOC = '#hub';
const KEY = 'archive.retention';

interface Saved {
  policy: RetentionPolicy;
  updatedAt: string;
  updatedBy: string;
}

/**
 * The archive's retention policy: the deployment's default (ARCHIVE_RECORDING_RETENTION_MONTHS)
 * until an admin sets one (PUT /api/archive/retention), back to the default when reset.
 */
export class RetentionSettingsStore {
  constructor(
    private readonly store: Pick<Store, 'getMeetingDoc' | 'putMeetingDoc' | 'appendAudit'>,
    private readonly defaultPolicy: RetentionPolicy,
  ) {}

  async settings(): Promise<RetentionSettings> {
    const saved = await this.saved();
    return {
      policy: saved?.policy ?? { ...this.defaultPolicy },
      source: saved ? 'admin' : 'default',
      defaultPolicy: { ...this.defaultPolicy },
      ...(saved ? { updatedAt: saved.updatedAt, updatedBy: saved.updatedBy } : {}),
      expiringKinds: [...EXPIRING_KINDS],
    };
  }

  async policy(): Promise<RetentionPolicy> {
    return (await this.settings()).policy;
  }

  /** An admin's policy, or `null` to return to the deployment's default (audited). */
  async set(
    policy: RetentionPolicy | null,
    meta: { actor: Actor; at: string },
  ): Promise<RetentionSettings> {
    const by = meta.actor.name || meta.actor.id;
    // An empty value means "no admin policy" (the store has no delete for documents).
    const value: Saved | null = policy ? { policy, updatedAt: meta.at, updatedBy: by } : null;
    await this.store.putMeetingDoc(HUB_DOC, KEY, value ? JSON.stringify(value) : '');
    const settings = await this.settings();
    // Who changed how long recordings are kept is what an inspection asks.
    await this.store.appendAudit({
      id: newId('au_'),
      at: meta.at,
      actor: meta.actor,
      action: 'archive.retention',
      detail: { policy: settings.policy, source: settings.source },
    });
    return settings;
  }

  private async saved(): Promise<Saved | null> {
    const raw = await this.store.getMeetingDoc(HUB_DOC, KEY);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Saved;
      // A value written by an older or broken hub falls back to the default, never to "delete".
      const policy = RetentionPolicySchema.safeParse(parsed.policy);
      return policy.success ? { ...parsed, policy: policy.data } : null;
    } catch {
      return null;
    }
  }
}

/**
 * When a file filed at `filedAt` expires after `months` calendar months (clamped to the month's
 * last day: filed 31 January, kept 1 month → 28/29 February), or null when kept for good.
 */
export function keepUntil(filedAt: string, months: number): string | null {
  if (months <= 0) return null;
  const d = new Date(filedAt);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString();
}
