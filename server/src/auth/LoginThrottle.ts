import type { Actor } from '@giaoban/shared';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';

export interface ThrottlePolicy {
  /** Failures allowed before any delay, per account (username) and per client address. */
  freeFailuresPerAccount: number;
  freeFailuresPerIp: number;
  /** First delay after the free failures; doubles with every further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures are forgotten this long after the last one. */
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freeFailuresPerAccount: 5,
  freeFailuresPerIp: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  windowMs: 15 * 60_000,
};

/** RATE_LIMITED with when to come back: the REST layer sends it as Retry-After. */
export class RetryLaterError extends HubError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('RATE_LIMITED', message);
  }
}

/** Thrown while a key is held back. */
export class LoginThrottledError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, `too many failed logins: try again in ${retryAfterSeconds} s`);
  }
}

const SYSTEM: Actor = { id: 'system', role: 'admin', name: 'GiaoBan' };

/**
 * A growing delay after repeated failed logins, per account and per client address, counted in
 * the store so every hub process sees the same counters. After the free failures each further
 * one doubles the wait (1 s, 2 s, 4 s … up to 15 min) before the next attempt is even checked:
 * guessing a password becomes hopeless, while the real owner who mistyped is held back seconds,
 * not locked out (a lockout would let anyone lock any account by failing on purpose). Each time a
 * key starts being held back, the audit log gets one `auth.throttled` entry — not one per attempt,
 * so a flood cannot grow the permanent log. A success clears the account's counter; the
 * address's counter only runs out (a valid account must not reset a guesser's address).
 */
export class LoginThrottle {
  constructor(
    private readonly store: Pick<Store, 'access' | 'appendAudit'>,
    private readonly clock: Clock,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  /** Throws LoginThrottledError while the account or the address must wait. */
  async check(username: string, ip: string): Promise<void> {
    const now = this.clock.now();
    const [acc, addr] = await Promise.all([
      this.store.access.getLoginFailures(accountKey(username)),
      this.store.access.getLoginFailures(ipKey(ip)),
    ]);
    const wait = Math.max(
      acc ? this.until(acc.count, acc.lastAt, this.policy.freeFailuresPerAccount) - now : 0,
      addr ? this.until(addr.count, addr.lastAt, this.policy.freeFailuresPerIp) - now : 0,
    );
    if (wait > 0) throw new LoginThrottledError(Math.ceil(wait / 1000));
  }

  async failed(username: string, ip: string): Promise<void> {
    const now = this.clock.now();
    const w = this.policy.windowMs + this.policy.maxDelayMs;
    const [acc, addr] = await Promise.all([
      this.store.access.noteLoginFailure(accountKey(username), now, w),
      this.store.access.noteLoginFailure(ipKey(ip), now, w),
    ]);
    if (acc.count === this.policy.freeFailuresPerAccount + 1) {
      await this.audit('account', username, acc.count, ip);
    }
    if (addr.count === this.policy.freeFailuresPerIp + 1) {
      await this.audit('ip', ip, addr.count, ip);
    }
  }

  async succeeded(username: string): Promise<void> {
    await this.store.access.clearLoginFailures(accountKey(username));
  }

  /** When the next attempt may be checked, after `count` failures the last at `lastAt`. */
  private until(count: number, lastAt: number, free: number): number {
    if (count <= free) return 0;
    const delay = Math.min(
      this.policy.maxDelayMs,
      this.policy.baseDelayMs * 2 ** (count - free - 1),
    );
    return lastAt + delay;
  }

  private async audit(kind: 'account' | 'ip', target: string, failures: number, ip: string) {
    await this.store.appendAudit({
      id: newId('au_'),
      at: new Date(this.clock.now()).toISOString(),
      actor: SYSTEM,
      action: 'auth.throttled',
      target: kind === 'account' ? target : `ip:${target}`,
      detail: { by: kind, failures, ip },
    });
  }
}

// Usernames are compared as typed at login (the store's index is exact); bounded in length.
const accountKey = (username: string) => `u:${username.slice(0, 128)}`;
const ipKey = (ip: string) => `ip:${ip.slice(0, 64)}`;
