/**
 * Reconnection policy, shaped like LiveKit's `ReconnectPolicy`: the session asks the policy how long
 * to wait before the next attempt, and the policy answers `null` to give up. Keeping it an
 * interface lets an operator plug a slower policy for a satellite link without touching the session.
 */
export interface ReconnectContext {
  /** Attempts already made since the connection dropped (0 before the first retry). */
  readonly retryCount: number;
  /** Milliseconds since the connection dropped. */
  readonly elapsedMs: number;
  /** Why the last attempt failed, when known. */
  readonly reason?: string;
}

export interface ReconnectPolicy {
  /** Delay before the next attempt in ms, or `null` to stop retrying. */
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

export interface ExponentialBackoffOptions {
  /** First delay (ms). */
  initialDelayMs?: number;
  /** Upper bound for any single delay (ms). */
  maxDelayMs?: number;
  /** Growth factor per attempt. */
  multiplier?: number;
  /** Fraction (0..1) of random spread, so 126 sites that dropped together do not retry together. */
  jitter?: number;
  /** Give up after this many attempts (Infinity: never, a ward office may be offline for a while). */
  maxRetries?: number;
  /** Give up after this much time since the drop (ms). */
  maxElapsedMs?: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

export class ExponentialBackoffPolicy implements ReconnectPolicy {
  readonly #initial: number;
  readonly #max: number;
  readonly #multiplier: number;
  readonly #jitter: number;
  readonly #maxRetries: number;
  readonly #maxElapsed: number;
  readonly #random: () => number;

  constructor(options: ExponentialBackoffOptions = {}) {
    this.#initial = options.initialDelayMs ?? 500;
    this.#max = options.maxDelayMs ?? 15_000;
    this.#multiplier = options.multiplier ?? 2;
    this.#jitter = Math.min(Math.max(options.jitter ?? 0.25, 0), 1);
    this.#maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;
    this.#maxElapsed = options.maxElapsedMs ?? Number.POSITIVE_INFINITY;
    this.#random = options.random ?? Math.random;
    if (this.#initial < 0 || this.#max < this.#initial || this.#multiplier < 1) {
      throw new RangeError(
        'ExponentialBackoffPolicy: need 0 <= initialDelayMs <= maxDelayMs, multiplier >= 1',
      );
    }
  }

  nextRetryDelayMs({ retryCount, elapsedMs }: ReconnectContext): number | null {
    if (retryCount >= this.#maxRetries || elapsedMs >= this.#maxElapsed) return null;
    const base = Math.min(this.#initial * this.#multiplier ** retryCount, this.#max);
    // Symmetric jitter around the base, then clamp: never negative, never above the cap.
    const spread = base * this.#jitter * (this.#random() * 2 - 1);
    return Math.round(Math.min(Math.max(base + spread, 0), this.#max));
  }
}

/** Default used by the meeting session: fast first retry, capped at 15 s, never gives up. */
export function defaultReconnectPolicy(): ReconnectPolicy {
  return new ExponentialBackoffPolicy();
}
