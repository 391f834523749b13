import { describe, expect, it } from 'vitest';
import { ExponentialBackoffPolicy } from './backoff';

describe('ExponentialBackoffPolicy', () => {
  it('doubles from the initial delay up to the cap without jitter', () => {
    const p = new ExponentialBackoffPolicy({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    const delays = [0, 1, 2, 3, 4, 5].map((n) =>
      p.nextRetryDelayMs({ retryCount: n, elapsedMs: 0 }),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads delays with jitter but stays within [0, max]', () => {
    const low = new ExponentialBackoffPolicy({
      initialDelayMs: 1000,
      maxDelayMs: 1000,
      jitter: 0.5,
      random: () => 0,
    });
    const high = new ExponentialBackoffPolicy({
      initialDelayMs: 1000,
      maxDelayMs: 1000,
      jitter: 0.5,
      random: () => 0.999,
    });
    expect(low.nextRetryDelayMs({ retryCount: 0, elapsedMs: 0 })).toBe(500);
    // Upward jitter is clamped at the cap.
    expect(high.nextRetryDelayMs({ retryCount: 0, elapsedMs: 0 })).toBe(1000);
    const mid = new ExponentialBackoffPolicy({
      initialDelayMs: 400,
      maxDelayMs: 10_000,
      jitter: 0.5,
      random: () => 0.75,
    });
    expect(mid.nextRetryDelayMs({ retryCount: 0, elapsedMs: 0 })).toBe(500);
  });

  it('gives up after maxRetries or maxElapsedMs', () => {
    const p = new ExponentialBackoffPolicy({ jitter: 0, maxRetries: 3, maxElapsedMs: 60_000 });
    expect(p.nextRetryDelayMs({ retryCount: 2, elapsedMs: 0 })).not.toBeNull();
    expect(p.nextRetryDelayMs({ retryCount: 3, elapsedMs: 0 })).toBeNull();
    expect(p.nextRetryDelayMs({ retryCount: 0, elapsedMs: 60_000 })).toBeNull();
  });

  it('never gives up by default', () => {
    const p = new ExponentialBackoffPolicy();
    expect(p.nextRetryDelayMs({ retryCount: 1000, elapsedMs: 86_400_000 })).toBeLessThanOrEqual(
      15_000,
    );
  });

  it('rejects nonsensical options', () => {
    expect(() => new ExponentialBackoffPolicy({ initialDelayMs: 5000, maxDelayMs: 100 })).toThrow(
      RangeError,
    );
    expect(() => new ExponentialBackoffPolicy({ multiplier: 0.5 })).toThrow(RangeError);
  });
});
