import { createHmac, timingSafeEqual } from 'node:crypto';
import { HubError } from '../../util/HubError';

/** Long enough to start and seek through a session of viewing; the player asks again after. */
export const PLAY_LINK_TTL_MS = 15 * 60_000;

export interface PlayGrant {
  meetingId: string;
  sha256: string;
  /** Who asked (the archive's logs name them). */
  sub: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * Short-lived signed links to one archived file, for the player: a `<video src>` cannot send the
 * bearer header, and fetching a whole hour into a blob is what the player must not do. The link
 * is `HMAC-SHA256(hub secret, payload)` over the meeting, the file's SHA-256, the asker and an
 * expiry; the role check happened when it was issued (POST …/archive/:sha256/link) and the
 * archive checks the file is still filed (not expired, not altered) on every request.
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
    const payload = b64(JSON.stringify({ m: g.meetingId, s: g.sha256, u: g.sub, e: exp }));
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
    let p: { m?: unknown; s?: unknown; u?: unknown; e?: unknown };
    try {
      p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new HubError('UNAUTHENTICATED', 'not a play link');
    }
    if (
      typeof p.m !== 'string' ||
      typeof p.s !== 'string' ||
      typeof p.u !== 'string' ||
      typeof p.e !== 'number'
    )
      throw new HubError('UNAUTHENTICATED', 'not a play link');
    if (p.e <= this.now()) throw new HubError('TOKEN_EXPIRED', 'the play link expired');
    return { meetingId: p.m, sha256: p.s, sub: p.u, exp: p.e };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
