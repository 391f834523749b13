import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Role, Role as RoleSchema } from '@giaoban/shared';
import type { TokenFacts } from '../../auth/Revocations';
import { HubError } from '../../util/HubError';

/** Long enough to start and seek through a session of viewing; the player asks again after. */
export const PLAY_LINK_TTL_MS = 15 * 60_000;

export interface PlayGrant {
  meetingId: string;
  sha256: string;
  /** Who asked (the archive's logs name them), with the role they asked as. */
  sub: string;
  role: Role;
  /**
   * The session whose access token asked, as revocation knows it: the link dies with it (logout,
   * an admin ending her sessions, a password or role change), not 15 minutes later.
   */
  session: TokenFacts;
  /** Expiry, ms since the epoch. */
  exp: number;
}

const optNum = (v: unknown) => v === undefined || typeof v === 'number';
const optStr = (v: unknown) => v === undefined || typeof v === 'string';

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * Short-lived signed links to one archived file, for the player: a `<video src>` cannot send the
 * bearer header, and fetching a whole hour into a blob is what the player must not do. The link
 * is `HMAC-SHA256(hub secret, payload)` over the meeting, the file's SHA-256, the asker and an
 * expiry, and the session that asked (its id, the principal's epoch); the role check happened
 * when it was issued (POST …/archive/:sha256/link), and on every request the archive checks the
 * session was not revoked since, the asker still has the archive's role in the meeting and the
 * file is still filed (not expired, not altered).
 */
export class PlayLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
    readonly ttlMs = PLAY_LINK_TTL_MS,
  ) {
    // A key of its own, derived: a play token is never accepted as anything else.
    this.key = createHmac('sha256', secret).update('giaoban archive play link v1').digest();
  }

  issue(g: Omit<PlayGrant, 'exp'>): { token: string; expiresAt: string } {
    const exp = this.now() + this.ttlMs;
    const { principal, sessionId, epoch, issuedAt } = g.session;
    const payload = b64(
      JSON.stringify({
        m: g.meetingId,
        s: g.sha256,
        u: g.sub,
        r: g.role,
        p: principal,
        ...(sessionId !== undefined ? { i: sessionId } : {}),
        ...(epoch !== undefined ? { n: epoch } : {}),
        t: issuedAt,
        e: exp,
      }),
    );
    return { token: `${payload}.${this.sign(payload)}`, expiresAt: new Date(exp).toISOString() };
  }

  verify(token: string): PlayGrant {
    const [payload, sig, extra] = token.split('.');
    if (!payload || !sig || extra !== undefined || token.length > 1000)
      throw new HubError('UNAUTHENTICATED', 'not a play link');
    const want = Buffer.from(this.sign(payload));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got))
      throw new HubError('UNAUTHENTICATED', 'not a play link');
    let p: Record<'m' | 's' | 'u' | 'r' | 'p' | 'i' | 'n' | 't' | 'e', unknown>;
    try {
      p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new HubError('UNAUTHENTICATED', 'not a play link');
    }
    if (
      typeof p.m !== 'string' ||
      typeof p.s !== 'string' ||
      typeof p.u !== 'string' ||
      !RoleSchema.safeParse(p.r).success ||
      typeof p.p !== 'string' ||
      !optStr(p.i) ||
      !optNum(p.n) ||
      typeof p.t !== 'number' ||
      typeof p.e !== 'number'
    )
      throw new HubError('UNAUTHENTICATED', 'not a play link');
    if (p.e <= this.now()) throw new HubError('TOKEN_EXPIRED', 'the play link expired');
    const session: TokenFacts = { principal: p.p, issuedAt: p.t };
    if (typeof p.i === 'string') session.sessionId = p.i;
    if (typeof p.n === 'number') session.epoch = p.n;
    return { meetingId: p.m, sha256: p.s, sub: p.u, role: p.r as Role, session, exp: p.e };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
