import type { Actor, Grant, TokenResponse } from '@giaoban/shared';
import type { HubConfig } from '../config/Config';
import type { Revocation, RevokeReason, SessionRecord } from '../store/AccessStore';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';
import type { Logger } from '../util/logger';
import { deviceLabel } from './device';
import { Revocations, type TokenFacts } from './Revocations';
import { principalOf, type SessionClaims, type TokenService, type Verified } from './TokenService';

/** Where a request came from, as recorded on the session. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
}

export interface Issued extends TokenResponse {
  sessionId: string;
}

/**
 * Says whether a session may still be renewed (the account still active with the same role, the
 * invitation not revoked, its meeting not closed); throws UNAUTHENTICATED otherwise.
 */
export type RenewalCheck = (s: SessionRecord) => Promise<void>;

export interface SessionServiceDeps {
  store: Pick<Store, 'access' | 'appendAudit'>;
  tokens: TokenService;
  jwt: Pick<HubConfig['jwt'], 'accessTtlSeconds' | 'refreshTtlSeconds'>;
  clock: Clock;
  logger: Logger;
  /**
   * The longest a credential derived from an access token outlives it (an archive play link:
   * 15 minutes, whatever ACCESS_TTL is). Revoked sessions are remembered at least this long, so
   * such a credential is refused until it expires.
   */
  derivedTtlMs?: number;
}

const MAX_UA = 512;

/** What revocation keys a verified token on (and what a credential derived from it carries). */
export function factsOf(v: Verified): TokenFacts {
  const f: TokenFacts = { principal: principalOf(v.grant, v.session), issuedAt: v.issuedAt };
  if (v.session.sessionId !== undefined) f.sessionId = v.session.sessionId;
  if (v.session.epoch !== undefined) f.epoch = v.session.epoch;
  return f;
}

/**
 * Sessions: one refresh-token family per signed-in browser, rotated on every refresh. A refresh
 * token that was already rotated coming back means two parties hold it, so the whole family is
 * revoked (RFC 9700 §4.14). Every access token carries its session and the principal's epoch;
 * checking it costs two in-process map lookups (Revocations), kept current across hub processes
 * by the store's revocation channel. Taking access back publishes there, and `onRevoked`
 * listeners (the socket layer) disconnect what this process holds.
 */
