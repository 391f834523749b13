import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { Grant, Role } from '@giaoban/shared';
import { ROLES } from '@giaoban/shared';
import jwt from 'jsonwebtoken';
import type { HubConfig } from '../config/Config';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';

export type TokenType = 'access' | 'refresh' | 'invite';

interface Claims {
  typ: TokenType;
  role: Role;
  name: string;
  sid?: string;
  mid?: string;
  /** Session (refresh-token family) the token belongs to. */
  ses?: string;
  /** Refresh tokens: the family's generation this token may rotate. */
  gen?: number;
  /** Revocation epoch of the principal when the token was issued. */
  ep?: number;
  /** Invitation the grant came from (invite tokens and the sessions they opened). */
  iid?: string;
}

/** What ties a token to revocable state (all optional: IdP tokens carry none of it). */
export interface SessionClaims {
  sessionId?: string;
  generation?: number;
  epoch?: number;
  invitationId?: string;
}

export interface Verified {
  grant: Grant;
  /** ms */
  expiresAt: number;
  /** ms */
  issuedAt: number;
  session: SessionClaims;
}

/** What revocation is keyed on: the account, or the invitation a site came in with. */
export function principalOf(grant: Grant, session: SessionClaims): string {
  return session.invitationId ? `inv:${session.invitationId}` : grant.sub;
}

/**
 * Issues and verifies JWTs. HS256 with our secret; RS256 only with the configured identity
 * provider's public key and issuer. The algorithm list is explicit per key, so `alg: none` and
 * key-confusion (HS256 signed with the public key) are refused by jsonwebtoken itself.
 */
export class TokenService {
  // KeyObjects built once: given a string, jsonwebtoken tries to parse it as a PEM key on every
  // call (and throws internally), which was the largest CPU cost of a site joining.
  private readonly hmacKey: KeyObject;
  private readonly idpKey: KeyObject | undefined;

  constructor(private readonly cfg: HubConfig['jwt']) {
    this.hmacKey = createSecretKey(Buffer.from(cfg.secret, 'utf8'));
    this.idpKey = cfg.idp ? createPublicKey(cfg.idp.publicKey) : undefined;
  }

  sign(
    type: TokenType,
    grant: Grant,
    ttlSeconds?: number,
    session: SessionClaims = {},
  ): { token: string; expiresAt: number } {
    const ttl =
      ttlSeconds ??
      (type === 'access'
        ? this.cfg.accessTtlSeconds
        : type === 'refresh'
          ? this.cfg.refreshTtlSeconds
          : this.cfg.inviteTtlSeconds);
    const claims: Claims = { typ: type, role: grant.role, name: grant.name };
    if (grant.siteId) claims.sid = grant.siteId;
    if (grant.meetingId) claims.mid = grant.meetingId;
    if (session.sessionId) claims.ses = session.sessionId;
    if (session.generation !== undefined) claims.gen = session.generation;
    if (session.epoch !== undefined) claims.ep = session.epoch;
    if (session.invitationId) claims.iid = session.invitationId;
    const token = jwt.sign(claims, this.hmacKey, {
      algorithm: 'HS256',
      expiresIn: ttl,
      issuer: this.cfg.issuer,
      audience: this.cfg.audience,
      subject: grant.sub,
      jwtid: newId('', 9),
    });
    return { token, expiresAt: Date.now() + ttl * 1000 };
  }

  /** Verifies and returns the grant plus expiry (ms). Throws HubError UNAUTHENTICATED/TOKEN_EXPIRED. */
  verify(token: string, expected: TokenType): Verified {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw new HubError('UNAUTHENTICATED', 'missing token');
    }
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') {
      throw new HubError('UNAUTHENTICATED', 'malformed token');
    }
    const alg = decoded.header.alg;
    let payload: jwt.JwtPayload;
    try {
      if (alg === 'HS256') {
        payload = jwt.verify(token, this.hmacKey, {
          algorithms: ['HS256'],
          issuer: this.cfg.issuer,
          audience: this.cfg.audience,
        }) as jwt.JwtPayload;
      } else if (alg === 'RS256' && this.cfg.idp && this.idpKey) {
        payload = jwt.verify(token, this.idpKey, {
          algorithms: ['RS256'],
          issuer: this.cfg.idp.issuer,
          audience: this.cfg.idp.audience,
        }) as jwt.JwtPayload;
      } else {
        throw new HubError('UNAUTHENTICATED', `algorithm ${String(alg)} not accepted`);
      }
    } catch (e) {
      if (e instanceof HubError) throw e;
      if (e instanceof jwt.TokenExpiredError) throw new HubError('TOKEN_EXPIRED', 'token expired');
      if (e instanceof jwt.NotBeforeError)
        throw new HubError('UNAUTHENTICATED', 'token not yet valid');
      throw new HubError('UNAUTHENTICATED', (e as Error).message);
    }
    // IdP tokens carry no `typ`; they are access tokens by definition.
    const typ = payload.typ ?? (alg === 'RS256' ? 'access' : undefined);
    if (typ !== expected) throw new HubError('UNAUTHENTICATED', `expected a ${expected} token`);
    const role = payload.role;
    if (!ROLES.includes(role)) throw new HubError('UNAUTHENTICATED', 'token has no valid role');
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new HubError('UNAUTHENTICATED', 'token has no subject');
    }
    if (role === 'site' && typeof payload.sid !== 'string') {
      throw new HubError('UNAUTHENTICATED', 'site token without site id');
    }
    const grant: Grant = {
      sub: payload.sub,
      role,
      name: typeof payload.name === 'string' ? payload.name : payload.sub,
    };
    if (typeof payload.sid === 'string') grant.siteId = payload.sid;
    if (typeof payload.mid === 'string') grant.meetingId = payload.mid;
    const session: SessionClaims = {};
    if (alg === 'HS256') {
      if (typeof payload.ses === 'string') session.sessionId = payload.ses;
      if (Number.isSafeInteger(payload.gen)) session.generation = payload.gen;
      if (Number.isSafeInteger(payload.ep)) session.epoch = payload.ep;
      if (typeof payload.iid === 'string') session.invitationId = payload.iid;
    }
    return {
      grant,
      expiresAt: (payload.exp ?? 0) * 1000,
      issuedAt: (payload.iat ?? 0) * 1000,
      session,
    };
  }
}
