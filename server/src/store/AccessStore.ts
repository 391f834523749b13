import type { RevokeReason, Role } from '@giaoban/shared';

/**
 * Why a session ended (the shared enum: the client says it in words). `reuse`: an already rotated
 * refresh token came back (stolen or replayed), so the whole family was revoked. The
 * account-wide reasons (`password`, `disabled`, `role`, `deleted`) bump the principal's epoch.
 */
export type { RevokeReason };

/**
 * What one hub process tells the others when it takes access back. `epoch`: every token of the
 * principal issued before is dead (password change, disable, role change, delete, a revoked
 * invitation). `session`: one refresh-token family ended (logout, revoked from the list, reuse).
 */
export type Revocation =
  | { type: 'epoch'; principal: string; epoch: number; reason: RevokeReason; at: number }
  | {
      type: 'session';
      sessionId: string;
      principal: string;
      reason: RevokeReason;
      at: number;
      /** `displaced`: the browser that took over. */
      by?: { device: string };
    };

export interface RevocationListener {
  /** A revocation published by any hub process (this one included). */
  onRevocation(r: Revocation): void;
  /** The channel was down and is back: messages may have been missed, re-read the state. */
  onResync(): void;
}

/**
 * One signed-in browser: a refresh-token family. `principal` is what revocation is keyed on: the
 * account id, or `inv:<invitationId>` for a site that came in through an invitation link.
 * `generation` counts the refresh tokens issued in the family; only the one carrying the current
 * generation may refresh, an older one is a reuse.
 */
export interface SessionRecord {
  id: string;
  principal: string;
  role: Role;
  /** Display name of the grant (account or site). */
  name: string;
  accountId?: string;
  invitationId?: string;
  meetingId?: string;
  siteId?: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string;
  userAgent: string;
  /** Short human label of the browser and system ("Chrome 156 · Windows"). */
  device: string;
  generation: number;
  /** When the current refresh token expires (moves forward on every refresh). */
  expiresAt: string;
  revokedAt?: string;
  revokedReason?: RevokeReason;
}

/** What a successful refresh writes. */
export interface SessionTouch {
  lastUsedAt: string;
  ip: string;
  userAgent: string;
  device: string;
  expiresAt: string;
}

export type RotateResult =
  | { ok: true; session: SessionRecord }
  | { ok: false; reason: 'missing' | 'revoked' | 'stale'; session?: SessionRecord };

/** One invitation link of one site in one meeting. */
export interface InvitationRecord {
  id: string;
  meetingId: string;
  siteId: string;
  siteName: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  /** One browser at a time: exchanging the link again ends the earlier browser's session. */
  singleBrowser: boolean;
  revokedAt?: string;
  revokedBy?: string;
  /** The invitation that replaced this one (re-issue). */
  replacedBy?: string;
}

/** One exchange of an invitation link. */
export interface InvitationUse {
  at: string;
  ip: string;
  device: string;
  sessionId: string;
}

export interface LoginFailures {
  count: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Sessions, revocation epochs, failed-login counters and invitations: what lets the hub take
 * access back. Part of the Store (`store.access`), with one behavioural contract
 * (accessStoreContract.ts) for MemoryStore and RedisStore.
 */
export interface AccessStore {
  createSession(s: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** Sessions of a principal not yet past `expiresAt`, revoked ones included, newest first. */
  listSessions(principal: string): Promise<SessionRecord[]>;
  /**
   * Atomically: when the session exists, is not revoked and is at `generation`, move it to
   * generation + 1 with `touch`. Otherwise say why (the caller treats `stale` as a reuse).
   */
  rotateSession(id: string, generation: number, touch: SessionTouch): Promise<RotateResult>;
  /** Marks it revoked; returns the record when this call revoked it (not when already revoked). */
  revokeSession(id: string, at: number, reason: RevokeReason): Promise<SessionRecord | undefined>;
  /** Revokes every live session of the principal; returns those this call revoked. */
  revokeSessions(principal: string, at: number, reason: RevokeReason): Promise<SessionRecord[]>;
  /** Sessions revoked at or after `sinceMs` (a starting hub warms its revocation cache). */
  revokedSince(sinceMs: number): Promise<Array<{ id: string; at: number }>>;

  /** Raises the principal's epoch by one; tokens issued at a lower epoch stop working. */
  bumpEpoch(principal: string): Promise<number>;
  getEpoch(principal: string): Promise<number>;
  /** Every principal with an epoch above 0. */
  listEpochs(): Promise<Map<string, number>>;

  /** Counts one failed login for `key` within a window that restarts `windowMs` after the last. */
  noteLoginFailure(key: string, now: number, windowMs: number): Promise<LoginFailures>;
  getLoginFailures(key: string): Promise<LoginFailures | undefined>;
  clearLoginFailures(key: string): Promise<void>;

  putInvitation(inv: InvitationRecord): Promise<void>;
  getInvitation(id: string): Promise<InvitationRecord | undefined>;
  /** Every invitation of the meeting, revoked ones included, in the order they were put. */
  listInvitations(meetingId: string): Promise<InvitationRecord[]>;
  /** Records a use; keeps the newest `keep`; returns how many uses there were in all. */
  addInvitationUse(id: string, use: InvitationUse, keep: number): Promise<number>;
  /** Newest first, with the total count. */
  listInvitationUses(id: string): Promise<{ total: number; recent: InvitationUse[] }>;

  /** Tells every hub process sharing this store (Redis pub/sub; in-process for MemoryStore). */
  publishRevocation(r: Revocation): Promise<void>;
  /** Resolves once listening; returns the function that stops it. */
  subscribeRevocations(l: RevocationListener): Promise<() => Promise<void>>;
}