export class SessionService {
  readonly revocations: Revocations;
  private readonly listeners = new Set<(r: Revocation) => void>();
  private readonly renewalChecks: RenewalCheck[] = [];
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly d: SessionServiceDeps) {
    const windowMs = Math.max(d.jwt.accessTtlSeconds * 1000, d.derivedTtlMs ?? 0);
    this.revocations = new Revocations(windowMs, () => d.clock.now());
  }

  /** Warms the revocation cache from the store and listens for other processes' revocations. */
  async start(): Promise<void> {
    this.unsubscribe = await this.d.store.access.subscribeRevocations({
      onRevocation: (r) => this.received(r),
      onResync: () => {
        this.revocations
          .warm(this.d.store.access)
          .catch((e) => this.d.logger.warn('revocation cache resync failed', { err: String(e) }));
      },
    });
    await this.revocations.warm(this.d.store.access);
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Called for every revocation any process published (after the cache took it). */
  onRevoked(fn: (r: Revocation) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  addRenewalCheck(check: RenewalCheck): void {
    this.renewalChecks.push(check);
  }

  // --- issuing -------------------------------------------------------------------------------

  /** A new session (login or invitation exchange) and its first token pair. */
  async open(
    grant: Grant,
    client: ClientInfo,
    from: { accountId?: string; invitationId?: string } = {},
  ): Promise<Issued> {
    const now = this.d.clock.now();
    const session: SessionClaims = from.invitationId ? { invitationId: from.invitationId } : {};
    const principal = principalOf(grant, session);
    const rec: SessionRecord = {
      id: newId('ses_'),
      principal,
      role: grant.role,
      name: grant.name,
      createdAt: new Date(now).toISOString(),
      lastUsedAt: new Date(now).toISOString(),
      ...this.clientFields(client),
      generation: 1,
      expiresAt: new Date(now + this.d.jwt.refreshTtlSeconds * 1000).toISOString(),
    };
    if (from.accountId) rec.accountId = from.accountId;
    if (from.invitationId) rec.invitationId = from.invitationId;
    if (grant.meetingId) rec.meetingId = grant.meetingId;
    if (grant.siteId) rec.siteId = grant.siteId;
    await this.d.store.access.createSession(rec);
    return this.pair(grant, rec, await this.currentEpoch(principal));
  }

  /** Rotates: the presented refresh token dies, a new pair is issued in the same family. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<Issued> {
    const v = this.d.tokens.verify(refreshToken, 'refresh');
    const { sessionId, generation } = v.session;
    if (!sessionId || generation === undefined) {
      throw new HubError('UNAUTHENTICATED', 'refresh token without a session');
    }
    const principal = principalOf(v.grant, v.session);
    const epoch = await this.currentEpoch(principal);
    if ((v.session.epoch ?? 0) < epoch) throw new HubError('UNAUTHENTICATED', 'session revoked');
    const now = this.d.clock.now();
    const r = await this.d.store.access.rotateSession(sessionId, generation, {
      lastUsedAt: new Date(now).toISOString(),
      ...this.clientFields(client),
      expiresAt: new Date(now + this.d.jwt.refreshTtlSeconds * 1000).toISOString(),
    });
    if (!r.ok) {
      if (r.reason === 'stale') await this.reuseDetected(r.session!, client, generation);
      throw new HubError(
        'UNAUTHENTICATED',
        r.reason === 'missing' ? 'session expired' : 'session revoked',
      );
    }
    try {
      for (const check of this.renewalChecks) await check(r.session);
    } catch (e) {
      // The account or invitation no longer allows it: end the session for good.
      await this.end(sessionId, 'revoked');
      throw e;
    }
    return this.pair(v.grant, r.session, epoch);
  }

  // --- checking (every REST request and socket handshake) ------------------------------------

  /** Verifies an access token and refuses one whose session or principal was revoked. */
  verifyAccess(token: string): Verified {
    const v = this.d.tokens.verify(token, 'access');
    if (this.isRevoked(v)) throw new HubError('UNAUTHENTICATED', 'session revoked');
    return v;
  }

  isRevoked(v: Verified): boolean {
    return this.revocations.isRevoked(factsOf(v));
  }

  // --- ending --------------------------------------------------------------------------------

  /** Ends one session (logout, revoked from a list). False when it was not live. */
  async end(
    sessionId: string,
    reason: RevokeReason,
    actor?: Actor,
    by?: { device: string },
  ): Promise<boolean> {
    const at = this.d.clock.now();
    const s = await this.d.store.access.revokeSession(sessionId, at, reason);
    if (!s) return false;
    await this.publish({
      type: 'session',
      sessionId,
      principal: s.principal,
      reason,
      at,
      ...(by ? { by } : {}),
    });
    if (actor) {
      await this.audit(actor, 'session.revoke', s.principal, {
        session: sessionId,
        reason,
        device: s.device,
      });
    }
    return true;
  }

  /**
   * Ends every session of a principal and kills its access tokens now (epoch + 1), on every
   * process. Returns how many sessions were live.
   */
  async endAll(principal: string, reason: RevokeReason, actor?: Actor): Promise<number> {
    const at = this.d.clock.now();
    const epoch = await this.d.store.access.bumpEpoch(principal);
    const ended = await this.d.store.access.revokeSessions(principal, at, reason);
    await this.publish({ type: 'epoch', principal, epoch, reason, at });
    if (actor) {
      await this.audit(actor, 'session.revoke_all', principal, { reason, sessions: ended.length });
    }
    return ended.length;
  }

  /**
   * Ends every session of the principal but `keep` (one's own password change: the browser that
   * made it stays signed in, socket and all, mid-briefing). No epoch bump — it would end `keep`'s
   * tokens too; every token the hub issues to an account names its session, so ending the
   * sessions ends them all.
   */
  async endOthers(
    principal: string,
    keep: string,
    reason: RevokeReason,
    actor?: Actor,
  ): Promise<number> {
    let ended = 0;
    for (const s of await this.list(principal)) {
      if (s.id !== keep && !s.revokedAt && (await this.end(s.id, reason))) ended++;
    }
    if (actor) {
      await this.audit(actor, 'session.revoke_all', principal, {
        reason,
        sessions: ended,
        kept: keep,
      });
    }
    return ended;
  }

  list(principal: string): Promise<SessionRecord[]> {
    return this.d.store.access.listSessions(principal);
  }

  get(sessionId: string): Promise<SessionRecord | undefined> {
    return this.d.store.access.getSession(sessionId);
  }

  // --- internals -----------------------------------------------------------------------------

  private async reuseDetected(s: SessionRecord, client: ClientInfo, generation: number) {
    const first = await this.end(s.id, 'reuse');
    if (first) {
      this.d.logger.warn('refresh token reused: session family revoked', {
        session: s.id,
        principal: s.principal,
      });
      await this.audit(
        { id: 'system', role: 'admin', name: 'GiaoBan' },
        'session.reuse',
        s.principal,
        {
          session: s.id,
          presentedGeneration: generation,
          currentGeneration: s.generation,
          ip: client.ip,
          device: deviceLabel(client.userAgent),
        },
      );
    }
  }

  private async currentEpoch(principal: string): Promise<number> {
    // Authoritative read: a token issued here must not carry an epoch another process already
    // raised (its cache may be a few milliseconds behind).
    const epoch = await this.d.store.access.getEpoch(principal);
    this.revocations.noteEpoch(principal, epoch);
    return epoch;
  }

  private pair(grant: Grant, s: SessionRecord, epoch: number): Issued {
    const claims: SessionClaims = { sessionId: s.id, epoch };
    if (s.invitationId) claims.invitationId = s.invitationId;
    const access = this.d.tokens.sign('access', grant, undefined, claims);
    const refreshTtl = Math.max(
      1,
      Math.round((Date.parse(s.expiresAt) - this.d.clock.now()) / 1000),
    );
    const refresh = this.d.tokens.sign('refresh', grant, refreshTtl, {
      ...claims,
      generation: s.generation,
    });
    return {
      accessToken: access.token,
      refreshToken: refresh.token,
      expiresIn: this.d.jwt.accessTtlSeconds,
      grant,
      sessionId: s.id,
    };
  }

  private clientFields(c: ClientInfo): Pick<SessionRecord, 'ip' | 'userAgent' | 'device'> {
    const userAgent = c.userAgent.slice(0, MAX_UA);
    return { ip: c.ip.slice(0, 64), userAgent, device: deviceLabel(userAgent) };
  }

  private async publish(r: Revocation): Promise<void> {
    // This process first (the caller's next request must already see it), then everyone.
    this.received(r);
    await this.d.store.access.publishRevocation(r);
  }

  private readonly seen = new Set<string>();
  private received(r: Revocation): void {
    // Our own publication comes back through the channel: act on each revocation once.
    const key = r.type === 'epoch' ? `e:${r.principal}:${r.epoch}` : `s:${r.sessionId}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > 10_000) this.seen.clear();
    this.revocations.apply(r);
    for (const l of this.listeners) {
      try {
        l(r);
      } catch (e) {
        this.d.logger.error('revocation listener failed', { err: String(e) });
      }
    }
  }

  private async audit(
    actor: Actor,
    action: string,
    target: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await this.d.store.appendAudit({
      id: newId('au_'),
      at: new Date(this.d.clock.now()).toISOString(),
      actor,
      action,
      target,
      detail,
    });
  }
}
