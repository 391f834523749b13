import { LIMITS } from '@giaoban/shared';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';

interface Balance {
  tokens: number;
  at: number;
}

/**
 * What one site may append to a meeting's permanent log: `LIMITS.siteLogBurst` entries, refilled
 * at `LIMITS.siteLogPerMinute` a minute (per hub process). Without it a site alternating
 * request/cancel inside the socket rate limit appends millions of entries a day. Entries that must
 * be recorded whatever happens (a leave closes an attendance interval) are charged without being
 * refused: the balance may go below zero, and the site's next commands wait for it.
 */
export class LogBudget {
  private readonly balances = new Map<string, Balance>();

  constructor(
    private readonly clock: Clock,
    private readonly burst: number = LIMITS.siteLogBurst,
    private readonly perMinute: number = LIMITS.siteLogPerMinute,
  ) {}

  private balance(meetingId: string, siteId: string): Balance {
    const key = `${meetingId}\u0000${siteId}`;
    const now = this.clock.now();
    let b = this.balances.get(key);
    if (!b) {
      // Bounded: a national meeting has 3,321 sites; forget everyone rather than grow forever.
      if (this.balances.size > 50_000) this.balances.clear();
      b = { tokens: this.burst, at: now };
      this.balances.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    return b;
  }

  /** Spends one entry of the site's budget, or throws RATE_LIMITED. */
  spend(meetingId: string, siteId: string): void {
    const b = this.balance(meetingId, siteId);
    if (b.tokens < 1) {
      throw new HubError(
        'RATE_LIMITED',
        `site ${siteId} changed too much in this meeting; wait a minute`,
      );
    }
    b.tokens -= 1;
  }

  /** Charges one entry that is recorded anyway (never refused). */
  charge(meetingId: string, siteId: string): void {
    this.balance(meetingId, siteId).tokens -= 1;
  }
}
